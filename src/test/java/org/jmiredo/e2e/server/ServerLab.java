package org.jmiredo.e2e.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.LabRun;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Preconditions;
import org.jmiredo.e2e.lab.Shell;
import org.jmiredo.e2e.lab.TooManyRequests;

/**
 * The namespace lab of the Teredo server's end-to-end tests: the LAB.md topology (hub with bridges br4,
 * br6 and brl; srv, rly, v6, nat, lan, cli) plus {@code atk}, a host for the hostile cases that owns
 * 203.0.113.0/24 through a local route, so that every address a test sends to is one of the lab's
 * (LAB.md traffic rules). It is a {@link LabRun} of the {@code js} family: namespaces are named
 * {@code js<6 hex>-<host>} per run, nothing is connected to the root namespace, and {@link #close} is
 * the run's teardown with its leak check.
 *
 * <p>Logs: {@code target/e2e/server-<prefix>/}.
 */
final class ServerLab implements AutoCloseable {
    enum Node {
        HUB,
        SRV,
        RLY,
        V6,
        NAT,
        LAN,
        CLI,
        ATK;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String ATTACKER = "198.51.100.50";
    /** Owned by atk through {@code ip route add local}: the sources of the spoofed Router Solicitations. */
    static final String SPOOFED_NET = "203.0.113.0/24";

    /** The server suite's prefix family; the relay suite uses "jm", the ops tests "jmops". */
    static final String FAMILY = "js";

    private final LabRun run;
    private final Map<Node, Netns> namespaces;

    private ServerLab(LabRun run) {
        this.run = run;
        this.namespaces = run.addNamespaces(Node.class);
    }

    /** Skips without root and the Debian packages, or fails when {@code CI=true} (never a silent skip in CI). */
    static void requirePreconditions(Path jar) {
        List<String> missing = new ArrayList<>(Preconditions.missingTools(List.of(
                "ip",
                "ss",
                "sysctl",
                "iptables",
                "ip6tables",
                "ping",
                "iperf3",
                "miredo",
                "unshare",
                "mount",
                "bash",
                "promtool")));
        if (!Preconditions.isRoot()) {
            missing.addFirst("not root");
        }
        if (!Files.isRegularFile(jar)) {
            missing.add("no daemon jar at " + jar + " (package relay-server first)");
        }
        Preconditions.requireNone(missing, "server end-to-end lab not runnable", "");
    }

    /** Builds the topology and proves plain reachability; tears down if that fails. */
    static ServerLab create() {
        LabRun run = LabRun.open(FAMILY, Path.of("target", "e2e"), "server-");
        return LabRun.orClose(run, () -> {
            ServerLab lab = new ServerLab(run);
            new ServerTopology(lab).build();
            return lab;
        });
    }

    String prefix() {
        return run.prefix();
    }

    Path dir() {
        return run.dir();
    }

    Netns ns(Node node) {
        return namespaces.get(node);
    }

    Shell.Result run(Duration timeout, List<String> command) {
        return run.shell().run(timeout, command);
    }

    Shell.Result sh(String... command) {
        return run.shell().run(command);
    }

    /** A command inside a namespace. */
    Shell.Result exec(Node node, String... command) {
        return ns(node).exec(command);
    }

    Shell.Result exec(Node node, Duration timeout, List<String> command) {
        return ns(node).exec(timeout, command);
    }

    /** {@code ip -n NS ...}, which must succeed. */
    void ip(Node node, String... args) {
        ns(node).ip(args);
    }

    Path write(String name, String text) {
        return run.writeFile(name, text);
    }

    LabProcess start(Node node, String name, List<String> command) {
        return run.start(ns(node), name, command);
    }

    void log(String line) {
        run.shell().note(line);
    }

    /** The first global IPv6 address of a device. */
    Optional<String> globalInet6(Node node, String device) {
        return ns(node).globalInet6(device);
    }

    boolean udpBound(Node node, int port) {
        return ns(node).udpBound(port);
    }

    /**
     * An HTTP/1.0 GET inside a namespace with bash's /dev/tcp (no HTTP client needed): status line and body; asked
     * again as the endpoint says while it answers 429 (its scrape budget, {@link TooManyRequests}).
     */
    String[] httpGet(Node node, String hostPort, String path) {
        String[] hp = hostPort.split(":");
        String script = "exec 3<>/dev/tcp/" + hp[0] + "/" + hp[1] + " || exit 7\n"
                + "printf 'GET " + path + " HTTP/1.0\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' >&3\n"
                + "timeout 5 cat <&3 || true\n";
        Shell.Result r = TooManyRequests.ask(
                () -> exec(node, Duration.ofSeconds(15), List.of("bash", "-c", script)),
                result -> TooManyRequests.inResponse(result.output()));
        int end = r.output().indexOf("\r\n\r\n");
        if (!r.ok() || end < 0) {
            return new String[] {"", ""};
        }
        return new String[] {
            r.output().lines().findFirst().orElse(""), r.output().substring(end + 4)
        };
    }

    @Override
    public void close() {
        run.close();
    }
}
