package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.List;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Packets larger than the tunnel between the native host (links of 1,500 bytes) and Miredo's client behind
 * the NAT (a tunnel of 1,280, RFC 4380 §5.1.1), through our relay: the relay host's kernel tells the native
 * host the tunnel's MTU, fragments pass both ways, and a native router's Packet Too Big reaches the client.
 */
@Timeout(value = 120)
class MtuInteropTest extends TeredoLabTest {
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** 1,452 bytes of echo data: a 1,500-byte IPv6 packet, the native link's MTU. */
    private static final int LINK_SIZED = 1452;
    /** Fragmented by the sender whatever the path: 3,048-byte packets. */
    private static final int FRAGMENTED = 3000;

    private static final int PINGS = 5;
    /** Echo data of a 1,448-byte packet: above the relay's tun.mtu (1,280), within a raised 1,480. */
    private static final int LONGER_DATA = 1400;

    private static final int PACKETS_TOO_BIG = 5;
    private static final String GSO_IN_USE = "jmiredo_udp_gso{mode=\"auto\"}";
    private static final String REFUSED_DESTINATIONS = "jmiredo_udp_gso_refused_destinations";
    /** A second link of the relay host onto br4, and its port on the bridge (test aSmallMtuLink...). */
    private static final String SMALL_LINK = "eth4s";

    private static final String SMALL_LINK_PORT = "rly-small";

    private Netns v6;
    private Netns lan;
    private String lanAddress;

    @BeforeAll
    void warmUp() {
        v6 = teredo.ns(Host.V6);
        lan = teredo.ns(Host.LAN);
        lanAddress = teredo.teredoAddress(Host.LAN);
        Ping.awaitReply(lan, NATIVE_HOST, WARM_UP);
        Ping.awaitReply(v6, lanAddress, WARM_UP);
    }

    @Test
    @Order(1)
    @DisplayName("Native host to Miredo's client, 1,500-byte packets: the relay host answers the first with a Packet "
            + "Too Big (MTU 1280), the native host fragments the rest, the relay carries the fragments")
    void linkSizedPacketsFromTheNativeSide() {
        long tooBigBefore = Nstat.value(teredo.ns(Host.RLY), "Icmp6OutPktTooBigs");
        Ping.Result r = Ping.sized(v6, lanAddress, PINGS, LINK_SIZED);
        assertThat(r.received())
                .as("replies of %d pings (the first may be lost):\n%s", PINGS, r.output())
                .isGreaterThanOrEqualTo(PINGS - 2);
        assertThat(Nstat.value(teredo.ns(Host.RLY), "Icmp6OutPktTooBigs") - tooBigBefore)
                .as("Packet Too Big messages the relay host sent to the native host")
                .isPositive();
        assertAnswered(v6, lanAddress, FRAGMENTED);
    }

    @Test
    @Order(2)
    @DisplayName("Miredo's client to the native host, 1,500 and 3,048-byte packets: fragmented to its 1,280-byte "
            + "tunnel, carried by the relay, answered with fragments")
    void largePacketsFromTheClient() {
        assertAnswered(lan, NATIVE_HOST, LINK_SIZED);
        assertAnswered(lan, NATIVE_HOST, FRAGMENTED);
    }

