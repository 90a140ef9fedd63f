package org.jmiredo.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lab: the LAB.md topology in namespaces named with a per-run random prefix ({@code jm<6 hex>-<host>}),
 * the processes started in it, and a teardown that runs even when a test fails (and from a JVM
 * shutdown hook if nobody called {@link #close()}), then checks that nothing leaked.
 *
 * <p>Output of every process and every command goes to {@code target/e2e/<prefix>/}.
 */
final class Lab implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration PLUMBING_TIMEOUT = Duration.ofSeconds(10);

    private final String prefix;
    private final Path dir;
    private final Shell shell;
    private final Map<Host, Netns> namespaces = new EnumMap<>(Host.class);
    private final List<LabProcess> processes = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;
    private int numberedFiles;

    private Lab(String prefix, Path dir) {
        this.prefix = prefix;
        this.dir = dir;
        this.shell = new Shell(dir.resolve("commands.log"));
        for (Host host : Host.values()) {
            namespaces.put(host, new Netns(prefix + "-" + host.id(), shell));
        }
        this.shutdownHook = new Thread(this::teardownQuietly, "lab-teardown-" + prefix);
    }

    /** Builds the topology and proves its plain IPv4/IPv6 reachability; tears down on failure. */
    static Lab create() {
        String prefix = freshPrefix();
        Path runs = Path.of("target", "e2e").toAbsolutePath();
        Path dir = runs.resolve(prefix);
        try {
            Files.createDirectories(dir);
            StaleRuns.claim(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Lab lab = new Lab(prefix, dir);
        StaleRuns.reap(runs, lab.shell);
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        try {
            Topology topology = new Topology(lab.namespaces, lab.shell);
            topology.build();
            topology.verify(PLUMBING_TIMEOUT);
            return lab;
        } catch (RuntimeException | Error e) {
            try {
                lab.close();
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * A random {@code jm<6 hex>} that no existing namespace uses, so that teardown (which deletes
     * every namespace with the prefix) can never touch another run's lab.
     */
    private static String freshPrefix() {
        SecureRandom random = new SecureRandom();
        Shell quiet = new Shell(null);
        while (true) {
            byte[] bytes = new byte[3];
            random.nextBytes(bytes);
            String prefix = "jm" + HexFormat.of().formatHex(bytes);
            if (StaleRuns.labNamespaces(quiet, prefix).isEmpty()) {
                return prefix;
            }
        }
    }

    String prefix() {
        return prefix;
    }

    Path dir() {
        return dir;
    }

    Shell shell() {
        return shell;
    }

    Netns ns(Host host) {
        return namespaces.get(host);
    }

    /** Writes a file (a config) into the run directory and returns its absolute path. */
    Path writeFile(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file named {@code <base>-<n><suffix>}, numbered in the order of writing. */
    synchronized Path writeNumberedFile(String base, String suffix, String content) {
        return writeFile(base + "-" + (++numberedFiles) + suffix, content);
    }

    /**
     * Starts a long-running command inside a namespace; its output goes to {@code <name>.log}
     * (a second process of the same name gets {@code <name>-2.log}).
     */
    synchronized LabProcess start(Host host, String name, List<String> command) {
        String unique = uniqueName(name);
        Path log = dir.resolve(unique + ".log");
        List<String> full = ns(host).execCommand(command);
        shell.note("start " + unique + ": " + String.join(" ", full));
        try {
            Process process = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            LabProcess started = new LabProcess(unique, process, log);
            processes.add(started);
            shell.note(started + " started");
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + full, e);
        }
    }

    private String uniqueName(String name) {
        long same = processes.stream().filter(p -> p.name().equals(name) || p.name().startsWith(name + "-")).count();
        return same == 0 ? name : name + "-" + (same + 1);
    }

    /** Stops one process by SIGTERM and returns its exit code (empty if it had to be killed). */
    Optional<Integer> stop(LabProcess process) {
        Optional<Integer> exit = process.stop(STOP_GRACE);
        shell.note("stopped " + process + (exit.isEmpty() ? " by SIGKILL" : ""));
        return exit;
    }

    /**
     * Stops every process, kills whatever else runs in the lab's namespaces, deletes them, and
     * then fails if any namespace with this run's prefix or any started process is left.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Called from the hook itself or during JVM exit: nothing to remove.
        }
        teardown();
        assertNothingLeaked();
    }

    private void teardownQuietly() {
        try {
            close();
        } catch (RuntimeException | Error e) {
            System.err.println("lab " + prefix + " teardown: " + e);
        }
    }

    private void teardown() {
        for (LabProcess process : processes.reversed()) {
            try {
                stop(process);
            } catch (RuntimeException e) {
                shell.note("stopping " + process + " failed: " + e);
            }
        }
        for (Netns netns : namespaces.values()) {
            killRemaining(netns);
        }
        for (Netns netns : namespaces.values()) {
            if (existingNamespaces().contains(netns.name())) {
                shell.run("ip", "netns", "del", netns.name());
            }
        }
    }

    /** Kills, by pid, processes left in one of our namespaces (children a daemon forked). */
    private void killRemaining(Netns netns) {
        if (existingNamespaces().contains(netns.name())) {
            Pids.killAndWait(netns.pids(), shell);
        }
    }

    private List<String> existingNamespaces() {
        return StaleRuns.labNamespaces(shell, prefix);
    }

    private void assertNothingLeaked() {
        List<String> leftNamespaces = existingNamespaces();
        List<LabProcess> leftProcesses = processes.stream().filter(LabProcess::isAlive).toList();
        shell.note("teardown done; namespaces left " + leftNamespaces + ", processes left " + leftProcesses);
        if (!leftNamespaces.isEmpty() || !leftProcesses.isEmpty()) {
            throw new AssertionError("lab " + prefix + " leaked namespaces " + leftNamespaces
                    + " and processes " + leftProcesses);
        }
    }
}
