package org.jmiredo.e2e.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The namespace lab of the Teredo server's end-to-end tests: the LAB.md topology (hub with bridges br4,
 * br6 and brl; srv, rly, v6, nat, lan, cli) plus {@code atk}, a host for the hostile cases that owns
 * 203.0.113.0/24 through a local route, so that every address a test sends to is one of the lab's
 * (LAB.md traffic rules). Namespaces are named {@code js<6 hex>-<host>} per run; nothing is connected to
 * the root namespace. {@link #close} stops every process, kills what is left in the namespaces by pid,
 * deletes them and fails if anything leaked; a shutdown hook does the same if the JVM exits first.
 *
 * <p>The org.jmiredo.e2e harness is package-private, so this package has its own, smaller one.
 * Logs: {@code target/e2e/server-<prefix>/}.
 */
final class ServerLab implements AutoCloseable {
    enum Node {
        HUB, SRV, RLY, V6, NAT, LAN, CLI, ATK;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String PRIMARY = "198.51.100.1";
    static final String SECONDARY = "198.51.100.2";
    static final String SERVER_V6 = "2001:db8:6::10";
    static final String RELAY_V4 = "198.51.100.3";
    static final int RELAY_PORT = 3545;
    static final String RELAY_V6 = "2001:db8:6::3";
    static final String NATIVE_HOST = "2001:db8:6::20";
    static final String NAT_OUTSIDE = "198.51.100.20";
    static final String NAT_INSIDE = "192.168.77.1";
    static final String LAN_CLIENT = "192.168.77.2";
    static final String PUBLIC_CLIENT = "198.51.100.10";
    static final String ATTACKER = "198.51.100.50";
    /** Owned by atk through {@code ip route add local}: the sources of the spoofed Router Solicitations. */
    static final String SPOOFED_NET = "203.0.113.0/24";
    static final String TEREDO_PREFIX = "2001::/32";
    static final String TUN = "teredo";

    private static final Duration CMD_TIMEOUT = Duration.ofSeconds(30);

    /** One finished command: stdout and stderr merged. */
    record Result(List<String> command, int exit, String output) {
        boolean ok() {
            return exit == 0;
        }

        Result check() {
            if (exit != 0) {
                throw new IllegalStateException("exit " + exit + ": " + String.join(" ", command) + "\n" + output);
            }
            return this;
        }
    }

    /** A long-running process in a namespace; its output goes to a file of the run directory. */
    record Proc(String name, Process process, Path log) {
        String output() {
            try {
                return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        }

        void assertAlive() {
            if (!process.isAlive()) {
                String out = output();
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n"
                        + out.substring(Math.max(0, out.length() - 3000)));
            }
        }

        /** SIGTERM, then SIGKILL after 5 s; the exit code, or empty when killed. */
        Optional<Integer> stop() {
            if (!process.isAlive()) {
                return Optional.of(process.exitValue());
            }
            process.destroy();
            try {
                if (process.waitFor(5, TimeUnit.SECONDS)) {
                    return Optional.of(process.exitValue());
                }
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
    }

    private final String prefix;
    private final Path dir;
    private final List<Proc> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::closeQuietly, "server-lab-teardown");
    private boolean closed;

    private ServerLab(String prefix, Path dir) {
        this.prefix = prefix;
        this.dir = dir;
    }

    /** Skips without root and the Debian packages, or fails when {@code CI=true} (never a silent skip in CI). */
    static void requirePreconditions(Path jar) {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("not root");
        }
        for (String tool : List.of("ip", "ss", "sysctl", "iptables", "ip6tables", "ping", "iperf3", "miredo",
                "unshare", "mount", "bash", "promtool")) {
            if (onPath(tool).isEmpty()) {
                missing.add("no " + tool + " on PATH");
            }
        }
        if (!Files.isRegularFile(jar)) {
            missing.add("no daemon jar at " + jar + " (package relay-server first)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "server end-to-end lab not runnable: " + String.join("; ", missing);
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("CI=true, so this must run, but " + why);
        }
        Assumptions.abort(why);
    }

    private static Optional<Path> onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        return Arrays.stream(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst();
    }

    /** Builds the topology and proves plain reachability; tears down if that fails. */
    static ServerLab create() {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        String prefix = "js" + HexFormat.of().formatHex(random);
        Path dir = Path.of("target", "e2e", "server-" + prefix).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerLab lab = new ServerLab(prefix, dir);
        Runtime.getRuntime().addShutdownHook(lab.hook);
        try {
            new ServerTopology(lab).build();
            return lab;
        } catch (RuntimeException | Error e) {
            lab.closeQuietly();
            throw e;
        }
    }

    String prefix() {
        return prefix;
    }

    Path dir() {
        return dir;
    }

    String ns(Node node) {
        return prefix + "-" + node.id();
    }

    Result run(Duration timeout, List<String> command) {
        Path out = null;
        try {
            // Output to a file: a large one (a /metrics page) cannot fill a pipe and stall the command.
            out = Files.createTempFile(dir, "cmd", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                log("timed out after " + timeout + ": " + String.join(" ", command));
                throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
            }
            Result r = new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            String shown = r.output().strip();
            shown = shown.length() > 1500 ? shown.substring(0, 1500) + "\n..." : shown;
            log("$ " + String.join(" ", command) + "  -> " + r.exit() + (shown.isEmpty() ? "" : "\n" + shown.indent(4)));
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file in the run directory
                }
            }
        }
    }

    Result sh(String... command) {
        return run(CMD_TIMEOUT, List.of(command));
    }

    /** A command inside a namespace. */
    Result exec(Node node, String... command) {
        return exec(node, CMD_TIMEOUT, List.of(command));
    }

    Result exec(Node node, Duration timeout, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(node)));
        full.addAll(command);
        return run(timeout, full);
    }

    /** {@code ip -n NS ...}, which must succeed. */
    void ip(Node node, String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "-n", ns(node)));
        full.addAll(List.of(args));
        run(CMD_TIMEOUT, full).check();
    }

    Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized Proc start(Node node, String name, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(node)));
        full.addAll(command);
        String unique = name + (processes.stream().anyMatch(p -> p.name().equals(name)) ? "-" + processes.size() : "");
        Path log = dir.resolve(unique + ".log");
        log("start " + unique + ": " + String.join(" ", full));
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            Proc proc = new Proc(unique, p, log);
            processes.add(proc);
            return proc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Miredo refuses a second instance on one /var/run: each runs in a private mount namespace (LAB.md). */
    static List<String> privateRun(String... command) {
        List<String> full = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount -t tmpfs none /var/run && mkdir -p /var/run/miredo && exec \"$@\"", "sh"));
        full.addAll(List.of(command));
        return full;
    }

    synchronized void log(String line) {
        try {
            Files.writeString(dir.resolve("commands.log"), LocalTime.now() + " " + line + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls (20 ms, doubling to 250 ms) until the condition holds; returns how long it took. */
    static Duration until(String what, Duration timeout, BooleanSupplier condition) {
        long start = System.nanoTime();
        value(what, timeout, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty());
        return Duration.ofNanos(System.nanoTime() - start);
    }

    static <T> T value(String what, Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleep = 20;
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep = Math.min(sleep * 2, 250);
        }
    }

    /** The first global IPv6 address of a device. */
    Optional<String> globalInet6(Node node, String device) {
        Result r = run(CMD_TIMEOUT, List.of("ip", "-n", ns(node), "-6", "-o", "addr", "show", "dev", device, "scope", "global"));
        Matcher m = Pattern.compile("inet6 ([0-9a-f:]+)/").matcher(r.output());
        return r.ok() && m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    boolean udpBound(Node node, int port) {
        Result r = exec(node, "ss", "-Hnul", "sport = :" + port);
        return r.ok() && !r.output().isBlank();
    }

    /** An HTTP/1.0 GET inside a namespace with bash's /dev/tcp (no HTTP client needed): status line and body. */
    String[] httpGet(Node node, String hostPort, String path) {
        String[] hp = hostPort.split(":");
        String script = "exec 3<>/dev/tcp/" + hp[0] + "/" + hp[1] + " || exit 7\n"
                + "printf 'GET " + path + " HTTP/1.0\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' >&3\n"
                + "timeout 5 cat <&3 || true\n";
        Result r = exec(node, Duration.ofSeconds(15), List.of("bash", "-c", script));
        int end = r.output().indexOf("\r\n\r\n");
        if (!r.ok() || end < 0) {
            return new String[] {"", ""};
        }
        return new String[] {r.output().lines().findFirst().orElse(""), r.output().substring(end + 4)};
    }

    /** Resident set size of a process, from /proc/PID/status (proc(5)), in KiB. */
    static long rssKib(Process process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for pid " + process.pid());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // called from the hook
        }
        for (Proc p : processes.reversed()) {
            log("stop " + p.name() + " -> " + p.stop().map(String::valueOf).orElse("killed"));
        }
        List<String> ours = namespaces();
        for (String ns : ours) {
            for (String pid : sh("ip", "netns", "pids", ns).output().lines().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        for (String ns : ours) {
            sh("ip", "netns", "del", ns);
        }
        List<String> left = namespaces();
        List<Proc> alive = processes.stream().filter(p -> p.process().isAlive()).toList();
        log("teardown: namespaces left " + left + ", processes left " + alive);
        if (!left.isEmpty() || !alive.isEmpty()) {
            throw new AssertionError("lab " + prefix + " leaked " + left + " " + alive);
        }
    }

    private List<String> namespaces() {
        return sh("ip", "netns", "list").output().lines().map(l -> l.split(" ", 2)[0])
                .filter(n -> n.startsWith(prefix + "-")).toList();
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException | Error e) {
            System.err.println("server lab " + prefix + " teardown: " + e);
        }
    }
}
