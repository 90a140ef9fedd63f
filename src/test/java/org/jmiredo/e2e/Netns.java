package org.jmiredo.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One network namespace of the lab: commands run inside it, and queries about its links. */
final class Netns {

    private static final Pattern INET6 = Pattern.compile("inet6 ([0-9a-f:]+)/\\d+");

    private final String name;
    private final Shell shell;

    Netns(String name, Shell shell) {
        this.name = name;
        this.shell = shell;
    }

    String name() {
        return name;
    }

    /** {@code ip -n NS ARGS}; fails on a non-zero exit. */
    Shell.Result ip(String... args) {
        return shell.run(Shell.DEFAULT_TIMEOUT, concat(List.of("ip", "-n", name), args)).check();
    }

    /** {@code ip -n NS ARGS}; returns whatever happened. */
    Shell.Result ipQuiet(String... args) {
        return shell.run(Shell.DEFAULT_TIMEOUT, concat(List.of("ip", "-n", name), args));
    }

    /** Runs a command inside the namespace and returns its result, successful or not. */
    Shell.Result exec(String... command) {
        return shell.run(Shell.DEFAULT_TIMEOUT, execCommand(List.of(command)));
    }

    Shell.Result exec(java.time.Duration timeout, List<String> command) {
        return shell.run(timeout, execCommand(command));
    }

    /** The command line that runs {@code command} inside this namespace. */
    List<String> execCommand(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    void sysctl(String... assignments) {
        List<String> command = new ArrayList<>(List.of("sysctl", "-q", "-w"));
        command.addAll(Arrays.asList(assignments));
        shell.run(Shell.DEFAULT_TIMEOUT, execCommand(command)).check();
    }

    boolean linkExists(String device) {
        return ipQuiet("link", "show", "dev", device).ok();
    }

    boolean linkUp(String device) {
        Shell.Result r = ipQuiet("-o", "link", "show", "dev", device);
        return r.ok() && r.output().contains(",UP");
    }

    /** The first global IPv6 address of a device, if it has one. */
    Optional<String> globalInet6(String device) {
        Shell.Result r = ipQuiet("-6", "-o", "addr", "show", "dev", device, "scope", "global");
        if (!r.ok()) {
            return Optional.empty();
        }
        Matcher m = INET6.matcher(r.output());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The IPv6 routes for one destination prefix, one per line ("" when none). */
    String route6(String prefix) {
        Shell.Result r = ipQuiet("-6", "route", "show", prefix);
        return r.ok() ? r.output().strip() : "";
    }

    /** True when a UDP socket in the namespace is bound to the port. */
    boolean udpBound(int port) {
        return hasSocket("-Hnul", port);
    }

    /** True when a TCP socket in the namespace listens on the port. */
    boolean tcpListening(int port) {
        return hasSocket("-Hntl", port);
    }

    private boolean hasSocket(String ssFlags, int port) {
        Shell.Result r = exec("ss", ssFlags, "sport = :" + port);
        return r.ok() && !r.output().isBlank();
    }

    /** Process ids of everything still running inside the namespace. */
    List<Long> pids() {
        Shell.Result r = shell.run("ip", "netns", "pids", name);
        if (!r.ok()) {
            return List.of();
        }
        return r.output().lines().map(String::strip).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(Arrays.asList(tail));
        return all;
    }
}
