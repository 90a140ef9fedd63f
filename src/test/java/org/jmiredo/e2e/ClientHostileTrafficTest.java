package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our client on a public address (pub), so that anyone may send to it, under hostile and near-valid datagrams
 * ({@link ClientHostileDatagram}) from a stranger (atk) and, forged, from its server's address: atk holds
 * 198.51.100.1 on its loopback and never answers ARP for it ({@code arp_ignore}, {@code arp_announce}), so
 * the real server keeps its traffic.
 */
@Timeout(value = 180)
class ClientHostileTrafficTest extends TeredoLabTest {
    private static final Duration QUALIFY = Duration.ofSeconds(30);
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    private static final String PUB = "198.51.100.12";
    private static final int CLIENT_PORT = 40_001;
    private static final String STRANGER = "198.51.100.51";
    private static final int STRANGER_PORT = 7777;
    private static final int COUNT = 5;
    private static final String METRICS = "127.0.0.1:9565";
    /** Data from new native sources a second: each held 4 s, so 4,000 would want the client's 256 queues. */
    private static final int SOURCES_PER_SECOND = 1_000;

    private static final int NEW_DESTINATIONS = 8;

    private Netns pub;
    private Netns atk;
    private JmiredoClient client;
    private String address;

    @BeforeAll
    void startOurClientAndAStranger() {
        pub = JmiredoClient.publicHost(teredo, "pub", PUB);
        client = JmiredoClient.start(
                teredo.lab(), pub, "jmiredo-client-pub", SERVER_PRIMARY, CLIENT_PORT, METRICS, false);
        address = client.awaitTeredoAddress(QUALIFY);
        JmiredoClient.awaitOnTunnel(pub, address, QUALIFY);
        atk = JmiredoClient.publicHost(teredo, "atk", STRANGER);
        atk.sysctl("net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");
        atk.ip("addr", "add", SERVER_PRIMARY + "/32", "dev", "lo");
        Ping.assertAnswered(pub, NATIVE_HOST, WARM_UP);
    }

    @Test
    @Order(1)
    @DisplayName("Forged from its server and from a stranger (origins private or port 0, RAs with another nonce, "
            + "spoofed mappings, a guessed bubble source, our own or non-global sources, other destinations, "
            + "malformed, oversized): each dropped under its reason, no bubble sent, none an internal error")
    void eachDatagramDroppedUnderItsReason() {
        Map<String, Double> before = Metrics.samples(client.metrics(), "jmiredo_");
        Shell.Result sent = atk.exec(
                Duration.ofSeconds(60),
                HostileSender.command(
                        "client",
                        PUB,
                        Integer.toString(CLIENT_PORT),
                        address,
                        SERVER_PRIMARY,
                        STRANGER,
                        Integer.toString(STRANGER_PORT),
                        Integer.toString(COUNT)));
        assertThat(sent.exit()).as(sent.output()).isZero();
        int total = COUNT * ClientHostileDatagram.values().length;
        String udpIn = "jmiredo_udp_received_packets_total";
        Map<String, Double> expected = new TreeMap<>();
        for (ClientHostileDatagram d : ClientHostileDatagram.values()) {
            if (d.reason != null) {
                expected.merge(d.reason, (double) COUNT, Double::sum);
            }
        }
        // Not only the datagrams received: a read burst counts those first and the drops after them, so the
        // scrape must also show every expected drop (the exact comparison below then says what fell short).
        Map<String, Double> after = Poll.settled(
                Duration.ofSeconds(15),
                () -> Metrics.samples(client.metrics(), "jmiredo_"),
                now -> delta(before, now, udpIn) >= total
                        && expected.entrySet().stream()
                                .allMatch(e -> delta(before, now, drop(e.getKey())) >= e.getValue()));

        Map<String, Double> counted = new TreeMap<>();
        expected.keySet().forEach(r -> counted.put(r, delta(before, after, drop(r))));
        assertThat(counted).isEqualTo(expected);
        assertThat(delta(before, after, "jmiredo_bubbles_sent_total{kind=\"direct\"}"))
                .as("bubbles to origins")
                .isZero();
        assertThat(delta(before, after, "jmiredo_tun_written_packets_total"))
                .as("into the tunnel")
                .isZero();
        assertThat(after.get(drop("internal_error"))).isZero();
    }

    @Test
    @Order(2)
    @DisplayName("After it all: the client is alive and qualified with the same address, logged nothing above "
            + "debug, and carries pings both ways")
    void afterItAllTheClientCarriesOn() {
        client.process().assertAlive();
        assertThat(client.readyz()).isEqualTo(200);
        assertThat(pub.globalInet6(TUN_NAME)).contains(address);
        assertThat(JmiredoRelay.loudLines(client.process()))
                .as("WARN/ERROR lines of our client")
                .isEmpty();
        Ping.assertAnswered(pub, NATIVE_HOST, WARM_UP);
        Ping.assertAnswered(teredo.ns(Host.V6), address, WARM_UP);
    }

