package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;

/**
 * The TUN offloads ({@code tun.offload = auto}, which the lab relay runs; off by default) against the real kernel and a real Miredo client
 * (cli, public address) in the lab of {@link TeredoLab}, our relay in rly. Each method compares the
 * relay's counters and the receiving namespace's {@code TcpInCsumErrors} (nstat) before and after:
 * <ol>
 * <li>Teredo to IPv6, iperf3 TCP with the lab relay ({@code tun.offload = auto}): the coalescer wrote super-packets
 * ({@code tun_super_packets}, {@code tun_coalesced_packets} rose), no write failed and no offload drop
 * moved, and the kernel of v6 found no bad TCP checksum, so the segments cut from the super-packets
 * carry the right ones (R-5.4-recv).</li>
 * <li>IPv6 to Teredo: the relay read GSO super-packets from the tunnel ({@code tun_read_super_packets}
 * rose) and cut them into segments whose checksums Miredo's client's kernel accepts (R-5.4.1-c1).</li>
 * <li>Corruption is not laundered: a hand-made Teredo peer in cli ({@link TcpBurstSender}) sends bursts of
 * same-flow TCP segments that the coalescer merges, one segment per burst with a payload byte changed
 * after its checksum was computed. v6's {@code TcpInCsumErrors} must rise by exactly the number of
 * changed segments while super-packets were written: the relay verified each checksum before merging and
 * wrote the bad segment alone, as it came. Had it merged it, the kernel would have computed one fresh
 * checksum over the super-packet (the virtio header asks it to) and v6 would have accepted corrupted
 * data. This is the relay's own duty (RFC 4380 section 5.4.2 forwards packets as they are; no
 * CONFORMANCE row covers checksums on the data path).</li>
 * <li>{@code tun.offload = off}: the same transfers work and no offload counter moves from 0.</li>
 * </ol>
 */
@Timeout(value = 90)
class OffloadInteropTest extends TeredoLabTest {

    private static final Duration WARM_UP = Duration.ofSeconds(20);
    private static final Duration TRANSFER = Duration.ofSeconds(3);
    private static final Duration SHORT_TRANSFER = Duration.ofSeconds(2);
    private static final double MIN_MBIT_PER_SECOND = 1.0;
    private static final String CSUM_ERRORS = "TcpInCsumErrors";
    private static final String DROPS = "jmiredo_dropped_packets_total{";
    /** The hand-made peer's UDP port in cli: any port Miredo's client does not hold. */
    private static final int SENDER_PORT = 3600;
    /** discard: nothing listens on v6, so each segment is only checked and answered by a reset. */
    private static final int SINK_PORT = 9;

    private static final int BURSTS = 10;
    private static final int SEGMENTS = 8;
    private static final int BAD_INDEX = 3;
    /** How long v6's TCP may take to count the bad segments the relay wrote (a loaded host's softirqs lag). */
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private JmiredoRelay relay;
    private Figures figures;

    @BeforeAll
    void awaitTheClient() {
        relay = (JmiredoRelay) teredo.relay();
        figures = new Figures(teredo.lab(), RelayKind.JMIREDO);
        Ping.awaitReply(cli(), NATIVE_HOST, WARM_UP);
    }

