package org.jmiredo.server.tun.bsd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system's own configuration commands ({@code /sbin/ifconfig}, {@code /sbin/route}), as Miredo's scripts
 * do on some systems: start-up and shutdown only. A seam, so that tests record the plan instead of running it.
 */
@FunctionalInterface
public interface Commands {
    /**
     * Runs {@code argv} and waits for it.
     *
     * @throws IOException when it cannot start, does not end within 10 s, or exits with another status than 0
     *     (the message holds its first line of output)
     */
    void run(List<String> argv) throws IOException;

    /** The real thing: a child process per command, its output read for the error message. */
    Commands SYSTEM = argv -> {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try (InputStream out = process.getInputStream()) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", argv) + ": no answer within 10 s");
            }
            if (process.exitValue() != 0) {
                String text = new String(out.readNBytes(4096), StandardCharsets.UTF_8).strip();
                int eol = text.indexOf('\n');
                throw new IOException(String.join(" ", argv) + " exited with " + process.exitValue()
                        + (text.isEmpty() ? "" : ": " + (eol < 0 ? text : text.substring(0, eol))));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException(String.join(" ", argv) + ": interrupted", e);
        }
    };
}
