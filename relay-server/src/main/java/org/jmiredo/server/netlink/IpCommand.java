package org.jmiredo.server.netlink;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs iproute2's {@code ip}, optionally in a named network namespace ({@code ip -n NS}, iproute2 4.11),
 * with a timeout; stdout and stderr are read together so the error text can go into the exception.
 */
final class IpCommand {
    /** What one run printed and returned. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private final String netns;
    private final Duration timeout;

    IpCommand(String netns, Duration timeout) {
        this.netns = netns;
        this.timeout = timeout;
    }

    /** Runs {@code ip args…} and returns its exit code and output; throws only if it did not run to the end. */
    Result run(String... args) throws InterfaceConfigException {
        List<String> command = commandLine(args);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new InterfaceConfigException("cannot run " + command.getFirst()
                    + " (install iproute2): " + e.getMessage(), e);
        }
        CompletableFuture<String> output = readAsync(process.getInputStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new InterfaceConfigException("`" + String.join(" ", command) + "` did not finish within "
                        + timeout.toMillis() + " ms");
            }
            return new Result(process.exitValue(), output.get(timeout.toMillis(), TimeUnit.MILLISECONDS).strip());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterfaceConfigException("interrupted while running `" + String.join(" ", command) + "`", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new InterfaceConfigException("cannot read the output of `" + String.join(" ", command) + "`", e);
        }
    }

    /** Runs {@code ip args…}; a non-zero exit becomes an exception quoting the command and its error text. */
    String check(String... args) throws InterfaceConfigException {
        Result result = run(args);
        if (!result.ok()) {
            throw failure(result, args);
        }
        return result.output();
    }

    InterfaceConfigException failure(Result result, String... args) {
        return new InterfaceConfigException("`" + String.join(" ", commandLine(args)) + "` failed: "
                + oneLine(result.output()));
    }

    private List<String> commandLine(String... args) {
        List<String> command = new ArrayList<>(args.length + 3);
        command.add("ip");
        if (netns != null) {
            command.add("-n");
            command.add(netns);
        }
        command.addAll(List.of(args));
        return command;
    }

    static String oneLine(String text) {
        String joined = text.strip().replace('\n', ' ');
        return joined.isEmpty() ? "(no output)" : joined;
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        CompletableFuture<String> result = new CompletableFuture<>();
        // A platform thread: a virtual one would start the JDK's virtual-thread scheduler for this alone,
        // 10 to 15 ms of CPU at start-up (BENCHMARKS.md, "Startup: where the time goes").
        Thread.ofPlatform().daemon().name("ip-output").start(() -> {
            try (in) {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