    @Test
    @Order(3)
    @DisplayName("A Packet Too Big from the native side (1,280 bytes, quoting the client's packet) reaches Miredo's "
            + "client through the relay, each one, none dropped")
    void packetTooBigReachesTheClient() {
        String metricsBefore = relayMetrics();
        long before = Nstat.value(lan, "Icmp6InPktTooBigs");
        Shell.Result sent = v6.exec(
                Duration.ofSeconds(60),
                HostileSender.command(
                        "raw",
                        Integer.toString(PACKETS_TOO_BIG),
                        NATIVE_HOST,
                        lanAddress,
                        NativePacket.PACKET_TOO_BIG.name()));
        assertThat(sent.exit()).as(sent.output()).isZero();
        Poll.until(
                "the client's kernel to count " + PACKETS_TOO_BIG + " Packet Too Big",
                Duration.ofSeconds(10),
                () -> Nstat.value(lan, "Icmp6InPktTooBigs") - before >= PACKETS_TOO_BIG);
        assertThat(Nstat.value(lan, "Icmp6InPktTooBigs") - before).isEqualTo(PACKETS_TOO_BIG);
        String metricsAfter = relayMetrics();
        for (String series : List.of(
                "jmiredo_dropped_packets_total{reason=\"malformed_ipv6\"}",
                "jmiredo_dropped_packets_total{reason=\"tun_oversized\"}",
                "jmiredo_dropped_packets_total{reason=\"internal_error\"}")) {
            assertThat(Metrics.sample(metricsAfter, series))
                    .as(series)
                    .isEqualTo(Metrics.sample(metricsBefore, series));
        }
        assertThat(JmiredoRelay.loudLines(teredo.relay().process()))
                .as("WARN/ERROR lines of the relay")
                .isEmpty();
    }

    /**
     * Found in review: the relay's tunnel read buffers were sized by tun.mtu, so with the tunnel's MTU raised by hand
     * every packet above 1,280 bytes was read cut and dropped as {@code malformed_ipv6}: none of these pings was
     * answered. Now each reaches Miredo's client whole, in one datagram (the native host may not fragment it), and
     * is answered (the client's 1,280-byte tunnel fragments the replies).
     */
    @Test
    @Order(4)
    @DisplayName("Our relay's tunnel MTU raised by hand to 1,480: the native host's 1,448-byte packets reach Miredo's "
            + "client whole and are answered")
    void aRelayTunnelMtuRaisedByHandCarriesLongerPackets() {
        Netns rly = teredo.ns(Host.RLY);
        String metricsBefore = relayMetrics();
        rly.ip("link", "set", "dev", TUN_NAME, "mtu", "1480");
        v6.ip("-6", "route", "flush", "cache"); // the Packet Too Big of the first test set 1,280 towards the client
        try {
            Ping.Result r = Ping.sizedWhole(v6, lanAddress, PINGS, LONGER_DATA);
            assertThat(r.received())
                    .as("replies to %d pings of 1,448 bytes:\n%s", PINGS, r.output())
                    .isGreaterThanOrEqualTo(PINGS - 1);
            String metricsAfter = relayMetrics();
            for (String series : List.of(
                    "jmiredo_dropped_packets_total{reason=\"malformed_ipv6\"}",
                    "jmiredo_dropped_packets_total{reason=\"tun_oversized\"}")) {
                assertThat(Metrics.sample(metricsAfter, series))
                        .as(series)
                        .isEqualTo(Metrics.sample(metricsBefore, series));
            }
            assertThat(JmiredoRelay.loudLines(teredo.relay().process()))
                    .as("WARN/ERROR lines of the relay")
                    .isEmpty();
        } finally {
            rly.ip("link", "set", "dev", TUN_NAME, "mtu", "1280");
        }
    }

