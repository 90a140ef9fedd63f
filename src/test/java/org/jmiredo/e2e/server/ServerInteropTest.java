package org.jmiredo.e2e.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;
import static org.jmiredo.e2e.server.ServerLab.*;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.OneLabPerClass;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Shell;
import org.jmiredo.e2e.server.ServerLab.Node;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3 end to end (LAB.md): our {@code jmiredo server} in srv on 198.51.100.1 and .2; Debian Miredo
 * clients behind a NAT (lan) and with a public address (cli) qualify with it and reach the native IPv6
 * host (v6) through a Debian Miredo relay and then through our relay (rly); hostile traffic from atk
 * and crafted datagrams from cli. One lab for the class; the methods run in order.
 */
@Timeout(120)
class ServerInteropTest extends OneLabPerClass {
    /** Miredo qualifies in about 3 s (LAB.md); room for a loaded machine. */
    private static final Duration QUALIFY = Duration.ofSeconds(20);
    /** Relay discovery through the server and the relay's bubbles may cost the first pings. */
    private static final Duration WARM_UP = Duration.ofSeconds(25);
    /** After the relay moved: a client may hold on to its old relay's entry until it expires (Miredo: 30 s). */
    private static final Duration RELAY_SWITCH = Duration.ofSeconds(45);
    /** Miredo clients send a maintenance Router Solicitation every 30 s (RFC 4380 §5.2.5, the default interval). */
    private static final Duration REQUALIFY = Duration.ofSeconds(45);

    private static final Duration TRANSFER = Duration.ofSeconds(5);
    private static final double MIN_MBIT = 1.0;
    /** The server's RA budget in this lab, so that the flood shows the limit at work. */
    private static final int RA_PER_SECOND = 1000;

    private static final int FLOOD_COUNT = 20_000;
    private static final int FLOOD_RATE = 10_000;
    private static final int FLOOD_SOURCES = 200;
    /** What the flood may add to the server's resident memory: far below per-source state for 400 sources. */
    private static final long FLOOD_RSS_GROWTH_KIB = 48 * 1024;
    /** The port cli's crafted datagrams come from (Miredo's client uses another). */
    private static final int CRAFTED_PORT = 40_000;

    private ServerLab lab;
    private ServerPeers peers;
    private LabProcess server;
    private LabProcess relay;
    private final List<LabProcess> clients = new ArrayList<>();
    private String lanAddress;
    private String cliAddress;

    @Override
    protected AutoCloseable openLab() {
        ServerLab.requirePreconditions(ServerPeers.jar());
        lab = ServerLab.create();
        return lab;
    }

    @BeforeAll
    @Timeout(150)
    void startPeers() {
        peers = new ServerPeers(lab, ServerPeers.java(), ServerPeers.jar());
        server = startOurServer();
        relay = peers.startMiredoRelay();
        clients.add(peers.startMiredoClient(Node.LAN));
        clients.add(peers.startMiredoClient(Node.CLI));
        lanAddress = peers.awaitTeredoAddress(Node.LAN, clients.get(0), QUALIFY);
        cliAddress = peers.awaitTeredoAddress(Node.CLI, clients.get(1), QUALIFY);
        peers.startIperfServer();
        System.out.printf(
                "[e2e server] lab %s: lan %s, cli %s; logs in %s%n", lab.prefix(), lanAddress, cliAddress, lab.dir());
    }

    private LabProcess startOurServer() {
        return peers.startServer(
                Node.SRV,
                "jmiredo-server",
                """
                jmiredo.server {
                  primary-address = "%s"
                  secondary-address = "%s"
                  ra-per-second = %d
                  ra-per-destination = 0 # the flood case below measures the global budget alone
                }
                """.formatted(SERVER_PRIMARY, SERVER_SECONDARY, RA_PER_SECOND),
                ServerPeers.SERVER_METRICS);
    }

