package org.jmiredo.e2e.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A long-running process inside a lab namespace (Miredo, our daemon, an iperf3 server, Prometheus). Its stdout
 * and stderr go to one file under the run directory. {@code ip netns exec} and {@code unshare}
 * exec their command, so the Java child's pid is the daemon's own pid and SIGTERM reaches it.
 */
public final class LabProcess {

    /** How long {@link #stop()} waits after SIGTERM before SIGKILL. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path log;

    LabProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** The process itself, for what the kernel knows about it (command line, start time). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        try {
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<log unreadable: " + e + ">";
        }
    }

    public String tail(int lines) {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Fails at once, with the end of the log, when the process has already exited. */
    public void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(
                    name + " exited with " + process.exitValue() + "; last output (" + log + "):\n" + tail(30));
        }
    }

    /** Waits for an output line matching the pattern, failing early if the process dies. */
    public void awaitOutput(Pattern pattern, Duration timeout) {
        Poll.until(name + " to print /" + pattern + "/", timeout, () -> {
            if (pattern.matcher(output()).find()) {
                return true;
            }
            assertAlive();
            return false;
        });
    }

    /**
     * SIGTERM, then waits for the exit; SIGKILL if the grace period passes.
     *
     * @return the exit code, or empty when the process had to be killed
     */
    public Optional<Integer> stop(Duration grace) {
        if (!process.isAlive()) {
            return Optional.of(process.exitValue());
        }
        process.destroy(); // SIGTERM on Linux
        if (waitFor(grace)) {
            return Optional.of(process.exitValue());
        }
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(5));
        return Optional.empty();
    }

    /** {@link #stop(Duration)} with {@link #STOP_GRACE}. */
    public Optional<Integer> stop() {
        return stop(STOP_GRACE);
    }

    /** Resident set size of the process, from /proc/PID/status (proc(5)), in KiB. */
    public long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for " + this);
    }

    /** SIGKILL without a grace period; waits for the exit. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(5));
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + (process.isAlive() ? "" : ", exited " + process.exitValue()) + "]";
    }
}
