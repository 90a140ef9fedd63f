package org.jmiredo.e2e.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One network namespace of a lab run: commands run inside it, the plumbing that builds a topology
 * (bridges, veths, addresses, routes) and queries about its links. Created and deleted by {@link LabRun}.
 */
public final class Netns {

    private static final Pattern INET6 = Pattern.compile("inet6 ([0-9a-f:]+)/\\d+");

    private final String id;
    private final String name;
    private final Shell shell;

    Netns(String id, String name, Shell shell) {
        this.id = id;
        this.name = name;
        this.shell = shell;
    }

    /** The host's short id within its run (e.g. {@code rly}). */
    public String id() {
        return id;
    }

    /** The namespace's name, {@code <run prefix>-<id>}. */
    public String name() {
        return name;
    }

    /** {@code ip -n NS ARGS}; fails on a non-zero exit. */
    public Shell.Result ip(String... args) {
        return ipQuiet(args).check();
    }

    /** {@code ip -n NS ARGS}; returns whatever happened. */
    public Shell.Result ipQuiet(String... args) {
        return shell.run(Shell.DEFAULT_TIMEOUT, concat(List.of("ip", "-n", name), args));
    }

    /** Runs a command inside the namespace and returns its result, successful or not. */
    public Shell.Result exec(String... command) {
        return exec(Shell.DEFAULT_TIMEOUT, List.of(command));
    }

    public Shell.Result exec(Duration timeout, String... command) {
        return exec(timeout, List.of(command));
    }

    public Shell.Result exec(Duration timeout, List<String> command) {
        return shell.run(timeout, execCommand(command));
    }

    /** The command line that runs {@code command} inside this namespace ({@code ip netns exec} execs it). */
    public List<String> execCommand(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /**
     * The names this namespace's processes resolve, and nothing else: {@code ip netns exec} bind-mounts
     * {@code /etc/netns/NAME/hosts} over /etc/hosts and {@code resolv.conf} over /etc/resolv.conf, here one
     * whose name server is the namespace's own loopback, where nothing listens, so that any other name fails
     * at once. {@link LabRun} removes the directory with the namespace.
     *
     * @param hostsLines lines of a hosts(5) file, e.g. {@code "198.51.100.1 teredo.example"}
     */
    public void resolves(List<String> hostsLines) {
        Path dir = configDir();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("hosts"), String.join("\n", hostsLines) + "\n");
            Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions attempts:1 timeout:1\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir, e);
        }
    }

    /** {@code /etc/netns/NAME}, which {@code ip netns exec} reads (ip-netns(8)). */
    Path configDir() {
        return Path.of("/etc/netns", name);
    }

    public void sysctl(String... assignments) {
        List<String> command = new ArrayList<>(List.of("sysctl", "-q", "-w"));
        command.addAll(Arrays.asList(assignments));
        exec(Shell.DEFAULT_TIMEOUT, command).check();
    }

    /**
     * Turns duplicate address detection off: it would hold new IPv6 addresses (the Teredo ones too)
     * tentative for about a second and lose the first packets (LAB.md); "default" covers later links.
     */
    public void noDad() {
        sysctl("net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
    }

    /** A bridge in this namespace, up; no multicast snooping (without an MLD querier it starves ND). */
    public void addBridge(String bridge) {
        ip("link", "add", bridge, "type", "bridge", "forward_delay", "0", "mcast_snooping", "0");
        ip("link", "set", bridge, "up");
    }

    /**
     * A veth whose end {@code port} stays here on {@code bridge} and whose other end {@code inner} goes
     * into {@code host}; both ends up.
     */
    public void plug(String port, String bridge, Netns host, String inner) {
        ip("link", "add", port, "type", "veth", "peer", "name", inner, "netns", host.name());
        ip("link", "set", port, "master", bridge, "up");
        host.ip("link", "set", inner, "up");
    }

    /** An address with its prefix length, e.g. {@code 198.51.100.1/24}. */
    public void addAddress(String device, String cidr) {
        ip("addr", "add", cidr, "dev", device);
    }

    /** An IPv6 address usable at once (no DAD). */
    public void addAddress6(String device, String cidr) {
        ip("-6", "addr", "add", cidr, "dev", device, "nodad");
    }

    /** {@code ip [-6] route add DEST via GATEWAY} (the family follows the destination). */
    public void addRoute(String destination, String gateway) {
        if (destination.contains(":")) {
            ip("-6", "route", "add", destination, "via", gateway);
        } else {
            ip("route", "add", destination, "via", gateway);
        }
    }

    /** Polls single pings until {@code to} answers. */
    public void awaitReach(String to, Duration timeout) {
        Poll.until(id + " to reach " + to, timeout, () -> exec("ping", "-n", "-q", "-c", "1", "-W", "1", to)
                .ok());
    }

    public boolean linkExists(String device) {
        return ipQuiet("link", "show", "dev", device).ok();
    }

    public boolean linkUp(String device) {
        Shell.Result r = ipQuiet("-o", "link", "show", "dev", device);
        return r.ok() && r.output().contains(",UP");
    }

    /** The first global IPv6 address of a device, if it has one. */
    public Optional<String> globalInet6(String device) {
        Shell.Result r = ipQuiet("-6", "-o", "addr", "show", "dev", device, "scope", "global");
        if (!r.ok()) {
            return Optional.empty();
        }
        Matcher m = INET6.matcher(r.output());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The IPv6 routes for one destination prefix, one per line ("" when none). */
    public String route6(String prefix) {
        Shell.Result r = ipQuiet("-6", "route", "show", prefix);
        return r.ok() ? r.output().strip() : "";
    }

    /** True when a UDP socket in the namespace is bound to the port. */
    public boolean udpBound(int port) {
        return hasSocket("-Hnul", port);
    }

    /** True when a TCP socket in the namespace listens on the port. */
    public boolean tcpListening(int port) {
        return hasSocket("-Hntl", port);
    }

    private boolean hasSocket(String ssFlags, int port) {
        Shell.Result r = exec("ss", ssFlags, "sport = :" + port);
        return r.ok() && !r.output().isBlank();
    }

    /** Process ids of everything still running inside the namespace. */
    public List<Long> pids() {
        return pids(shell, name);
    }

    static List<Long> pids(Shell shell, String namespace) {
        Shell.Result r = shell.run("ip", "netns", "pids", namespace);
        if (!r.ok()) {
            return List.of();
        }
        return r.output()
                .lines()
                .map(String::strip)
                .filter(s -> s.matches("\\d+"))
                .map(Long::parseLong)
                .toList();
    }

    @Override
    public String toString() {
        return name;
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(Arrays.asList(tail));
        return all;
    }
}