    /**
     * Found in review (blackbox16): the relay's sockets used IP_PMTUDISC_DONT, under which Linux still bounds a UDP
     * GSO segment by the path MTU the host learned for the destination: an ICMP "fragmentation needed" (which anyone
     * can forge, quoting a datagram from the relay to a peer's mapping) or a route's mtu, as here, set that to 1,000
     * for the NAT's address. The next run of full-size datagrams to Miredo's client behind it failed with EMSGSIZE,
     * and the relay turned UDP GSO off for every peer, for good ({@code jmiredo_udp_gso} 0 after this transfer, and
     * an INFO line "UDP GSO off"). With IP_PMTUDISC_OMIT the learned MTU is ignored (the datagrams still leave without
     * DF, R-5.1.2-df, and a path that needs it fragments them) and GSO stays on.
     */
    @Test
    @Order(5)
    @DisplayName("A path MTU of 1,000 learned for the NAT's address: a transfer to Miredo's client behind it leaves "
            + "UDP GSO on for the whole relay, nothing dropped")
    void aPathMtuLearnedForOnePeerLeavesUdpGsoOn() {
        Netns rly = teredo.ns(Host.RLY);
        String before = relayMetrics();
        assertThat(Metrics.sample(before, GSO_IN_USE))
                .as("UDP GSO in use before (Linux 4.18+, veth offloads)")
                .isEqualTo(1.0);
        rly.ip("route", "add", NAT_OUTSIDE + "/32", "dev", IF_V4, "mtu", "1000");
        try {
            Iperf.Throughput throughput = Iperf.run(teredo.lab(), Host.LAN, NATIVE_HOST, true, Duration.ofSeconds(3));
            assertThat(throughput.bitsPerSecond()).as(throughput.toString()).isPositive();
            String after = relayMetrics();
            assertThat(Metrics.sample(after, GSO_IN_USE))
                    .as("UDP GSO in use after the transfer")
                    .isEqualTo(1.0);
            String failed = "jmiredo_dropped_packets_total{reason=\"udp_write_failed\"}";
            assertThat(Metrics.sample(after, failed)).as(failed).isEqualTo(Metrics.sample(before, failed));
            assertThat(teredo.relay().process().output()).as("the relay's log").doesNotContain("UDP GSO off");
        } finally {
            rly.ip("route", "del", NAT_OUTSIDE + "/32", "dev", IF_V4);
        }
    }

    /**
     * Left over from review (leftovers17): a route to one peer through a device whose own MTU is below a full
     * datagram (1,308 bytes) makes the kernel refuse UDP GSO runs to that peer (EMSGSIZE, EINVAL before 2024: a
     * segment larger than the device's MTU), while the same datagrams sent alone leave in IP fragments. The relay
     * turned GSO off for every peer, for good ({@code jmiredo_udp_gso} 0, "UDP GSO off"). Here the NAT's address
     * is routed through a second link of the relay host onto the same bridge, of MTU 1,280: the transfer to Miredo's
     * client behind it works, and GSO is off towards the NAT's address only (the gauge of refused destinations at
     * 1, one INFO line naming it) and stays on for the rest.
     */
    @Test
    @Order(6)
    @DisplayName("A route to the NAT through a link of MTU 1,280: a transfer to Miredo's client behind it turns UDP "
            + "GSO off towards the NAT's address only, nothing dropped")
    void aSmallMtuLinkToOnePeerTurnsUdpGsoOffTowardsItOnly() {
        Netns rly = teredo.ns(Host.RLY);
        Netns hub = teredo.ns(Host.HUB);
        String before = relayMetrics();
        assertThat(Metrics.sample(before, GSO_IN_USE))
                .as("UDP GSO in use before")
                .isEqualTo(1.0);
        assertThat(Metrics.sample(before, REFUSED_DESTINATIONS)).isZero();
        hub.plug(SMALL_LINK_PORT, BR_V4, rly, SMALL_LINK);
        try {
            rly.ip("link", "set", "dev", SMALL_LINK, "mtu", "1280");
            rly.sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf." + SMALL_LINK + ".rp_filter=0");
            rly.ip("route", "add", NAT_OUTSIDE + "/32", "dev", SMALL_LINK, "src", RELAY_V4);
            Iperf.Throughput throughput = Iperf.run(teredo.lab(), Host.LAN, NATIVE_HOST, true, Duration.ofSeconds(3));
            assertThat(throughput.bitsPerSecond()).as(throughput.toString()).isPositive();
            String after = relayMetrics();
            assertThat(Metrics.sample(after, REFUSED_DESTINATIONS))
                    .as("GSO refused towards the NAT's address")
                    .isEqualTo(1.0);
            assertThat(Metrics.sample(after, GSO_IN_USE))
                    .as("UDP GSO in use for the others")
                    .isEqualTo(1.0);
            String failed = "jmiredo_dropped_packets_total{reason=\"udp_write_failed\"}";
            assertThat(Metrics.sample(after, failed)).as(failed).isEqualTo(Metrics.sample(before, failed));
            String log = teredo.relay().process().output();
            assertThat(log).contains("UDP GSO off towards " + NAT_OUTSIDE).doesNotContain("UDP GSO off:");
        } finally {
            rly.ip("route", "del", NAT_OUTSIDE + "/32", "dev", SMALL_LINK);
            hub.ip("link", "del", SMALL_LINK_PORT);
        }
    }