    @Test
    @Order(1)
    @DisplayName(
            "R-5.4-recv: TCP Teredo -> IPv6 with tun.offload = auto is coalesced into super-packets, checksums intact")
    void teredoToNativeIsCoalesced(TestReporter reporter) {
        String before = scrape();
        long csumBefore = Nstat.value(v6(), CSUM_ERRORS);
        Iperf.Throughput up = Iperf.run(teredo.lab(), Host.CLI, NATIVE_HOST, false, TRANSFER);
        String after = scrape();
        long csumErrors = Nstat.value(v6(), CSUM_ERRORS) - csumBefore;

        double superPackets = delta(before, after, "jmiredo_tun_super_packets_total");
        double coalesced = delta(before, after, "jmiredo_tun_coalesced_packets_total");
        figures.record(
                reporter,
                "offload.cli->v6",
                String.format(
                        Locale.ROOT,
                        "%.1f Mbit/s, %.0f super-packets of %.0f packets, v6 %s +%d",
                        up.mbitPerSecond(),
                        superPackets,
                        coalesced,
                        CSUM_ERRORS,
                        csumErrors));
        assertThat(Metrics.samples(after, "jmiredo_tun_offload{").keySet())
                .as("the offloads the kernel accepted")
                .singleElement()
                .asString()
                .contains("mode=\"auto\"")
                .doesNotContain("offloads=\"none\"");
        assertThat(up.mbitPerSecond()).as(up.toString()).isGreaterThan(MIN_MBIT_PER_SECOND);
        assertThat(superPackets).as("super-packets written during the transfer").isPositive();
        assertThat(coalesced).as("packets merged into them").isGreaterThanOrEqualTo(2 * superPackets);
        assertFailuresUnchanged(before, after);
        assertThat(csumErrors).as("TCP checksum errors seen by v6").isZero();
    }

    @Test
    @Order(2)
    @DisplayName("R-5.4.1-c1: TCP IPv6 -> Teredo arrives as GSO super-packets, cut into segments Miredo's host accepts")
    void nativeToTeredoReadsSuperPackets(TestReporter reporter) {
        String before = scrape();
        long csumBefore = Nstat.value(cli(), CSUM_ERRORS);
        Iperf.Throughput down = Iperf.run(teredo.lab(), Host.CLI, NATIVE_HOST, true, TRANSFER);
        String after = scrape();
        long csumErrors = Nstat.value(cli(), CSUM_ERRORS) - csumBefore;

        double superReads = delta(before, after, "jmiredo_tun_read_super_packets_total");
        double read = delta(before, after, "jmiredo_tun_read_packets_total");
        figures.record(
                reporter,
                "offload.v6->cli",
                String.format(
                        Locale.ROOT,
                        "%.1f Mbit/s, %.0f super-packet reads giving %.0f packets read, cli %s +%d",
                        down.mbitPerSecond(),
                        superReads,
                        read,
                        CSUM_ERRORS,
                        csumErrors));
        assertThat(down.mbitPerSecond()).as(down.toString()).isGreaterThan(MIN_MBIT_PER_SECOND);
        assertThat(superReads)
                .as("super-packets read from the tunnel during the transfer")
                .isPositive();
        assertThat(read).as("packets cut from them and the plain reads").isGreaterThan(superReads);
        assertFailuresUnchanged(before, after);
        assertThat(csumErrors).as("TCP checksum errors seen by cli").isZero();
    }

