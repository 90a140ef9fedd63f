package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
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
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120)
class HostileTrafficTest {
    private static final String SPOOFED_NET = "203.0.113.0/24";
    private static final String FIRST_SPOOFED = "203.0.113.1";
    private static final String PRIVATE_SOURCE = "10.66.0.1";
    private static final int SENDER_PORT = 40_001;
    private static final int PEERS_MAX = 1024;
    private static final int QUEUED_PEERS_MAX = 128;
    private static final int ICMP_PER_SECOND = 10;
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** What the floods may add to the relay's resident memory (its bounds above hold a few MiB). */
    private static final long RSS_GROWTH_KIB = 96 * 1024;

    private TeredoLab teredo;
    private LabProcess relay;
    private long rssBeforeKib;

    @BeforeAll
    @Timeout(value = 120)
    void startLab() {
        LabPreconditions.require(RelayKind.JMIREDO);
        teredo = TeredoLab.start(RelayKind.JMIREDO);
        Netns cli = teredo.ns(Host.CLI);
        cli.ip("route", "add", "local", SPOOFED_NET, "dev", "lo");
        cli.ip("addr", "add", PRIVATE_SOURCE + "/32", "dev", "lo");
        // Bubbles towards the flooded addresses' servers end here, counted.
        cli.exec("iptables", "-A", "INPUT", "-d", SPOOFED_NET, "-p", "udp", "--dport", "3544", "-j", "DROP").check();
        Netns rly = teredo.ns(Host.RLY);
        rly.addRoute(SPOOFED_NET, PUBLIC_CLIENT);
        // A private source must reach the relay's rules, not the kernel's reverse-path filter.
        rly.sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf." + IF_V4 + ".rp_filter=0");
        teredo.ns(Host.V6).exec("ip6tables", "-A", "INPUT", "-p", "icmpv6", "--icmpv6-type", "1", "-j", "ACCEPT").check();

        JmiredoRelay ours = (JmiredoRelay) teredo.relay();
        ours.stop();
        RelayReadiness.awaitGone(teredo.lab(), Duration.ofSeconds(5));
        ours.configure("""
                jmiredo.peers.max = %d
                jmiredo.peers.max-queued-peers = %d
                jmiredo.icmp.errors-per-second = %d
                """.formatted(PEERS_MAX, QUEUED_PEERS_MAX, ICMP_PER_SECOND));
        ours.start();
        relay = ours.process();
        Ping.awaitReply(teredo.ns(Host.LAN), NATIVE_HOST, WARM_UP);
        rssBeforeKib = relay.rssKib();
    }

    @AfterAll
    void stopLab() {
        if (teredo != null) {
            teredo.close();
        }
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
        send(Host.CLI, "malformed", RELAY_V4, Integer.toString(RELAY_PORT), SERVER_PRIMARY, PUBLIC_CLIENT,
                Integer.toString(SENDER_PORT), PRIVATE_SOURCE, NATIVE_HOST, Integer.toString(each));
        Map<String, Double> after = awaitDrops(before, expected);

        for (Map.Entry<String, Long> e : expected.entrySet()) {
            assertThat(delta(before, after, e.getKey())).as("drops with reason %s", e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(delta(before, after, "internal_error")).as("internal errors").isZero();
        assertPings(Host.LAN, NATIVE_HOST);
    }

    // Helpers

    private void send(Host from, String... args) {
        List<String> command = new ArrayList<>(List.of(RelayKind.java().toString(), "-Xmx64m", "-cp",
                classes(), HostileSender.class.getName()));
        command.addAll(List.of(args));
        Shell.Result r = teredo.ns(from).exec(Duration.ofSeconds(60), command);
        assertThat(r.exit()).as(r.output()).isZero();
        teredo.lab().shell().note(r.output().strip());
    }

    private static String classes() {
        try {
            return java.nio.file.Path.of(HostileSender.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private String scrape() {
        return Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
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

    /** Scrapes until every expected reason reached its count (the counters are read at scrape time). */
    private Map<String, Double> awaitDrops(Map<String, Double> before, Map<String, Long> expected) {
        Map<String, Double>[] last = new Map[1];
        try {
            org.jmiredo.e2e.lab.Poll.until("the drop counters to move", Duration.ofSeconds(5), () -> {
                last[0] = drops();
                return expected.entrySet().stream().allMatch(e -> delta(before, last[0], e.getKey()) >= e.getValue());
            });
        } catch (AssertionError timeout) {
            // The exact comparison that follows says which reason fell short.
        }
        return last[0];
    }

    private static long delta(Map<String, Double> before, Map<String, Double> after, String reason) {
        return Math.round(after.getOrDefault(reason, 0.0) - before.getOrDefault(reason, 0.0));
    }

    private void assertPings(Host from, String to) {
        Ping.awaitReply(teredo.ns(from), to, WARM_UP);
        Ping.Result r = Ping.run(teredo.ns(from), to, 5);
        assertThat(r.received()).as("echo replies %s to %s:\n%s", from.id(), to, r.output()).isGreaterThanOrEqualTo(4);
    }
}
