package org.jmiredo.e2e;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs short commands (ip, sysctl, iptables, ping, iperf3 clients) to completion under a deadline.
 * Every call and its output is appended to one command log, so that a failed lab can be diagnosed
 * from {@code target/e2e/<run>/commands.log} alone.
 */
final class Shell {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Long outputs (iperf3 JSON) are kept in files of their own; the command log gets the start. */
    private static final int MAX_LOGGED_OUTPUT = 2000;

    /** The outcome of one finished command: stdout and stderr merged in order. */
    record Result(List<String> command, int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        Result check() {
            if (!ok()) {
                throw new IllegalStateException("command failed (exit " + exitCode + "): "
                        + String.join(" ", command) + "\n" + output.strip());
            }
            return this;
        }
    }

    private final Path log;

    Shell(Path log) {
        this.log = log;
    }

    Result run(String... command) {
        return run(DEFAULT_TIMEOUT, List.of(command));
    }

    Result check(String... command) {
        return run(command).check();
    }

    Result run(Duration timeout, List<String> command) {
        Process process = start(command);
        // Read on another thread so that a command that fills its pipe cannot stall the deadline.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                Result timedOut = new Result(command, -1, "timed out after " + timeout + "\n" + output.getNow(""));
                record(timedOut);
                throw new IllegalStateException("command timed out after " + timeout + ": " + String.join(" ", command));
            }
            Result result = new Result(command, process.exitValue(), output.get(5, TimeUnit.SECONDS));
            record(result);
            return result;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not read the output of " + command, e);
        }
    }

    private static Process start(List<String> command) {
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
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
    synchronized void note(String line) {
        append(LocalTime.now() + " # " + line + "\n");
    }

    private synchronized void record(Result result) {
        StringBuilder entry = new StringBuilder()
                .append(LocalTime.now()).append(" $ ").append(String.join(" ", result.command()))
                .append("  -> exit ").append(result.exitCode()).append('\n');
        String out = result.output().strip();
        if (out.length() > MAX_LOGGED_OUTPUT) {
            out = out.substring(0, MAX_LOGGED_OUTPUT) + "\n... (" + (out.length() - MAX_LOGGED_OUTPUT) + " more characters)";
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
