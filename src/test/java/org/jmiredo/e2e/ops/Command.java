package org.jmiredo.e2e.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a short command to completion within a time limit, stdout and stderr merged. */
final class Command {

    record Result(List<String> command, int exit, String output) {
        boolean ok() {
            return exit == 0;
        }

        /** For assertion messages. */
        String describe() {
            return String.join(" ", command) + " -> exit " + exit + "\n" + output;
        }
    }

    private Command() {
    }

    static Result run(Duration timeout, String... command) {
        return run(timeout, null, Map.of(), List.of(command));
    }

    static Result run(Duration timeout, Path workDir, Map<String, String> env, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command)
                        + "\n" + output.getNow("(no output yet)"));
            }
            return new Result(List.copyOf(command), process.exitValue(), output.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted: " + command, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot read the output of " + command, e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }
}