    /**
     * R-5.2.3-c6 under a flood: a stranger sends our client data from a new native source each time, 1,000 a second
     * (no forged IPv4 source), each held while its test goes. Meanwhile our host pings 8 native addresses it never
     * reached, once each: every first packet waits in a queue while its test goes, then leaves. Before, the
     * stranger's packets took all 256 queues for the 4 s each test waited, and most of those pings were dropped as
     * {@code queue_full} (2 of 8 answered); now they may take half, and every ping is answered. And the client sends
     * at most {@code client.echo-tests-per-second} tests a second for them (before, one per packet, 1,000 a second).
     */
    @Test
    @Order(3)
    @DisplayName("R-5.2.3-c6: 1,000 native sources a second speaking first leave queues for our own first packets")
    void nativeSourcesSpeakingFirstLeaveQueuesForOurOwnFirstPackets() {
        Netns v6 = teredo.ns(Host.V6);
        List<String> fresh = IntStream.rangeClosed(1, NEW_DESTINATIONS)
                .mapToObj(i -> "2001:db8:6::4" + i)
                .toList();
        fresh.forEach(a -> v6.addAddress6(IF_V6, a + V6_PREFIX_LEN));
        String before = client.metrics();
        double testsBefore = Metrics.sample(before, ECHO_TESTS_SENT);
        double receivedBefore = Metrics.sample(before, RECEIVED);
        long start = System.nanoTime();
        LabProcess flood = teredo.lab()
                .start(
                        atk,
                        "native-sources",
                        HostileSender.command(
                                "native-sources",
                                PUB,
                                Integer.toString(CLIENT_PORT),
                                address,
                                STRANGER,
                                Integer.toString(STRANGER_PORT + 1),
                                Integer.toString(SOURCES_PER_SECOND * 30),
                                Integer.toString(SOURCES_PER_SECOND)));
        try {
            // Until the flood holds all the queues it may: half of the client's 256 (the old code: all).
            Poll.until(
                    "the stranger's packets held",
                    Duration.ofSeconds(15),
                    () -> Metrics.sample(client.metrics(), "jmiredo_peers_queued") >= 128);
            Poll.until(
                    "the flood at its steady state",
                    Duration.ofSeconds(15),
                    () -> Metrics.sample(client.metrics(), "jmiredo_dropped_packets_total{reason=\"queue_full\"}") > 0);
            long answered = fresh.stream()
                    .filter(a ->
                            Ping.once(pub, address, a, Duration.ofSeconds(3)).received() == 1)
                    .count();
            // The tests' bound below is one per second: let the flood run over several seconds first.
            Poll.until(
                    "6,000 packets of the flood received",
                    Duration.ofSeconds(30),
                    () -> Metrics.sample(client.metrics(), RECEIVED) - receivedBefore >= 6_000);
            double tests = Metrics.sample(client.metrics(), ECHO_TESTS_SENT) - testsBefore;
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    java.util.Locale.ROOT,
                    "[e2e client hostile] under %d native sources a second speaking "
                            + "first: %d of %d first pings to new native hosts answered, %.0f peers holding queues, %.0f echo"
                            + " tests in %.1f s (%.0f a second)%n",
                    SOURCES_PER_SECOND,
                    answered,
                    NEW_DESTINATIONS,
                    Metrics.sample(client.metrics(), "jmiredo_peers_queued"),
                    tests,
                    seconds,
                    tests / seconds);
            assertThat(flood.isAlive()).as("the flood went on all along").isTrue();
            assertThat(answered).as("first pings to new native hosts answered").isEqualTo(NEW_DESTINATIONS);
            // client.echo-tests-per-second (500 by default) bounds the tests the flood makes (one more window across
            // the turn of a second); our own 8 come on top. The old code sent one per packet.
            assertThat(tests)
                    .as("echo tests sent in %.1f s", seconds)
                    .isLessThanOrEqualTo(ECHO_TESTS_PER_SECOND * (seconds + 2) + NEW_DESTINATIONS);
        } finally {
            flood.stop();
        }
    }

    private static final String ECHO_TESTS_SENT = "jmiredo_client_echo_tests_sent_total";
    private static final String RECEIVED = "jmiredo_udp_received_packets_total";
    /** reference.conf's client.echo-tests-per-second. */
    private static final int ECHO_TESTS_PER_SECOND = 500;

    private static String drop(String reason) {
        return "jmiredo_dropped_packets_total{reason=\"" + reason + "\"}";
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        return after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
    }
}
