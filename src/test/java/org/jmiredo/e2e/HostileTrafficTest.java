package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.HostileNet.*;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
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
 * Our live relay under hostile traffic while a Miredo client behind the NAT keeps using it: garbage and
 * near-valid datagrams, a flood of spoofed Teredo sources larger than the peer table, a flood from the
 * native side towards hundreds of thousands of Teredo addresses (RFC 4380 §7.3.5: state created by
 * native hosts is limited), and bursts. Every drop must be counted under its reason, the bounds of the
 * configuration must hold, nothing may be logged per packet above debug, and the client's pings go on.
 * The hostile host is cli, which owns 203.0.113.0/24 through a local route (the spoofed sources and the
 * servers of the flooded Teredo addresses); its Miredo client stays out of the way.
 */
@Timeout(value = 120)
class HostileTrafficTest extends TeredoLabTest {
    private static final int SENDER_PORT = 40_001;
    private static final int PEERS_MAX = 1024;
    private static final int QUEUED_PEERS_MAX = 128;
    private static final int ICMP_PER_SECOND = 10;
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** Echo requests 200 ms apart while a flood runs; at least half must be answered. */
    private static final int DURING_PINGS = 40;
    /** Start-up lines (e.g. a capped socket buffer) may warn; a line per packet would be thousands. */
    private static final int MAX_LOUD_LINES = 5;
    /**
     * What the floods may add to the relay's resident memory (its bounds above hold a few MiB). The heap is
     * fixed and touched at start ({@link #HEAP}), so that a collector growing its heap, which the JVM is free
     * to do up to a quarter of the host's memory, is not counted as the relay's: what is left is direct
     * buffers, the JIT's code and class metadata.
     */
    private static final long RSS_GROWTH_KIB = 96 * 1024;

    private static final String HEAP = "256m";

    private LabProcess relay;
    private long rssBeforeKib;

    @BeforeAll
    @Timeout(value = 120)
    void boundTheRelay() {
        HostileNet.wire(teredo);

        JmiredoRelay ours = (JmiredoRelay) teredo.relay();
        ours.stop();
        RelayReadiness.awaitGone(teredo.lab(), Duration.ofSeconds(10));
        ours.configure("""
                jmiredo.peers.max = %d
                jmiredo.peers.max-queued-peers = %d
                jmiredo.icmp.errors-per-second = %d
                """.formatted(PEERS_MAX, QUEUED_PEERS_MAX, ICMP_PER_SECOND));
        ours.jvmOptions("-XX:+UseZGC", "-Xms" + HEAP, "-Xmx" + HEAP, "-XX:+AlwaysPreTouch");
        ours.start();
        relay = ours.process();
        Ping.awaitReply(teredo.ns(Host.LAN), NATIVE_HOST, WARM_UP);
        rssBeforeKib = relay.rssKib();
    }

    @Test
    @Order(1)
    @DisplayName("Garbage and near-valid datagrams: each dropped and counted under its reason, none an internal error")
    void malformedDatagramsAreCountedByReason() {
        int each = 50;
        Map<String, Long> expected = new TreeMap<>();
        for (MalformedDatagram d : MalformedDatagram.values()) {
            expected.merge(d.reason, (long) each, Long::sum);
        }
        Map<String, Double> before = drops();
        send(
                Host.CLI,
                "malformed",
                RELAY_V4,
                Integer.toString(RELAY_PORT),
                SERVER_PRIMARY,
                PUBLIC_CLIENT,
                Integer.toString(SENDER_PORT),
                PRIVATE_SOURCE,
                NATIVE_HOST,
                Integer.toString(each));
        Map<String, Double> after = awaitDrops(before, expected);

        for (Map.Entry<String, Long> e : expected.entrySet()) {
            // The rly kernel's own multicast into the tunnel (MLD, router solicitations) counts as multicast too.
            long slack = e.getKey().equals("multicast") ? 5 : 0;
            assertThat(delta(before, after, e.getKey()))
                    .as("drops with reason %s", e.getKey())
                    .isBetween(e.getValue(), e.getValue() + slack);
        }
        assertThat(delta(before, after, "internal_error")).as("internal errors").isZero();
        assertPings(Host.LAN, NATIVE_HOST);
    }

