package org.jmiredo.e2e.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fresh network namespace ({@code jmops<6 hex>}, loopback up, nothing else) for the ops tests, the
 * long-running processes started in it, and a teardown that stops them (SIGTERM, then SIGKILL), kills by
 * pid anything else left in the namespace, and deletes it, even if a test failed or the JVM is exiting.
 * Output of every process goes to {@code target/ops/<namespace>/<name>.log}.
 */
final class OpsNetns implements AutoCloseable {

    private static final Duration SHORT = Duration.ofSeconds(15);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private OpsNetns(String name, Path dir) {
        this.name = name;
        this.dir = dir;
        this.shutdownHook = new Thread(this::closeQuietly, "ops-netns-teardown-" + name);
    }

    static OpsNetns create() {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        String name = "jmops" + HexFormat.of().formatHex(random);
        Path dir = Path.of("target", "ops", name).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OpsNetns netns = new OpsNetns(name, dir);
        check(Command.run(SHORT, "ip", "netns", "add", name));
        Runtime.getRuntime().addShutdownHook(netns.shutdownHook);
        try {
            check(netns.exec(SHORT, "ip", "link", "set", "lo", "up"));
            return netns;
        } catch (RuntimeException | Error e) {
            netns.close();
            throw e;
        }
    }

    String name() {
        return name;
    }

    Path dir() {
        return dir;
    }

    Path writeFile(String fileName, String content) {
        try {
            return Files.writeString(dir.resolve(fileName), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a short command in the namespace. */
    Command.Result exec(Duration timeout, String... command) {
        return Command.run(timeout, null, Map.of(), inside(List.of(command)));
    }

    /** GET with curl inside the namespace: the body, or an AssertionError with curl's message. */
    String httpGet(String url) {
        Command.Result result = exec(SHORT, "curl", "--silent", "--show-error", "--fail", "--max-time", "5", url);
        if (!result.ok()) {
            throw new AssertionError("GET " + url + " in " + name + " failed: " + result.output());
        }
        return result.output();
    }

    /** The HTTP status of a GET inside the namespace; 0 when nothing answers. */
    int httpStatus(String url, String... headers) {
        String code = curlWriteOut("%{http_code}", url, headers);
        return code.matches("\\d{3}") ? Integer.parseInt(code) : 0;
    }

    /** The Content-Type of the answer to a GET inside the namespace ("" when none). */
    String httpContentType(String url, String... headers) {
        return curlWriteOut("%{content_type}", url, headers);
    }

    private String curlWriteOut(String format, String url, String... headers) {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--output", "/dev/null",
                "--write-out", format, "--max-time", "5"));
        for (String header : headers) {
            command.add("--header");
            command.add(header);
        }
        command.add(url);
        return Command.run(SHORT, null, Map.of(), inside(command)).output().strip();
    }

    /** Starts a long-running process in the namespace; its output goes to {@code <logName>.log}. */
    synchronized Process start(String logName, List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(inside(command))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(logName + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    String log(String logName) {
        try {
            Path log = dir.resolve(logName + ".log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** `ip netns exec` runs the command in place (no fork), so a started Process is the program itself. */
    private List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /** Stops one process: SIGTERM, then SIGKILL after the grace period. Returns its exit code or -1. */
    static int stop(Process process) {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        process.destroy();
        try {
            if (process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        return -1;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException exiting) {
            // called from the hook itself
        }
        processes.reversed().forEach(OpsNetns::stop);
        killLeftovers();
        Command.Result deleted = Command.run(SHORT, "ip", "netns", "del", name);
        Command.Result list = Command.run(SHORT, "ip", "netns", "list");
        if (list.output().lines().anyMatch(l -> l.split(" ", 2)[0].equals(name))) {
            throw new AssertionError("namespace " + name + " is still there after `ip netns del`: " + deleted.describe());
        }
    }

    /** Processes of ours that outlived their parent (none expected): by pid, in this namespace only. */
    private void killLeftovers() {
        Command.Result pids = Command.run(SHORT, "ip", "netns", "pids", name);
        for (String line : pids.output().lines().toList()) {
            if (line.strip().matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(handle -> {
                    handle.destroyForcibly();
                    handle.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> handle).join();
                });
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException | Error e) {
            System.err.println("ops namespace " + name + " teardown: " + e);
        }
    }

    private static void check(Command.Result result) {
        if (!result.ok()) {
            throw new AssertionError(result.describe());
        }
    }
}
