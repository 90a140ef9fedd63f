package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Preconditions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Debian Miredo client behind a symmetric NAT ({@code MASQUERADE --random-fully}): the NAT gives the
 * flow to the relay another external port than the one the server saw and embedded in the client's
 * Teredo address. The relay must still trust the client, from the answer to its keyed bubble (as
 * Miredo does, CONFORMANCE M15), and carry its traffic both ways.
 */
@Timeout(value = 120)
class SymmetricNatRelayTest extends TeredoLabTest {
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    private static final Duration TRANSFER = Duration.ofSeconds(5);
    /**
     * Ours: a round trip through the server once the client's next ping leaves, plus that ping's 1-s wait; well
     * under the lapse of trust, with margin for a slow host.
     */
    private static final Duration RECOVERY = Duration.ofSeconds(10);
    /** Miredo's relay, which waits for the lapse of trust (30 s after the client was last heard). */
    private static final Duration LAPSE = Duration.ofSeconds(45);

    /** The NAT's entry for the client's flow to the relay: the reply tuple's destination port is the mapping. */
    private static final Pattern FLOW_TO_RELAY =
            Pattern.compile("udp .*src=" + Pattern.quote(LAN_CLIENT) + " dst=" + Pattern.quote(RELAY_V4)
                    + " sport=\\d+ dport=" + RELAY_PORT + " .*?src=" + Pattern.quote(RELAY_V4) + " dst="
                    + Pattern.quote(NAT_OUTSIDE) + " sport=" + RELAY_PORT + " dport=(\\d+)");

    SymmetricNatRelayTest() {
        super(RelayKind.selected(), NatKind.SYMMETRIC);
    }

