package org.jmiredo.server.tun.bsd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@link Commands} that record each command line instead of running it, and fail those that contain {@link #failOn}. */
final class RecordingCommands implements Commands {
    final List<String> ran = new ArrayList<>();
    /** A part of the command lines that fail ("exited with 1: File exists"), or null for none. */
    String failOn;

    @Override
    public void run(List<String> argv) throws IOException {
        String line = String.join(" ", argv);
        ran.add(line);
        if (failOn != null && line.contains(failOn)) {
            throw new IOException(line + " exited with 1: File exists");
        }
    }
}