    /**
     * A refusal does not last (gso18): the relay restarted with {@code transport.udp-gso-retry = 10s}, the NAT's
     * address routed through the small link again, and a transfer makes the kernel refuse GSO towards it (one INFO
     * line). The link is then repaired, its MTU raised to 1,500: once the retry period is over the refusal ends
     * (the gauge at 0, an INFO line "tried again"), and a second transfer to Miredo's client leaves its runs with
     * GSO: the kernel takes them (no second refusal, the gauge stays 0), nothing dropped. Before, runs to that
     * destination went unbatched until the relay restarted (and the key did not exist).
     */
    @Test
    @Order(7)
    @DisplayName("The small link to the NAT repaired: after transport.udp-gso-retry, runs to the NAT's address leave "
            + "with UDP GSO again, nothing dropped")
    void gsoTowardsARefusedPeerComesBackOnceItsLinkIsRepaired() {
        JmiredoRelay relay = (JmiredoRelay) teredo.relay();
        relay.stop();
        relay.configure("jmiredo.transport.udp-gso-retry = 10s\n");
        relay.start();
        Ping.awaitReply(lan, NATIVE_HOST, WARM_UP);
        Ping.awaitReply(v6, lanAddress, WARM_UP);
        Netns rly = teredo.ns(Host.RLY);
        Netns hub = teredo.ns(Host.HUB);
        String offTowards = "UDP GSO off towards " + NAT_OUTSIDE;
        hub.plug(SMALL_LINK_PORT, BR_V4, rly, SMALL_LINK);
        try {
            rly.ip("link", "set", "dev", SMALL_LINK, "mtu", "1280");
            rly.sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf." + SMALL_LINK + ".rp_filter=0");
            rly.ip("route", "add", NAT_OUTSIDE + "/32", "dev", SMALL_LINK, "src", RELAY_V4);
            Iperf.run(teredo.lab(), Host.LAN, NATIVE_HOST, true, Duration.ofSeconds(2));
            assertThat(relay.process().output()).as("the relay's log").contains(offTowards);

            rly.ip("link", "set", "dev", SMALL_LINK, "mtu", "1500");
            Poll.until(
                    "the refusal towards " + NAT_OUTSIDE + " to end",
                    Duration.ofSeconds(30),
                    () -> Metrics.sample(relayMetrics(), REFUSED_DESTINATIONS) == 0.0);
            assertThat(relay.process().output()).contains("UDP GSO towards " + NAT_OUTSIDE + " tried again");
            String before = relayMetrics();
            Iperf.Throughput throughput = Iperf.run(teredo.lab(), Host.LAN, NATIVE_HOST, true, Duration.ofSeconds(2));
            assertThat(throughput.bitsPerSecond()).as(throughput.toString()).isPositive();
            String after = relayMetrics();
            assertThat(Metrics.sample(after, REFUSED_DESTINATIONS))
                    .as("no refusal again")
                    .isZero();
            assertThat(Metrics.sample(after, GSO_IN_USE)).isEqualTo(1.0);
            String failed = "jmiredo_dropped_packets_total{reason=\"udp_write_failed\"}";
            assertThat(Metrics.sample(after, failed)).as(failed).isEqualTo(Metrics.sample(before, failed));
            String log = relay.process().output();
            assertThat(log.split(offTowards, -1))
                    .as("refusals towards the NAT's address in the log")
                    .hasSize(2);
        } finally {
            rly.ip("route", "del", NAT_OUTSIDE + "/32", "dev", SMALL_LINK);
            hub.ip("link", "del", SMALL_LINK_PORT);
        }
    }

    private String relayMetrics() {
        return Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
    }

    private static void assertAnswered(Netns from, String to, int size) {
        Ping.Result r = Ping.sized(from, to, PINGS, size);
        assertThat(r.received())
                .as("replies of %d pings with %d bytes of data:\n%s", PINGS, size, r.output())
                .isGreaterThanOrEqualTo(PINGS - 1);
    }
}