    @Test
    @Order(1)
    @DisplayName("R-5.3.2, R-4-obfuscate: Miredo clients behind a NAT and public qualify with our server")
    void clientsQualifyWithOurServer() {
        assertThat(lanAddress).startsWith("2001:0:c633:6401:");
        assertThat(cliAddress).startsWith("2001:0:c633:6401:");
        assertThat(mappedIpv4(lanAddress))
                .as("the NAT's outside address, obfuscated in %s", lanAddress)
                .isEqualTo(NAT_OUTSIDE);
        assertThat(mappedIpv4(cliAddress)).as("a public client maps to itself").isEqualTo(PUBLIC_CLIENT);
        ServerPeers.Scrape metrics = serverMetrics();
        assertThat(metrics.value("jmiredo_router_solicitations_received_total")).isGreaterThanOrEqualTo(2);
        assertThat(metrics.value("jmiredo_router_advertisements_sent_total")).isGreaterThanOrEqualTo(2);
        // Metrics per role: no relay series (tunnel, peers, bubbles) on a server; its own drop reasons from 0.
        assertThat(metrics.body())
                .doesNotContain(
                        "jmiredo_tun_",
                        "jmiredo_peer",
                        "jmiredo_bubbles_",
                        "jmiredo_write_latency",
                        "jmiredo_echo_",
                        "reason=\"queue_full\"",
                        "reason=\"not_answered\"");
        assertThat(metrics.dropped("ra_rate_limited")).isZero();
        Shell.Result lint = peers.lint(metrics);
        assertThat(lint.exit())
                .as("promtool check metrics on the server's series:\n%s", lint.output())
                .isZero();
    }

    @Test
    @Order(2)
    @DisplayName("R-5.3.1-native, R-5.3.1-orig: pings to and from the IPv6 host through a Debian Miredo relay")
    void pingsThroughMiredoRelay() {
        assertPings(Node.LAN, NATIVE_HOST);
        assertPings(Node.CLI, NATIVE_HOST);
        assertPings(Node.V6, lanAddress);
        assertPings(Node.V6, cliAddress);
        ServerPeers.Scrape metrics = serverMetrics();
        // Relay discovery: the clients' echo requests to v6 left through our raw IPv6 socket.
        assertThat(metrics.value("jmiredo_native_sent_packets_total")).isGreaterThanOrEqualTo(2);
        // The relay's indirect bubbles to our clients went through us, with an origin indication.
        assertThat(metrics.value("jmiredo_server_forwarded_bubbles_total")).isGreaterThanOrEqualTo(1);
        assertThat(metrics.dropped("native_write_failed")).isZero();
    }

    @Test
    @Order(3)
    @Timeout(90)
    @DisplayName("5 s of TCP each way between the client behind the NAT and the IPv6 host, Miredo relay")
    void tcpThroughMiredoRelay() {
        assertTcpBothWays(Node.LAN);
    }

    @Test
    @Order(4)
    @Timeout(150)
    @DisplayName("Pings and 5 s of TCP each way through our relay, the clients still qualified with our server")
    void pingsAndTcpThroughOurRelay() {
        lab.log("replacing the Miredo relay with ours on the same address and port -> " + relay.stop());
        relay = peers.startJmiredoRelay(Node.RLY, RELAY_V4, ServerPeers.RELAY_METRICS);
        assertPings(Node.LAN, NATIVE_HOST);
        assertPings(Node.CLI, NATIVE_HOST);
        assertPings(Node.V6, lanAddress);
        assertPings(Node.V6, cliAddress);
        assertTcpBothWays(Node.LAN);
        assertTcpBothWays(Node.CLI);
    }