    @Test
    @Order(2)
    @DisplayName(
            "R-5.4.2-noentry: a bubble and a packet from each of 4,000 spoofed Teredo sources (4 x peers.max): the table keeps its bound and evicts, the NAT client's pings go on")
    void spoofedSourcesBeyondThePeerTable() {
        int sources = 40;
        int ports = 100;
        String before = scrape();
        LabProcess ping = Ping.start(teredo.lab(), Host.LAN, NATIVE_HOST, DURING_PINGS);
        Peak peak = whileSampling(
                Host.CLI,
                "spoof",
                RELAY_V4,
                Integer.toString(RELAY_PORT),
                SERVER_PRIMARY,
                FIRST_SPOOFED,
                Integer.toString(sources),
                Integer.toString(ports),
                NATIVE_HOST);
        Ping.Result during = Ping.result(ping, Duration.ofSeconds(30));
        // The sender's end is not the relay's: its last datagrams may still wait in the socket on a loaded host.
        String after = awaitScrape(body -> increase(before, body, "jmiredo_peers_trusted_total") >= sources * ports
                && increase(before, body, "jmiredo_peer_evictions_total") >= sources * ports - PEERS_MAX);

        assertThat(Metrics.sample(after, "jmiredo_peers_capacity")).isEqualTo(PEERS_MAX);
        assertThat(peak.peers()).as("peers at any scrape during the flood").isLessThanOrEqualTo(PEERS_MAX);
        assertThat(increase(before, after, "jmiredo_peers_trusted_total"))
                .as("spoofed peers trusted (accept-matching)")
                .isGreaterThanOrEqualTo(sources * ports);
        assertThat(increase(before, after, "jmiredo_peer_evictions_total"))
                .as("evictions")
                .isGreaterThanOrEqualTo(sources * ports - PEERS_MAX);
        assertDuring(during);
        assertPings(Host.LAN, NATIVE_HOST);
        assertPings(Host.V6, teredo.teredoAddress(Host.LAN));
    }

    @Test
    @Order(3)
    @DisplayName(
            "RFC 4380 7.3.5: 200,000 packets from the native side to random Teredo addresses: peers, queues, bubbles and ICMPv6 errors within their bounds")
    void nativeFloodTowardsRandomTeredoAddresses() {
        int packets = 200_000;
        int perSecond = 20_000;
        String before = scrape();
        long icmpBefore = v6IcmpErrors();
        LabProcess ping = Ping.start(teredo.lab(), Host.V6, teredo.teredoAddress(Host.LAN), DURING_PINGS);
        long start = System.nanoTime();
        Peak peak = whileSampling(
                Host.V6, "native-flood", Integer.toString(packets), Integer.toString(perSecond), FIRST_SPOOFED, "100");
        double seconds = (System.nanoTime() - start) / 1e9;
        Ping.Result during = Ping.result(ping, Duration.ofSeconds(30));
        String after = scrape();
        long icmpErrors = v6IcmpErrors() - icmpBefore;
        long bubbles = increase(before, after, "jmiredo_bubbles_sent_total");
        teredo.lab()
                .shell()
                .note("native flood: " + peak + ", " + bubbles + " bubbles, " + icmpErrors + " ICMPv6 errors in "
                        + seconds + " s");

        assertThat(peak.peers()).as("peers at any scrape during the flood").isLessThanOrEqualTo(PEERS_MAX);
        assertThat(peak.queued()).as("peers holding queued packets").isLessThanOrEqualTo(QUEUED_PEERS_MAX);
        assertThat(bubbles)
                .as("bubbles: never more than one per packet from the native side")
                .isPositive()
                .isLessThanOrEqualTo(packets);
        assertThat(icmpErrors)
                .as("ICMPv6 errors the native host got in %.1f s", seconds)
                .isPositive()
                .isLessThanOrEqualTo(Math.round(ICMP_PER_SECOND * (seconds + 2)));
        assertThat(increase(before, after, "jmiredo_icmp_errors_rate_limited_total"))
                .as("errors held back by the budget (the repeated addresses ran out of bubbles)")
                .isPositive();
        assertThat(increase(before, after, "jmiredo_dropped_packets_total{reason=\"queue_peers_full\"}"))
                .as("packets refused for want of a queue")
                .isPositive();
        assertDuring(during);
        assertPings(Host.V6, teredo.teredoAddress(Host.LAN));
        assertPings(Host.LAN, NATIVE_HOST);
        // The silent addresses give their queues back 4 s after their last bubble (PeerTable.QUEUE_WAIT_SECONDS),
        // not with their entries 60 to 90 s after their last packet, when the next new peers had none to get.
        Duration freed = Poll.until(
                "no peer holding queued packets after the flood",
                Duration.ofSeconds(20),
                () -> Metrics.sample(scrape(), "jmiredo_peers_queued") == 0);
        teredo.lab().shell().note("queues of the flood released " + freed.toMillis() + " ms after the checks");
        assertThat(increase(after, scrape(), "jmiredo_peer_queue_discarded_packets_total"))
                .as("queued packets of the silent peers, released before their entries expired")
                .isPositive();
        assertThat(Metrics.sample(scrape(), "jmiredo_peers"))
                .as("their entries stay, with their bubble budgets")
                .isPositive();
    }

