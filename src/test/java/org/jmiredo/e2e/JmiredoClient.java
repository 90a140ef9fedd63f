package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;

/**
 * Our {@code jmiredo client} (or {@code --qualify-only}), from the packaged jar, in one lab namespace: its
 * server, bind port, tunnel name and metrics endpoint (on the namespace's loopback) from a HOCON file of the lab.
 */
final class JmiredoClient {
    /** The JVM start and the daemon's own set-up; generous for a loaded 2-core machine. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern QUALIFIED = Pattern.compile("(?:qualified:|new mapping:) Teredo address (\\S+) ");

    private final Netns ns;
    private final String metricsListen;
    private final LabProcess process;

    private JmiredoClient(Netns ns, String metricsListen, LabProcess process) {
        this.ns = ns;
        this.metricsListen = metricsListen;
        this.process = process;
    }

    /**
     * Starts it in {@code ns} towards the server at {@code server}; {@code bindPort} 0 for a random port;
     * {@code name} keeps two clients of one lab apart (log and config file); {@code qualifyOnly} without a tunnel.
     */
    static JmiredoClient start(
            Lab lab, Netns ns, String name, String server, int bindPort, String metricsListen, boolean qualifyOnly) {
        return start(lab, ns, name, server, bindPort, metricsListen, qualifyOnly, "");
    }

    /** As {@link #start}, with {@code moreConfig} (HOCON lines) in its file. */
    static JmiredoClient start(
            Lab lab,
            Netns ns,
            String name,
            String server,
            int bindPort,
            String metricsListen,
            boolean qualifyOnly,
            String moreConfig) {
        Path config =
                lab.writeFile(name + ".conf", """
                jmiredo.client.server-address = "%s"
                jmiredo.client.bind-port = %d
                jmiredo.metrics.listen = "%s"
                jmiredo.tun.name = "%s"
                %s
                """.formatted(server, bindPort, metricsListen, TUN_NAME, moreConfig));
        List<String> command = new java.util.ArrayList<>(List.of(
                RelayKind.java().toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                RelayKind.jar().toString(),
                "client",
                "--config",
                config.toString()));
        if (qualifyOnly) {
            command.add("--qualify-only");
        }
        return new JmiredoClient(ns, metricsListen, lab.start(ns, name, command));
    }

    /**
     * As {@link #start}, configured by a Miredo file ({@code --miredo-conf}) with {@code miredoConf} in it; the
     * HOCON file gives only the metrics endpoint.
     */
    static JmiredoClient startWithMiredoConf(
            Lab lab, Netns ns, String name, String miredoConf, String metricsListen, boolean qualifyOnly) {
        Path config = lab.writeFile(name + ".conf", "jmiredo.metrics.listen = \"%s\"\n".formatted(metricsListen));
        Path miredo = lab.writeFile(name + "-miredo.conf", miredoConf);
        List<String> command = new java.util.ArrayList<>(List.of(
                RelayKind.java().toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                RelayKind.jar().toString(),
                "client",
                "--config",
                config.toString(),
                "--miredo-conf",
                miredo.toString()));
        if (qualifyOnly) {
            command.add("--qualify-only");
        }
        return new JmiredoClient(ns, metricsListen, lab.start(ns, name, command));
    }

    /**
     * A further host behind the lab's NAT, beside lan: {@code address} on the LAN bridge, default route via
     * the NAT; our client there has the namespace's tunnel and routes to itself.
     */
    static Netns hostBehindTheNat(TeredoLab teredo, String id, String address) {
        return hostBehind(teredo, id, BR_LAN, address, NAT_INSIDE);
    }

    /**
     * A further NAT router (Linux MASQUERADE) with its outside {@code outside} on {@code outsideBridge} and its inside
     * {@code inside} on a new bridge {@code lanBridge}; {@code gateway} is its default route, or null when its outside
     * is on the IPv4 "Internet" itself. A test adds its own rules (a full cone, say) and hosts behind it
     * ({@link #hostBehind}).
     */
    static Netns natRouter(
            TeredoLab teredo,
            String id,
            String outsideBridge,
            String outside,
            String gateway,
            String lanBridge,
            String inside) {
        Netns hub = teredo.ns(Host.HUB);
        hub.addBridge(lanBridge);
        Netns nat = teredo.lab().addHost(id);
        nat.sysctl("net.ipv4.ip_forward=1");
        hub.plug(id + "-" + IF_V4.substring(3), outsideBridge, nat, IF_V4);
        hub.plug(id + "-" + IF_LAN.substring(3), lanBridge, nat, IF_LAN);
        nat.addAddress(IF_V4, outside + V4_PREFIX_LEN);
        nat.addAddress(IF_LAN, inside + V4_PREFIX_LEN);
        if (gateway != null) {
            nat.addRoute("default", gateway);
        }
        nat.exec("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", IF_V4, "-j", "MASQUERADE")
                .check();
        return nat;
    }

    /** A further host at {@code address} on {@code bridge}, its default route via {@code gateway} (a NAT's inside). */
    static Netns hostBehind(TeredoLab teredo, String id, String bridge, String address, String gateway) {
        Netns ns = teredo.lab().addHost(id);
        teredo.ns(Host.HUB).plug(id + "-" + IF_LAN.substring(3), bridge, ns, IF_LAN);
        ns.addAddress(IF_LAN, address + V4_PREFIX_LEN);
        ns.addRoute("default", gateway);
        ns.awaitReach(SERVER_PRIMARY, Duration.ofSeconds(10));
        return ns;
    }

    /** A further host with a public {@code address} on the IPv4 "Internet" bridge, beside cli. */
    static Netns publicHost(TeredoLab teredo, String id, String address) {
        Netns ns = teredo.lab().addHost(id);
        teredo.ns(Host.HUB).plug(id + "-" + IF_V4.substring(3), BR_V4, ns, IF_V4);
        ns.addAddress(IF_V4, address + V4_PREFIX_LEN);
        ns.awaitReach(SERVER_PRIMARY, Duration.ofSeconds(10));
        return ns;
    }

    /** Waits until the tunnel in {@code ns} carries {@code address} (the client put it there once qualified). */
    static void awaitOnTunnel(Netns ns, String address, Duration timeout) {
        Poll.until(address + " on " + TUN_NAME + " in " + ns.name(), timeout, () -> ns.globalInet6(TUN_NAME)
                .filter(address::equals)
                .isPresent());
    }

    /** Waits for the qualification's log line and returns the Teredo address it gave (R-5.2.1-build). */
    String awaitTeredoAddress(Duration timeout) {
        return Poll.value(process.name() + " to qualify", timeout, () -> {
            process.assertAlive();
            Matcher m = QUALIFIED.matcher(process.output());
            String last = null;
            while (m.find()) {
                last = m.group(1);
            }
            return java.util.Optional.ofNullable(last);
        });
    }

    /** Waits until the log says {@code text} (e.g. a failure). */
    void awaitLog(String text, Duration timeout) {
        process.awaitOutput(Pattern.compile(Pattern.quote(text)), timeout);
    }

    int readyz() {
        return Metrics.status(ns, metricsListen, "/readyz");
    }

    String metrics() {
        return Metrics.scrape(ns, metricsListen).body();
    }

    LabProcess process() {
        return process;
    }
}
