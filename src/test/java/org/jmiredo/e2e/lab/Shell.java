package org.jmiredo.e2e.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs short commands (ip, sysctl, iptables, ping, curl, promtool) to completion under a deadline,
 * stdout and stderr merged. Every call and its output is appended to one command log (when there is
 * one), so that a failed lab can be diagnosed from {@code commands.log} alone.
 */
public final class Shell {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Long outputs (iperf3 JSON, a /metrics page) are not copied whole into the command log. */
    private static final int MAX_LOGGED_OUTPUT = 2000;

    private static final Shell QUIET = new Shell(null);

    /** The outcome of one finished command: stdout and stderr merged in order. */
    public record Result(List<String> command, int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }

        /** This result, or an exception with the command and its output when it failed. */
        public Result check() {
            if (!ok()) {
                throw new IllegalStateException("command failed (exit " + exit + "): " + describe());
            }
            return this;
        }

        /** For assertion messages. */
        public String describe() {
            return String.join(" ", command) + " -> exit " + exit + "\n" + output.strip();
        }
    }

    private final Path log;

    /** A shell that appends to {@code log}, or logs nothing when it is null. */
    public Shell(Path log) {
        this.log = log;
    }

    /** A shell without a command log (for commands outside any lab run). */
    public static Shell quiet() {
        return QUIET;
    }

    public Result run(String... command) {
        return run(DEFAULT_TIMEOUT, List.of(command));
    }

    public Result check(String... command) {
        return run(command).check();
    }

    public Result run(Duration timeout, String... command) {
        return run(timeout, List.of(command));
    }

    public Result run(Duration timeout, List<String> command) {
        return run(timeout, null, Map.of(), command);
    }

    /** Runs {@code command} in {@code workDir} (null: ours) with extra environment variables. */
    public Result run(Duration timeout, Path workDir, Map<String, String> env, List<String> command) {
        Process process = start(workDir, env, command);
        // Read on another thread so that a command that fills its pipe cannot stall the deadline: a thread of
        // its own, since the common pool has one worker on a 2-core machine, and a long command run from a
        // background thread (pings across a restart) would hold it while every other command's read waits.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(
                () -> readAll(process.getInputStream()),
                task -> Thread.ofVirtual().name("shell-read").start(task));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                Result timedOut =
                        new Result(List.copyOf(command), -1, "timed out after " + timeout + "\n" + output.getNow(""));
                record(timedOut);
                throw new IllegalStateException("command timed out after " + timeout + ": " + timedOut.describe());
            }
            Result result = new Result(List.copyOf(command), process.exitValue(), output.get(5, TimeUnit.SECONDS));
            record(result);
            return result;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the output of " + command, e);
        }
    }

    private static Process start(Path workDir, Map<String, String> env, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<output unreadable: " + e + ">";
        }
    }

    /** Appends a free-form line (phase markers, measured figures) to the command log. */
    public synchronized void note(String line) {
        append(LocalTime.now() + " # " + line + "\n");
    }

    private synchronized void record(Result result) {
        if (log == null) {
            return;
        }
        StringBuilder entry = new StringBuilder()
                .append(LocalTime.now())
                .append(" $ ")
                .append(String.join(" ", result.command()))
                .append("  -> exit ")
                .append(result.exit())
                .append('\n');
        String out = result.output().strip();
        if (out.length() > MAX_LOGGED_OUTPUT) {
            out = out.substring(0, MAX_LOGGED_OUTPUT) + "\n... (" + (out.length() - MAX_LOGGED_OUTPUT)
                    + " more characters)";
        }
        if (!out.isEmpty()) {
            entry.append(out.indent(4));
        }
        append(entry.toString());
    }

    private void append(String text) {
        if (log == null) {
            return;
        }
        try {
            Files.writeString(log, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