    @Test
    @Order(4)
    @DisplayName("Bursts both ways, and bursts into full queues: the relay carries on, the client's pings go on")
    void burstsThatFillTheTunnelQueues() {
        Netns rly = teredo.ns(Host.RLY);
        String before = scrape();
        LabProcess ping = Ping.start(teredo.lab(), Host.LAN, NATIVE_HOST, DURING_PINGS);
        sendBursts();
        Ping.Result during = Ping.result(ping, Duration.ofSeconds(30));
        assertDuring(during);

        // Whether a burst overflows a queue of a running relay depends on the host's speed (a fast one keeps
        // up): with the relay stopped, the same bursts fill its socket's buffer and the tunnel's queue for sure.
        long tunDroppedBefore = tunTxDropped();
        long socketDroppedBefore = Nstat.value(rly, "UdpRcvbufErrors");
        String pid = Long.toString(relay.pid());
        teredo.lab().shell().run("kill", "-STOP", pid).check();
        try {
            sendBursts();
        } finally {
            teredo.lab().shell().run("kill", "-CONT", pid).check();
        }
        long tunDropped = tunTxDropped() - tunDroppedBefore;
        long socketDropped = Nstat.value(rly, "UdpRcvbufErrors") - socketDroppedBefore;
        String after = scrape();
        teredo.lab()
                .shell()
                .note("bursts into a stopped relay: tunnel queue dropped " + tunDropped
                        + ", UDP receive buffer dropped " + socketDropped + ", tun writes refused "
                        + increase(before, after, "jmiredo_dropped_packets_total{reason=\"tun_write_failed\"}")
                        + "; pings during the first " + during);

        assertThat(tunDropped)
                .as("packets the kernel dropped for want of room in the tunnel's queue")
                .isPositive();
        assertThat(socketDropped)
                .as("datagrams the kernel dropped for want of room in the socket")
                .isPositive();
        assertPings(Host.LAN, NATIVE_HOST);
        assertPings(Host.V6, teredo.teredoAddress(Host.CLI));
    }

    /** 50,000 datagrams of 1,200 bytes to the relay, then as many packets from the native side to the client. */
    private void sendBursts() {
        send(
                Host.CLI,
                "burst",
                RELAY_V4,
                Integer.toString(RELAY_PORT),
                SERVER_PRIMARY,
                PUBLIC_CLIENT,
                Integer.toString(SENDER_PORT + 10),
                NATIVE_HOST,
                "50000",
                "1200");
        send(Host.V6, "native-burst", teredo.teredoAddress(Host.CLI), "50000", "1200");
    }

