package org.jmiredo.e2e.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One run of a namespace lab: a per-run random prefix ({@code <family><6 hex>}, the family distinct per
 * suite so that suites never collide), the namespaces {@code <prefix>-<id>} it creates, the processes it
 * starts in them, a run directory for their logs and the command log, and a teardown that runs even
 * when a test fails (and from a JVM shutdown hook if nobody called {@link #close()}): stop every process
 * (SIGTERM, then SIGKILL), kill by pid whatever else runs in our namespaces, delete them, then fail if
 * any namespace with the prefix or any started process is left.
 */
public final class LabRun implements AutoCloseable {

    private final String prefix;
    private final Path dir;
    private final Shell shell;
    private final Map<String, Netns> namespaces = new LinkedHashMap<>();
    private final List<LabProcess> processes = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;
    private int numberedFiles;

    private LabRun(String prefix, Path dir) {
        this.prefix = prefix;
        this.dir = dir;
        this.shell = new Shell(dir.resolve("commands.log"));
        this.shutdownHook = new Thread(this::closeQuietly, "lab-teardown-" + prefix);
    }

    /**
     * Opens a run: a fresh prefix of {@code family}, its directory {@code runsRoot/<dirPrefix><prefix>},
     * and the removal of namespaces that dead runs of the same family left behind.
     */
    public static LabRun open(String family, Path runsRoot, String dirPrefix) {
        Path root = runsRoot.toAbsolutePath();
        String prefix = freshPrefix(family);
        Path dir = root.resolve(dirPrefix + prefix);
        try {
            Files.createDirectories(dir);
            StaleRuns.claim(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LabRun run = new LabRun(prefix, dir);
        StaleRuns.reap(family, root, dirPrefix, run.shell);
        Runtime.getRuntime().addShutdownHook(run.shutdownHook);
        return run;
    }

    /** A random {@code <family><6 hex>} that no existing namespace uses, so teardown never touches another run. */
    private static String freshPrefix(String family) {
        SecureRandom random = new SecureRandom();
        while (true) {
            byte[] bytes = new byte[3];
            random.nextBytes(bytes);
            String prefix = family + HexFormat.of().formatHex(bytes);
            if (StaleRuns.namespaces(Shell.quiet(), prefix).isEmpty()) {
                return prefix;
            }
        }
    }

    public String prefix() {
        return prefix;
    }

    public Path dir() {
        return dir;
    }

    public Shell shell() {
        return shell;
    }

    /** Creates namespace {@code <prefix>-<id>} with its loopback up. */
    public synchronized Netns addNamespace(String id) {
        Netns netns = new Netns(id, prefix + "-" + id, shell);
        shell.check("ip", "netns", "add", netns.name());
        namespaces.put(id, netns);
        netns.ip("link", "set", "lo", "up");
        return netns;
    }

    /** One namespace per constant of {@code hosts}, named after it in lower case ({@code <prefix>-rly}). */
    public <H extends Enum<H>> Map<H, Netns> addNamespaces(Class<H> hosts) {
        Map<H, Netns> made = new EnumMap<>(hosts);
        for (H host : hosts.getEnumConstants()) {
            made.put(host, addNamespace(host.name().toLowerCase(Locale.ROOT)));
        }
        return made;
    }

    /**
     * Returns what {@code body} builds on a resource (a lab), or closes the resource when building fails,
     * so that a half-built lab is torn down at once; a failure of that teardown is added as suppressed.
     */
    public static <T> T orClose(AutoCloseable resource, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException | Error e) {
            try {
                resource.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** A namespace made by {@link #addNamespace}. */
    public synchronized Netns ns(String id) {
        Netns netns = namespaces.get(id);
        if (netns == null) {
            throw new IllegalArgumentException("no namespace " + id + " in run " + prefix);
        }
        return netns;
    }

    /** Writes a file (a config) into the run directory and returns its absolute path. */
    public Path writeFile(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file named {@code <base>-<n><suffix>}, numbered in the order of writing. */
    public synchronized Path writeNumberedFile(String base, String suffix, String content) {
        return writeFile(base + "-" + (++numberedFiles) + suffix, content);
    }

    public LabProcess start(Netns netns, String name, List<String> command) {
        return start(netns, name, command, Map.of());
    }

    /**
     * Starts a long-running command inside a namespace with extra environment variables; its output
     * goes to {@code <name>.log} (a second process of the same name gets {@code <name>-2.log}).
     */
    public synchronized LabProcess start(Netns netns, String name, List<String> command, Map<String, String> env) {
        String unique = uniqueName(name);
        Path log = dir.resolve(unique + ".log");
        List<String> full = netns.execCommand(command);
        shell.note("start " + unique + ": " + String.join(" ", full));
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        try {
            LabProcess started = new LabProcess(unique, builder.start(), log);
            processes.add(started);
            shell.note(started + " started");
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + full, e);
        }
    }

    private String uniqueName(String name) {
        long same = processes.stream()
                .filter(p -> p.name().equals(name) || p.name().startsWith(name + "-"))
                .count();
        return same == 0 ? name : name + "-" + (same + 1);
    }

    /** Stops one process by SIGTERM and returns its exit code (empty if it had to be killed). */
    public Optional<Integer> stop(LabProcess process) {
        Optional<Integer> exit = process.stop();
        shell.note("stopped " + process + (exit.isEmpty() ? " by SIGKILL" : ""));
        return exit;
    }

    /** Tears everything down, then fails if any namespace of this run or any started process is left. */
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

    private void closeQuietly() {
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
        // Also namespaces whose creation failed half-way: everything with our prefix is ours.
        List<String> ours = existingNamespaces();
        for (String name : ours) {
            // Children a daemon forked, or anything a test started by hand: by pid, never by name.
            Pids.killAndWait(Netns.pids(shell, name), shell);
        }
        for (String name : ours) {
            shell.run("ip", "netns", "del", name);
            shell.run("rm", "-rf", "--", "/etc/netns/" + name); // Netns.resolves, if it was used
        }
    }

    private List<String> existingNamespaces() {
        return StaleRuns.namespaces(shell, prefix);
    }

    private void assertNothingLeaked() {
        List<String> leftNamespaces = existingNamespaces();
        List<LabProcess> leftProcesses =
                processes.stream().filter(LabProcess::isAlive).toList();
        shell.note("teardown done; namespaces left " + leftNamespaces + ", processes left " + leftProcesses);
        if (!leftNamespaces.isEmpty() || !leftProcesses.isEmpty()) {
            throw new AssertionError(
                    "lab " + prefix + " leaked namespaces " + leftNamespaces + " and processes " + leftProcesses);
        }
    }
}
