package org.jmiredo.e2e.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;

/** Kills processes by pid (never by name) and waits until they are gone. */
public final class Pids {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);

    private Pids() {}

    /**
     * SIGKILL to each pid, then waits until none is running. A killed process whose parent has
     * died stays a zombie until init reaps it, which may take seconds; a zombie runs nothing and
     * holds no namespace, so it counts as gone.
     */
    public static void killAndWait(Collection<Long> pids, Shell shell) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(handle -> {
                shell.note("SIGKILL pid " + pid + ": "
                        + handle.info().commandLine().orElse("?"));
                handle.destroyForcibly();
            });
        }
        try {
            Poll.until("pids " + pids + " to exit", EXIT_TIMEOUT, () -> pids.stream()
                    .noneMatch(Pids::running));
        } catch (AssertionError e) {
            shell.note(e.getMessage());
        }
    }

    /** True while the pid exists and is not a zombie (state field of /proc/PID/stat, proc(5)). */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name may contain spaces and parentheses: the state follows the last ')'.
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }
}
