package org.jmiredo.e2e.server;

import static org.jmiredo.e2e.lab.LabNet.*;
import static org.jmiredo.e2e.server.ServerLab.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Preconditions;
import org.jmiredo.e2e.lab.PrivateRun;
import org.jmiredo.e2e.lab.Shell;
import org.jmiredo.e2e.server.ServerLab.Node;

/** Starts the lab's processes: our server and relay from the packaged jar, Debian Miredo peers, iperf3. */
final class ServerPeers {
    static final String SERVER_METRICS = "127.0.0.1:9544";
    static final String RELAY_METRICS = "127.0.0.1:9545";
    /** JVM start plus the daemon's own; generous for a loaded 2-core machine. */
    private static final Duration DAEMON_START = Duration.ofSeconds(40);

    private final ServerLab lab;
    private final Path java;
    private final Path jar;

    ServerPeers(ServerLab lab, Path java, Path jar) {
        this.lab = lab;
        this.java = java;
        this.jar = jar;
    }

    static Path jar() {
        return Preconditions.daemonJar();
    }

    static Path java() {
        return Preconditions.daemonJava();
    }

    private List<String> daemon(String... args) {
        // A modest heap, as a deployment would give: the RSS bound of the flood test is about the data path.
        List<String> command = new ArrayList<>(
                List.of(java.toString(), "-Xmx128m", "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** {@code jmiredo server --config FILE} in {@code node}; returns once /readyz says 200. */
    LabProcess startServer(Node node, String name, String hocon, String metrics) {
        Path conf = lab.write(name + ".conf", hocon);
        LabProcess server =
                lab.start(node, name, daemon("server", "--config", conf.toString(), "--metrics-listen", metrics));
        awaitReady(node, server, metrics);
        return server;
    }

    /** {@code jmiredo relay} bound to {@code address}:{@link org.jmiredo.e2e.lab.LabNet#RELAY_PORT}, tunnel {@code teredo}. */
    LabProcess startJmiredoRelay(Node node, String address, String metrics) {
        Path conf = lab.write("jmiredo-relay-" + node.id() + ".conf", """
                jmiredo.relay.bind-address = "%s"
                jmiredo.relay.bind-port = %d
                jmiredo.tun.name = "%s"
                """.formatted(address, RELAY_PORT, TUN_NAME));
        LabProcess relay = lab.start(
                node,
                "jmiredo-relay-" + node.id(),
                daemon("relay", "--config", conf.toString(), "--metrics-listen", metrics));
        awaitReady(node, relay, metrics);
        return relay;
    }

    /** {@code jmiredo mire --bind ADDRESS} in {@code node}; returns once /readyz says 200. */
    LabProcess startMire(Node node, String address, String metrics) {
        LabProcess mire =
                lab.start(node, "jmiredo-mire", daemon("mire", "--bind", address, "--metrics-listen", metrics));
        awaitReady(node, mire, metrics);
        return mire;
    }

    void awaitReady(Node node, LabProcess daemon, String metrics) {
        Poll.until(daemon.name() + " to be ready (/readyz 200)", DAEMON_START, () -> {
            daemon.assertAlive();
            return lab.httpGet(node, metrics, "/readyz")[0].matches("HTTP/1\\.[01] 200.*");
        });
    }

    /** Debian Miredo as a cone relay on rly, 198.51.100.3:3545 (LAB.md), with the route it leaves to us. */
    LabProcess startMiredoRelay() {
        Path conf = lab.write(
                "miredo-relay.conf",
                "RelayType cone\nInterfaceName " + TUN_NAME + "\nBindAddress " + RELAY_V4 + "\nBindPort " + RELAY_PORT
                        + "\n");
        LabProcess relay = lab.start(
                Node.RLY, "miredo-relay", PrivateRun.of("miredo", "-f", "-c", conf.toString(), "-u", "nobody"));
        Poll.until("the Miredo relay's tunnel and port", Duration.ofSeconds(15), () -> {
            relay.assertAlive();
            return lab.exec(Node.RLY, "ip", "link", "show", "dev", TUN_NAME).ok() && lab.udpBound(Node.RLY, RELAY_PORT);
        });
        lab.ip(Node.RLY, "-6", "route", "replace", TEREDO_PREFIX, "dev", TUN_NAME);
        return relay;
    }

    /** A Debian Miredo client whose server is our primary address. */
    LabProcess startMiredoClient(Node node) {
        Path conf = lab.write(
                "miredo-client-" + node.id() + ".conf",
                "RelayType client\nInterfaceName " + TUN_NAME + "\nServerAddress " + SERVER_PRIMARY + "\n");
        return lab.start(
                node,
                "miredo-client-" + node.id(),
                PrivateRun.of("miredo", "-f", "-c", conf.toString(), "-u", "nobody"));
    }

    /** Waits until the client's tunnel carries a 2001:0::/32 address (qualified) and returns it. */
    String awaitTeredoAddress(Node node, LabProcess client, Duration timeout) {
        return Poll.value("a Teredo address on " + TUN_NAME + " in " + lab.ns(node), timeout, () -> {
            client.assertAlive();
            return lab.globalInet6(node, TUN_NAME).filter(a -> a.startsWith("2001:0:"));
        });
    }

    LabProcess startIperfServer() {
        LabProcess iperf = lab.start(Node.V6, "iperf3-server", List.of("iperf3", "-s", "-p", "5201"));
        Poll.until("iperf3 to listen", Duration.ofSeconds(10), () -> {
            iperf.assertAlive();
            return lab.ns(Node.V6).tcpListening(5201);
        });
        return iperf;
    }

    /** A bounded TCP transfer (iperf3 -t), returned as the receiver's Mbit/s. */
    double iperf(Node client, boolean reverse, Duration length) {
        List<String> command = new ArrayList<>(List.of(
                "iperf3",
                "-6",
                "-c",
                NATIVE_HOST,
                "-p",
                "5201",
                "-t",
                Long.toString(length.toSeconds()),
                "-J",
                "--connect-timeout",
                "5000"));
        if (reverse) {
            command.add("-R");
        }
        Shell.Result r = lab.exec(client, length.plusSeconds(20), command);
        Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+-]+)")
                .matcher(r.output());
        if (!r.ok() || !m.find()) {
            throw new AssertionError("iperf3 from " + client.id() + (reverse ? " -R" : "") + " failed:\n"
                    + r.output().lines().limit(30).reduce("", (a, b) -> a + b + "\n"));
        }
        double mbit = Double.parseDouble(m.group(1)) / 1e6;
        lab.log(String.format("iperf3 %s%s: %.1f Mbit/s", client.id(), reverse ? " (reverse)" : "", mbit));
        return mbit;
    }

    /** Received echo replies of {@code count} pings 200 ms apart (1 s wait each). */
    int ping(Node from, String to, int count, int size) {
        Shell.Result r = lab.exec(
                from,
                Duration.ofSeconds(count + 10L),
                List.of(
                        "ping",
                        "-6",
                        "-n",
                        "-q",
                        "-c",
                        Integer.toString(count),
                        "-i",
                        "0.2",
                        "-W",
                        "1",
                        "-s",
                        Integer.toString(size),
                        to));
        Matcher m = Pattern.compile("(\\d+) received").matcher(r.output());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Single pings until one is answered (relay discovery and bubbles may cost the first ones). */
    Duration awaitPingReply(Node from, String to, Duration timeout) {
        return Poll.until(
                "an echo reply from " + to + " in " + lab.ns(from), timeout, () -> ping(from, to, 1, 56) == 1);
    }

    /** One scrape of a daemon's /metrics. */
    Scrape scrape(Node node, String metrics) {
        String[] response = lab.httpGet(node, metrics, "/metrics");
        if (!response[0].matches("HTTP/1\\.[01] 200.*")) {
            throw new AssertionError("GET /metrics in " + lab.ns(node) + ": " + response[0]);
        }
        return new Scrape(response[1]);
    }

    /** {@code promtool check metrics} (Prometheus' own lint) on the exposition's {@code jmiredo_} series. */
    Shell.Result lint(Scrape scrape) {
        StringBuilder ours = new StringBuilder();
        for (String line : scrape.body().lines().toList()) {
            String name = line.startsWith("# HELP ") || line.startsWith("# TYPE ") ? line.substring(7) : line;
            if (name.startsWith("jmiredo_")) {
                ours.append(line).append('\n');
            }
        }
        Path file = lab.write("server-metrics.txt", ours.toString());
        return lab.run(Duration.ofSeconds(10), List.of("sh", "-c", "promtool check metrics < '" + file + "'"));
    }

    /** A Prometheus text exposition, read by series name and an optional reason label. */
    record Scrape(String body) {
        double value(String name) {
            return find(name, null).orElseThrow(() -> new AssertionError("no series " + name));
        }

        double dropped(String reason) {
            return find("jmiredo_dropped_packets_total", reason)
                    .orElseThrow(() -> new AssertionError("no drop reason " + reason));
        }

        private Optional<Double> find(String name, String reason) {
            Pattern p = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+(\\S+)$", Pattern.MULTILINE);
            Matcher m = p.matcher(body);
            while (m.find()) {
                String labels = m.group(1) == null ? "" : m.group(1);
                if (reason == null || labels.contains("reason=\"" + reason + "\"")) {
                    return Optional.of(Double.parseDouble(m.group(2)));
                }
            }
            return Optional.empty();
        }
    }
}