    @Test
    @Order(1)
    @DisplayName(
            "M15, R-5.4.2-src: pings both ways through the relay although the client's mapping to it is not the embedded one")
    void pingsBothWaysFromBehindASymmetricNat() {
        Ping.awaitReply(teredo.ns(Host.LAN), NATIVE_HOST, WARM_UP);
        assertThat(Ping.run(teredo.ns(Host.LAN), NATIVE_HOST, 5).received()).isGreaterThanOrEqualTo(4);
        Ping.awaitReply(teredo.ns(Host.V6), teredo.teredoAddress(Host.LAN), WARM_UP);
        assertThat(Ping.run(teredo.ns(Host.V6), teredo.teredoAddress(Host.LAN), 5)
                        .received())
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    @Order(2)
    @DisplayName("The NAT really is symmetric: its port toward the relay differs from the one in the Teredo address")
    void theRelaySeesAnotherMappingThanTheServer() {
        int embedded = TeredoAddressView.parse(teredo.teredoAddress(Host.LAN)).mappedPort();
        String table = teredo.ns(Host.NAT)
                .exec("cat", "/proc/net/nf_conntrack")
                .check()
                .output();
        OptionalInt towardRelay = mappedPortTowardRelay(table);

        assertThat(towardRelay)
                .as("a NAT entry for lan -> relay in:\n%s", table)
                .isPresent();
        assertThat(towardRelay.getAsInt())
                .as("port toward the relay vs embedded %d", embedded)
                .isNotEqualTo(embedded);
    }

    @Test
    @Order(3)
    @DisplayName("5 s of TCP each way from behind the symmetric NAT")
    void tcpBothWays() {
        for (boolean reverse : new boolean[] {false, true}) {
            Iperf.Throughput throughput = Iperf.run(teredo.lab(), Host.LAN, NATIVE_HOST, reverse, TRANSFER);
            System.out.printf(
                    Locale.ROOT,
                    "[e2e symmetric NAT] %s: %.1f Mbit/s%n",
                    reverse ? "v6->lan" : "lan->v6",
                    throughput.mbitPerSecond());
            assertThat(throughput.mbitPerSecond()).as(throughput.toString()).isGreaterThan(1.0);
        }
    }

    /**
     * The NAT rebinds the client's flow to the relay (its mapping dropped and made again, as an idle timeout,
     * a NAT restart or a conntrack flush does) while the flow to the server, and so the client's Teredo address,
     * stays. The relay drops the client's packets from the new port (R-5.4.2-src) but bubbles it through its
     * server at once, and its answer from the new port (M15) moves the trust there: pings flow again within a
     * few seconds, where Miredo's relay, and ours before, waited for the lapse of trust (25 to 30 s).
     */
    @Test
    @Order(4)
    @DisplayName(
            "M15, R-5.4.2-src: the NAT rebinds the client's flow to the relay to another port, traffic recovers in seconds")
    void aFlowRecoversFromTheNatRebindingItInSeconds() {
        Netns nat = teredo.ns(Host.NAT);
        Netns lan = teredo.ns(Host.LAN);
        Ping.awaitReply(lan, NATIVE_HOST, WARM_UP);
        int before = mappedPortTowardRelay(
                        nat.exec("cat", "/proc/net/nf_conntrack").check().output())
                .orElseThrow();
        String metricsBefore = kind == RelayKind.JMIREDO ? metrics() : "";
        try (NatRebinding rebinding = NatRebinding.rebind(nat, RELAY_V4)) {
            int rebound = rebinding.port();
            long start = System.nanoTime();
            Duration recovered = Ping.awaitReply(lan, NATIVE_HOST, kind == RelayKind.JMIREDO ? RECOVERY : LAPSE);
            System.out.printf(
                    Locale.ROOT,
                    "[e2e symmetric NAT] %s: flow to the relay rebound from port %d to %d,"
                            + " pings answered again after %d ms%n",
                    kind,
                    before,
                    rebound,
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
            assertThat(recovered).isLessThan(kind == RelayKind.JMIREDO ? RECOVERY : LAPSE);

            String table = nat.exec("cat", "/proc/net/nf_conntrack").check().output();
            assertThat(mappedPortTowardRelay(table))
                    .as("the NAT's new mapping toward the relay in:\n%s", table)
                    .hasValue(rebound);
            assertThat(Ping.run(lan, NATIVE_HOST, 5).received()).isGreaterThanOrEqualTo(4);
            if (kind == RelayKind.JMIREDO) {
                String metricsAfter = metrics();
                assertThat(delta(
                                metricsBefore,
                                metricsAfter,
                                "jmiredo_dropped_packets_total{reason=\"mapping_mismatch\"}"))
                        .as("the client's packets from the new port, dropped")
                        .isPositive();
                assertThat(delta(metricsBefore, metricsAfter, "jmiredo_bubbles_rebound_sent_total"))
                        .as("the recovery, counted")
                        .isPositive();
            }
        }
    }

    /**
     * blackbox14's scenario: our relay killed (SIGKILL) and started again while the client behind the symmetric
     * NAT only sends (pings the native host; nothing from the native side). The new relay has no entry, and the
     * client's packets come from its flow's mapping, not the embedded one: they are dropped (R-5.4.2-src) but
     * send the keyed bubble through its server, and its answer (M15) makes it trusted there. Before, nothing was
     * sent and the client waited for its own 30-s peer timeout (30.1 to 30.9 s measured).
     */
    @Test
    @Order(5)
    @DisplayName(
            "M15, R-5.4.2-src: our relay killed and restarted, the client behind the symmetric NAT that only sends is served again in seconds, not after its 30-s timeout")
    void aRestartedRelayTakesBackAClientThatOnlySendsInSeconds() {
        Preconditions.require(kind == RelayKind.JMIREDO, "the restart is our relay's (jmiredo.e2e.relay=" + kind + ")");
        JmiredoRelay relay = (JmiredoRelay) teredo.relay();
        Netns lan = teredo.ns(Host.LAN);
        Ping.awaitReply(lan, NATIVE_HOST, WARM_UP);
        relay.process().kill();
        relay.start(); // ready: from here the client's next ping is the only traffic
        long start = System.nanoTime();
        Duration recovered = Ping.awaitReply(lan, NATIVE_HOST, RECOVERY);
        System.out.printf(
                Locale.ROOT,
                "[e2e symmetric NAT] relay restarted: pings answered again %d ms after it was" + " ready%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        assertThat(recovered).isLessThan(RECOVERY);
        String after = metrics(); // a new process: its counters started at 0
        assertThat(Metrics.sample(after, "jmiredo_bubbles_unknown_sent_total"))
                .as("the bubble, counted")
                .isPositive();
        assertThat(Metrics.sample(after, "jmiredo_dropped_packets_total{reason=\"mapping_mismatch\"}"))
                .as("the client's packets before its answer")
                .isPositive();
        assertThat(Ping.run(lan, NATIVE_HOST, 5).received()).isGreaterThanOrEqualTo(4);
    }

    private String metrics() {
        return Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
    }

    private static double delta(String before, String after, String series) {
        return Metrics.sample(after, series) - Metrics.sample(before, series);
    }

    static OptionalInt mappedPortTowardRelay(String conntrack) {
        Matcher m = FLOW_TO_RELAY.matcher(conntrack);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }
}