    @Test
    @Order(5)
    @DisplayName("R-5.3-limited, M1: large ICMPv6, UDP and TCP through the server are dropped, counted, never sent on")
    void largeIcmpAndTcpUdpAreNotForwarded() throws Exception {
        String crafted = InetAddress.getByAddress(TeredoPacketTool.teredoAddress(
                        InetAddress.getByName(SERVER_PRIMARY).getAddress(),
                        InetAddress.getByName(PUBLIC_CLIENT).getAddress(),
                        CRAFTED_PORT))
                .getHostAddress();
        lab.exec(Node.V6, "ip6tables", "-A", "INPUT", "-s", crafted, "-m", "comment", "--comment", "crafted")
                .check();
        ServerPeers.Scrape before = serverMetrics();

        // The control case: a small echo request is sent on to v6 (so the counting below can see one).
        craft(NATIVE_HOST, "echo", 32, 1);
        Poll.until("the crafted small echo request at v6", Duration.ofSeconds(10), () -> v6Counter() == 1);
        craft(NATIVE_HOST, "echo", 1000, 5);
        craft(lanAddress, "echo", 1000, 5);
        craft(NATIVE_HOST, "udp", 100, 5);
        craft(NATIVE_HOST, "tcp", 0, 5);
        ServerPeers.Scrape after = Poll.value("the server to count 20 drops", Duration.ofSeconds(10), () -> {
            ServerPeers.Scrape s = serverMetrics();
            return delta(before, s, "payload_too_large") >= 10 && delta(before, s, "not_bubble_or_icmpv6") >= 10
                    ? Optional.of(s)
                    : Optional.empty();
        });
        assertThat(delta(before, after, "payload_too_large")).isEqualTo(10);
        assertThat(delta(before, after, "not_bubble_or_icmpv6")).isEqualTo(10);
        assertThat(after.value("jmiredo_native_sent_packets_total") - before.value("jmiredo_native_sent_packets_total"))
                .as("only the small echo request went to native IPv6")
                .isEqualTo(1);
        assertThat(after.value("jmiredo_server_forwarded_icmpv6_total"))
                .as("no large echo request went to the Teredo client")
                .isEqualTo(before.value("jmiredo_server_forwarded_icmpv6_total"));
        Thread.sleep(300); // anything forwarded would have arrived by now: the lab's links are veths
        assertThat(v6Counter()).as("packets from %s that reached v6", crafted).isEqualTo(1);
    }

    @Test
    @Order(6)
    @Timeout(90)
    @DisplayName(
            "Hostile: a flood of RSs from 400 spoofed sources is answered within the RA budget, counted, RSS bounded")
    void routerSolicitationFloodIsBoundedAndCounted() {
        ServerPeers.Scrape before = serverMetrics();
        long rssBefore = server.rssKib();
        long start = System.nanoTime();
        Shell.Result flood = lab.exec(
                Node.ATK,
                Duration.ofSeconds(60),
                TeredoPacketTool.command(
                        "rs-flood",
                        SERVER_PRIMARY,
                        Integer.toString(FLOOD_COUNT),
                        "203.0.113.1",
                        Integer.toString(FLOOD_SOURCES),
                        Integer.toString(FLOOD_RATE)));
        assertThat(flood.exit()).as(flood.output()).isZero();
        double seconds = (System.nanoTime() - start) / 1e9;
        // The final state, not the first count: a read burst counts its RSs received before each is answered or
        // limited, so a scrape in the middle of one sees more received than answered and limited together.
        ServerPeers.Scrape after = Poll.settled(Duration.ofSeconds(20), this::serverMetrics, s -> {
            double counted = s.value("jmiredo_router_solicitations_received_total")
                    - before.value("jmiredo_router_solicitations_received_total");
            double settled = s.value("jmiredo_router_advertisements_sent_total")
                    - before.value("jmiredo_router_advertisements_sent_total")
                    + delta(before, s, "ra_rate_limited");
            return counted >= FLOOD_COUNT * 0.9 && settled == counted;
        });
        long rssAfter = server.rssKib();
        double received = after.value("jmiredo_router_solicitations_received_total")
                - before.value("jmiredo_router_solicitations_received_total");
        double answered = after.value("jmiredo_router_advertisements_sent_total")
                - before.value("jmiredo_router_advertisements_sent_total");
        double limited = delta(before, after, "ra_rate_limited");
        lab.log(String.format(
                "flood: %.0f RS received, %.0f answered, %.0f rate limited in %.1f s; RSS %d -> %d KiB",
                received, answered, limited, seconds, rssBefore, rssAfter));
        assertThat(answered + limited)
                .as("every RS counted as answered or rate limited")
                .isEqualTo(received);
        assertThat(answered)
                .as("RAs within %d per second and address over %.1f s", RA_PER_SECOND, seconds)
                .isLessThanOrEqualTo(RA_PER_SECOND * (seconds + 2));
        assertThat(limited).isPositive();
        assertThat(rssAfter - rssBefore)
                .as("RSS growth in KiB (%d -> %d)", rssBefore, rssAfter)
                .isLessThan(FLOOD_RSS_GROWTH_KIB);
        server.assertAlive();
        assertThat(lab.httpGet(Node.SRV, ServerPeers.SERVER_METRICS, "/readyz")[0])
                .contains("200");
    }

    @Test
    @Order(7)
    @DisplayName("After the hostile traffic the clients still reach the IPv6 host")
    void clientsStillServedAfterTheHostileTraffic() {
        assertPings(Node.LAN, NATIVE_HOST);
        assertThat(lab.globalInet6(Node.LAN, TUN_NAME)).contains(lanAddress);
    }