    @Test
    @Order(3)
    @DisplayName(
            "A segment with a bad TCP checksum is never merged: v6 counts each one while its neighbours were coalesced")
    void corruptSegmentIsNotLaundered(TestReporter reporter) throws InterruptedException {
        String before = scrape();
        long csumBefore = Nstat.value(v6(), CSUM_ERRORS);
        TcpBurstSender.send(
                cli(),
                RELAY_V4,
                RELAY_PORT,
                SERVER_PRIMARY,
                PUBLIC_CLIENT,
                SENDER_PORT,
                NATIVE_HOST,
                SINK_PORT,
                BURSTS,
                SEGMENTS,
                BAD_INDEX);
        Poll.until(
                "the relay to write the " + BURSTS * SEGMENTS + " segments",
                Duration.ofSeconds(15),
                () -> delta(before, scrape(), "jmiredo_tun_written_packets_total") >= BURSTS * SEGMENTS);
        // v6's TCP counts a moment after the write; a laundering relay would leave the count short for good.
        long csumErrors = Nstat.value(v6(), CSUM_ERRORS) - csumBefore;
        for (long deadline = System.nanoTime() + SETTLE.toNanos();
                csumErrors < BURSTS && System.nanoTime() < deadline; ) {
            Thread.sleep(50);
            csumErrors = Nstat.value(v6(), CSUM_ERRORS) - csumBefore;
        }
        String after = scrape();

        double written = delta(before, after, "jmiredo_tun_written_packets_total");
        double superPackets = delta(before, after, "jmiredo_tun_super_packets_total");
        double coalesced = delta(before, after, "jmiredo_tun_coalesced_packets_total");
        figures.record(
                reporter,
                "offload.corrupt",
                String.format(
                        Locale.ROOT,
                        "%d bursts of %d segments, 1 bad each: %.0f written, %.0f super-packets of %.0f packets, v6 %s +%d",
                        BURSTS,
                        SEGMENTS,
                        written,
                        superPackets,
                        coalesced,
                        CSUM_ERRORS,
                        csumErrors));
        assertThat(written).as("segments written into the tunnel").isGreaterThanOrEqualTo(BURSTS * SEGMENTS);
        assertThat(superPackets).as("super-packets from the good segments").isPositive();
        assertThat(coalesced).as("good segments merged").isLessThanOrEqualTo(BURSTS * (SEGMENTS - 1));
        assertThat(csumErrors).as("bad segments that reached v6's TCP as bad").isEqualTo(BURSTS);
        assertFailuresUnchanged(before, after);
    }

    @Test
    @Order(4)
    @DisplayName("tun.offload = off: TCP both ways works and no offload counter moves")
    void offloadOffCarriesTrafficWithoutOffloads(TestReporter reporter) {
        relay.stop();
        relay.configure("jmiredo.tun.offload = off\n");
        relay.start();
        Ping.awaitReply(cli(), NATIVE_HOST, WARM_UP);
        Iperf.Throughput up = Iperf.run(teredo.lab(), Host.CLI, NATIVE_HOST, false, SHORT_TRANSFER);
        Iperf.Throughput down = Iperf.run(teredo.lab(), Host.CLI, NATIVE_HOST, true, SHORT_TRANSFER);
        String body = scrape(); // a fresh process: its counters started at 0

        figures.record(reporter, "offload-off", up + ", " + down);
        assertThat(up.mbitPerSecond()).as(up.toString()).isGreaterThan(MIN_MBIT_PER_SECOND);
        assertThat(down.mbitPerSecond()).as(down.toString()).isGreaterThan(MIN_MBIT_PER_SECOND);
        assertThat(Metrics.samples(body, "jmiredo_tun_offload{").keySet())
                .singleElement()
                .asString()
                .contains("mode=\"off\"")
                .contains("offloads=\"none\"");
        assertThat(Metrics.sample(body, "jmiredo_tun_written_packets_total"))
                .as("packets written")
                .isPositive();
        for (String series : List.of(
                "jmiredo_tun_super_packets_total",
                "jmiredo_tun_coalesced_packets_total",
                "jmiredo_tun_read_super_packets_total")) {
            assertThat(Metrics.sample(body, series)).as(series).isZero();
        }
        assertThat(failures(body)).as("write failures and offload drops").isEmpty();
    }

    private void assertFailuresUnchanged(String before, String after) {
        assertThat(failures(after)).as("write failures and offload drops").isEqualTo(failures(before));
    }

    /** The drop series that would show the offloads failing: refused writes and the tun_offload_* reasons. */
    private static Map<String, Double> failures(String body) {
        Map<String, Double> drops = Metrics.samples(body, DROPS);
        drops.keySet()
                .removeIf(s -> !s.contains("reason=\"tun_write_failed\"") && !s.contains("reason=\"tun_offload_"));
        drops.values().removeIf(v -> v == 0);
        return drops;
    }

    private static double delta(String before, String after, String series) {
        return Metrics.sample(after, series) - Metrics.sample(before, series);
    }

    private String scrape() {
        return Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
    }

    private Netns cli() {
        return teredo.ns(Host.CLI);
    }

    private Netns v6() {
        return teredo.ns(Host.V6);
    }
}