    /** Packets the kernel dropped because the tunnel's queue towards the relay was full (TX of the TUN device). */
    private long tunTxDropped() {
        String json = teredo.ns(Host.RLY)
                .exec("ip", "-s", "-j", "link", "show", "dev", TUN_NAME)
                .check()
                .output();
        var m = Pattern.compile("\"tx\":\\{[^}]*\"dropped\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no TX drop count in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    @Test
    @Order(5)
    @DisplayName(
            "After it all: the relay is alive, logged nothing per packet above debug, had no internal error, and its memory stayed bounded")
    void relaySurvivedWithinBounds() {
        relay.assertAlive();
        assertThat(JmiredoRelay.loudLines(relay))
                .as("WARN/ERROR lines in %s", relay.log())
                .hasSizeLessThanOrEqualTo(MAX_LOUD_LINES);
        String body = scrape();
        assertThat(Metrics.sample(body, "jmiredo_dropped_packets_total{reason=\"internal_error\"}"))
                .isZero();
        long growth = relay.rssKib() - rssBeforeKib;
        teredo.lab().shell().note("relay RSS grew by " + growth + " KiB");
        assertThat(growth).as("RSS growth in KiB").isLessThanOrEqualTo(RSS_GROWTH_KIB);
    }

    /** The largest peer-table gauges seen while a hostile sender ran. */
    record Peak(double peers, double queued) {}

    /** Runs the sender in the background and scrapes the peer-table gauges until it ends. */
    private Peak whileSampling(Host from, String... args) {
        LabProcess sender = teredo.lab().start(from, "hostile-" + args[0], HostileSender.command(args));
        double peers = 0;
        double queued = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (sender.isAlive() && System.nanoTime() < deadline) {
            String body = scrape();
            peers = Math.max(peers, Metrics.sample(body, "jmiredo_peers"));
            queued = Math.max(queued, Metrics.sample(body, "jmiredo_peers_queued"));
            Poll.sleep(100);
        }
        assertThat(teredo.lab().stop(sender)).as(sender.output()).contains(0);
        return new Peak(peers, queued);
    }

    private void assertDuring(Ping.Result during) {
        assertThat(during.received())
                .as("echo replies during the flood:\n%s", during.output())
                .isGreaterThanOrEqualTo(during.transmitted() / 2);
    }

    /** How much the series grew, summed over its labels when it has some. */
    private static long increase(String before, String after, String series) {
        return Math.round(total(after, series) - total(before, series));
    }

    private static double total(String body, String series) {
        String name = series.contains("{") ? series : series + "{";
        double labelled = Metrics.samples(body, name).values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
        return labelled + (series.contains("{") ? 0 : Metrics.sample(body, series));
    }

    /** ICMPv6 destination unreachable messages the native host received (its ip6tables counter). */
    private long v6IcmpErrors() {
        String listing = teredo.ns(Host.V6)
                .exec("ip6tables", "-L", "INPUT", "-v", "-n", "-x")
                .check()
                .output();
        var m = Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s.*/\\* " + ICMP_ERRORS_RULE + " \\*/", Pattern.MULTILINE)
                .matcher(listing);
        if (!m.find()) {
            throw new IllegalStateException("no ICMPv6 rule:\n" + listing);
        }
        return Long.parseLong(m.group(1));
    }

    private void send(Host from, String... args) {
        Shell.Result r = teredo.ns(from).exec(Duration.ofSeconds(60), HostileSender.command(args));
        assertThat(r.exit()).as(r.output()).isZero();
        teredo.lab().shell().note(r.output().strip());
    }

    private String scrape() {
        return Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
    }

    /** Scrapes until {@code done} holds for the body (the counters are read at scrape time), at most 15 s. */
    private String awaitScrape(Predicate<String> done) {
        return Poll.settled(Duration.ofSeconds(15), this::scrape, done);
    }

    private Map<String, Double> drops() {
        Map<String, Double> byReason = new TreeMap<>();
        Pattern label = Pattern.compile("reason=\"([a-z_0-9]+)\"");
        Metrics.samples(scrape(), "jmiredo_dropped_packets_total").forEach((series, value) -> {
            var m = label.matcher(series);
            if (m.find()) {
                byReason.merge(m.group(1), value, Double::sum);
            }
        });
        return byReason;
    }

    /** Scrapes until every expected reason reached its count (the counters are read at scrape time), at most 15 s. */
    private Map<String, Double> awaitDrops(Map<String, Double> before, Map<String, Long> expected) {
        return Poll.settled(Duration.ofSeconds(15), this::drops, after -> expected.entrySet().stream()
                .allMatch(e -> delta(before, after, e.getKey()) >= e.getValue()));
    }

    private static long delta(Map<String, Double> before, Map<String, Double> after, String reason) {
        return Math.round(after.getOrDefault(reason, 0.0) - before.getOrDefault(reason, 0.0));
    }

    private void assertPings(Host from, String to) {
        Ping.assertAnswered(teredo.ns(from), to, WARM_UP);
    }
}