    @Test
    @Order(8)
    @DisplayName("jmiredo mire answers a Miredo client's pings to its Teredo address, like teredo-mire")
    void mireAnswersPings() throws Exception {
        LabProcess mire = peers.startMire(Node.ATK, ATTACKER, ServerPeers.SERVER_METRICS);
        byte[] own = InetAddress.getByName(ATTACKER).getAddress();
        // <prefix>:<its IPv4>:0:<~3545>:<~its IPv4>: its own "server" and its peer port (MireDataPath).
        String mireAddress = InetAddress.getByAddress(TeredoPacketTool.teredoAddress(own, own, 3545))
                .getHostAddress();
        assertPings(Node.CLI, mireAddress);
        ServerPeers.Scrape metrics = peers.scrape(Node.ATK, ServerPeers.SERVER_METRICS);
        assertThat(metrics.value("jmiredo_echo_replies_sent_total")).isGreaterThanOrEqualTo(5);
        assertThat(metrics.body())
                .doesNotContain(
                        "jmiredo_router_",
                        "jmiredo_native_",
                        "jmiredo_tun_",
                        "jmiredo_peer",
                        "reason=\"local_loop\"",
                        "reason=\"queue_full\"");
        assertThat(mire.stop()).contains(0);
    }

    /**
     * A server restart is invisible to qualified clients: they keep their address (it embeds only the
     * server's address and their mapping) and requalify at their next maintenance Router Solicitation
     * (RFC 4380 §5.2.5, every 30 s by default), and the relay's traffic does not pass through the server.
     */
    @Test
    @Order(9)
    @Timeout(150)
    @DisplayName(
            "Our server restarted while the clients are qualified: relay traffic goes on, the clients requalify with the new process and keep their addresses")
    void serverRestartWhileClientsQualified() throws Exception {
        assertPings(Node.LAN, NATIVE_HOST);
        CompletableFuture<Integer> during = CompletableFuture.supplyAsync(
                () -> peers.ping(Node.LAN, NATIVE_HOST, 40, 56),
                task -> Thread.ofVirtual().name("pings-across-restart").start(task));
        Thread.sleep(1000);
        assertThat(server.stop()).as("server exit status after SIGTERM").contains(0);
        server = startOurServer();
        Poll.until(
                "both clients to requalify with the new server",
                REQUALIFY,
                () -> serverMetrics().value("jmiredo_router_advertisements_sent_total") >= 2);

        assertThat(during.get(30, TimeUnit.SECONDS))
                .as("of 40 pings through our relay across the restart")
                .isGreaterThanOrEqualTo(36);
        assertThat(lab.globalInet6(Node.LAN, TUN_NAME)).contains(lanAddress);
        assertThat(lab.globalInet6(Node.CLI, TUN_NAME)).contains(cliAddress);
        assertPings(Node.V6, lanAddress);
        assertPings(Node.CLI, NATIVE_HOST);
    }

