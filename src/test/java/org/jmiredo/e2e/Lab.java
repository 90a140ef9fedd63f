package org.jmiredo.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.LabRun;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Shell;

/**
 * The lab: the LAB.md topology on a {@link LabRun} whose namespaces are named {@code jm<6 hex>-<host>},
 * the processes started in it, and the run's teardown with its leak check.
 *
 * <p>Output of every process and every command goes to {@code target/e2e/<prefix>/}.
 */
final class Lab implements AutoCloseable {

    /** The relay suite's prefix family; the server suite uses "js", the ops tests "jmops". */
    static final String FAMILY = "jm";

    private static final Duration PLUMBING_TIMEOUT = Duration.ofSeconds(10);

    private final LabRun run;
    private final Map<Host, Netns> namespaces;

    private Lab(LabRun run) {
        this.run = run;
        this.namespaces = run.addNamespaces(Host.class);
    }

    /** Builds the topology and proves its plain IPv4/IPv6 reachability; tears down on failure. */
    static Lab create() {
        return create(NatKind.CONE);
    }

    /** As {@link #create()}, with the NAT in front of lan behaving as {@code nat} says. */
    static Lab create(NatKind nat) {
        LabRun run = LabRun.open(FAMILY, Path.of("target", "e2e"), "");
        return LabRun.orClose(run, () -> {
            Lab lab = new Lab(run);
            Topology topology = new Topology(lab.namespaces, nat);
            topology.build();
            topology.verify(PLUMBING_TIMEOUT);
            return lab;
        });
    }

    String prefix() {
        return run.prefix();
    }

    Path dir() {
        return run.dir();
    }

    Shell shell() {
        return run.shell();
    }

    Netns ns(Host host) {
        return namespaces.get(host);
    }

    /** A further host for a test's own peer, beside the topology's; plugged by the test. */
    Netns addHost(String id) {
        Netns netns = run.addNamespace(id);
        netns.noDad();
        return netns;
    }

    /** Starts a process in a host {@link #addHost} made. */
    LabProcess start(Netns netns, String name, List<String> command) {
        return run.start(netns, name, command);
    }

    Path writeFile(String name, String content) {
        return run.writeFile(name, content);
    }

    Path writeNumberedFile(String base, String suffix, String content) {
        return run.writeNumberedFile(base, suffix, content);
    }

    /** Starts a long-running command inside a host's namespace; its output goes to {@code <name>.log}. */
    LabProcess start(Host host, String name, List<String> command) {
        return run.start(ns(host), name, command);
    }

    /** Stops one process by SIGTERM and returns its exit code (empty if it had to be killed). */
    Optional<Integer> stop(LabProcess process) {
        return run.stop(process);
    }

    @Override
    public void close() {
        run.close();
    }
}