    /**
     * Combined mode (docs/server.md): our relay on the server's host, bound to the primary address with
     * port 3545, next to the server on 3544 of both addresses. The server serves the relay's bubbles (M2
     * drops only its own port 3544) and the native host's route to 2001::/32 now points at srv.
     */
    @Test
    @Order(10)
    @Timeout(150)
    @DisplayName("Combined: our server and our relay on one host (relay on primary:3545), pings both ways")
    void serverAndRelayOnOneHost() {
        lab.log("stopping the relay in rly -> " + relay.stop());
        lab.ip(Node.SRV, "-6", "route", "del", TEREDO_PREFIX, "via", RELAY_V6);
        lab.exec(Node.SRV, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1")
                .check();
        relay = peers.startJmiredoRelay(Node.SRV, SERVER_PRIMARY, ServerPeers.RELAY_METRICS);
        lab.ip(Node.V6, "-6", "route", "replace", TEREDO_PREFIX, "via", SERVER_V6);

        // The native host speaks first: its packets through the new relay make each client trust the
        // relay's new address at once, instead of waiting for its old relay entry to expire (30 s in Miredo).
        for (String client : List.of(lanAddress, cliAddress)) {
            assertPings(Node.V6, client, RELAY_SWITCH);
        }
        assertPings(Node.LAN, NATIVE_HOST, RELAY_SWITCH);
        assertPings(Node.CLI, NATIVE_HOST, RELAY_SWITCH);
        ServerPeers.Scrape relayMetrics = peers.scrape(Node.SRV, ServerPeers.RELAY_METRICS);
        assertThat(relayMetrics.value("jmiredo_tun_written_packets_total")).isGreaterThanOrEqualTo(5);
        assertThat(relayMetrics.value("jmiredo_tun_read_packets_total")).isGreaterThanOrEqualTo(5);
        // Two daemons on one host, each with its own role's series only.
        assertThat(relayMetrics.body())
                .doesNotContain(
                        "jmiredo_router_",
                        "jmiredo_server_",
                        "jmiredo_native_",
                        "jmiredo_echo_",
                        "reason=\"local_loop\"",
                        "reason=\"native_write_failed\"");
        assertThat(relayMetrics.dropped("queue_full")).isZero();
        assertThat(serverMetrics().dropped("local_loop"))
                .as("the relay's datagrams are not taken for loops")
                .isZero();
    }

    @Test
    @Order(11)
    @DisplayName("SIGHUP is logged and ignored; SIGTERM stops the server cleanly: exit 0, its ports released")
    void stopsCleanlyOnSigterm() {
        lab.sh("kill", "-HUP", Long.toString(server.pid())).check();
        Poll.until("the SIGHUP to be logged", Duration.ofSeconds(10), () -> server.output()
                .contains("SIGHUP"));
        server.assertAlive();
        assertThat(lab.httpGet(Node.SRV, ServerPeers.SERVER_METRICS, "/readyz")[0])
                .contains("200");
        assertThat(server.stop()).contains(0);
        assertThat(lab.udpBound(Node.SRV, 3544)).isFalse();
    }

    private void craft(String destination, String kind, int payload, int count) {
        Shell.Result r = lab.exec(
                Node.CLI,
                Duration.ofSeconds(30),
                TeredoPacketTool.command(
                        "send",
                        SERVER_PRIMARY,
                        PUBLIC_CLIENT,
                        Integer.toString(CRAFTED_PORT),
                        destination,
                        kind,
                        Integer.toString(payload),
                        Integer.toString(count)));
        assertThat(r.exit()).as(r.output()).isZero();
    }

    private long v6Counter() {
        String listing = lab.exec(Node.V6, "ip6tables", "-L", "INPUT", "-v", "-n", "-x")
                .check()
                .output();
        Matcher m = Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s.*/\\* crafted \\*/", Pattern.MULTILINE)
                .matcher(listing);
        if (!m.find()) {
            throw new IllegalStateException("no crafted rule:\n" + listing);
        }
        return Long.parseLong(m.group(1));
    }

    private static double delta(ServerPeers.Scrape before, ServerPeers.Scrape after, String reason) {
        return after.dropped(reason) - before.dropped(reason);
    }

    private ServerPeers.Scrape serverMetrics() {
        return peers.scrape(Node.SRV, ServerPeers.SERVER_METRICS);
    }

    private void assertPings(Node from, String to) {
        assertPings(from, to, WARM_UP);
    }

    private void assertPings(Node from, String to, Duration warmUp) {
        peers.awaitPingReply(from, to, warmUp);
        assertThat(peers.ping(from, to, 5, 56))
                .as("echo replies of 5 pings from %s to %s", from.id(), to)
                .isGreaterThanOrEqualTo(4);
    }

    private void assertTcpBothWays(Node client) {
        peers.awaitPingReply(client, NATIVE_HOST, WARM_UP);
        assertThat(peers.iperf(client, false, TRANSFER))
                .as("%s -> v6 Mbit/s", client.id())
                .isGreaterThan(MIN_MBIT);
        assertThat(peers.iperf(client, true, TRANSFER))
                .as("v6 -> %s Mbit/s", client.id())
                .isGreaterThan(MIN_MBIT);
    }

    /** Bits 96-127 of a Teredo address: the mapped IPv4, bit-inverted (RFC 4380 section 4). */
    private static String mappedIpv4(String teredo) {
        try {
            byte[] b = InetAddress.getByName(teredo).getAddress();
            return (~b[12] & 0xff) + "." + (~b[13] & 0xff) + "." + (~b[14] & 0xff) + "." + (~b[15] & 0xff);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(teredo, e);
        }
    }
}
