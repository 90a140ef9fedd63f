package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;
import static org.jmiredo.e2e.server.TeredoPacketTool.teredoAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
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
 * Our live relay refusing what comes from the native side towards 2001::/32, while a Miredo client behind
 * the NAT keeps using it. Teredo addresses whose embedded server or client IPv4 is not global unicast, or
 * whose port is 0, reach the relay and must be dropped under {@code non_global_destination} (RFC 4380
 * §5.4.1, issue 2: both IPv4s). Crafted packets (raw socket, {@link NativePacket}) from the native host are
 * refused by the relay host's forwarding kernel before the tunnel; from the relay's host itself they reach
 * the relay, which drops them under their reason. In every case nothing leaves on the IPv4 side.
 */
@Timeout(value = 120)
class NativeSideRefusalsTest extends TeredoLabTest {
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** Of each packet kind, to each address. */
    private static final int EACH = 10;
    /** The rly kernel's own multicast into the tunnel (MLD, router solicitations) counts as multicast too. */
    private static final int MULTICAST_SLACK = 5;
    /** Start-up lines (e.g. a capped socket buffer) may warn; a line per packet would be dozens. */
    private static final int MAX_LOUD_LINES = 5;

    private static final long SETTLE_MILLIS = 500;
    /** Not global unicast (RFC 4380 §5.2.4 and Ipv4.isGlobalUnicast): this network, private, loopback, link-local, 6to4 anycast, multicast, broadcast. */
    private static final List<String> NON_GLOBAL = List.of(
            "0.1.2.3",
            "10.1.2.3",
            "127.0.0.1",
            "169.254.1.1",
            "172.16.5.4",
            "192.168.1.1",
            "192.88.99.1",
            "224.0.0.5",
            "255.255.255.255");
    /** What the relay host's kernel counts when it refuses a packet to forward (RFC 8200, RFC 4443). */
    private static final List<String> KERNEL_REFUSALS = List.of(
            "Ip6InHdrErrors",
            "Ip6InAddrErrors",
            "Ip6InTruncatedPkts",
            "Ip6InTooBigErrors",
            "Icmp6OutTimeExcds",
            "Icmp6OutPktTooBigs");

    private String client;
    private LabProcess relay;

    @BeforeAll
    void awaitTheClient() {
        client = teredo.teredoAddress(Host.LAN);
        relay = ((JmiredoRelay) teredo.relay()).process();
        Ping.awaitReply(teredo.ns(Host.V6), client, WARM_UP);
    }

    @Test
    @Order(1)
    @DisplayName(
            "R-5.4.1-g4: to Teredo addresses embedding a non-global server or client IPv4, or port 0: each dropped as non_global_destination, no peer entry, nothing sent over IPv4")
    void nonGlobalEmbeddedAddressesAreDropped() {
        List<String> destinations = new ArrayList<>();
        for (String ipv4 : NON_GLOBAL) {
            destinations.add(teredo(ipv4, PUBLIC_CLIENT, 40_000)); // the server's
            destinations.add(teredo(SERVER_PRIMARY, ipv4, 40_000)); // the client's
        }
        destinations.add(teredo(SERVER_PRIMARY, PUBLIC_CLIENT, 0));
        Counts before = counts();
        send(Host.V6, Stream.concat(Stream.of("native-udp", Integer.toString(EACH)), destinations.stream()));
        Counts after = countsWhen(c -> c.drops("non_global_destination") - before.drops("non_global_destination")
                >= (long) EACH * destinations.size());

        assertThat(after.drops("non_global_destination") - before.drops("non_global_destination"))
                .as("non_global_destination drops")
                .isEqualTo((long) EACH * destinations.size());
        assertThat(after.sample("jmiredo_peers"))
                .as("peer entries (none added; one may have expired)")
                .isLessThanOrEqualTo(before.sample("jmiredo_peers"));
        assertNothingSentOverIpv4(before, after);
    }

    @Test
    @Order(2)
    @DisplayName(
            "Crafted by the native host (link-local or multicast source, payload length beyond the packet, not version 6, hop limit 1, larger than the tunnel): the relay host's kernel refuses each, none reaches the relay, nothing sent over IPv4")
    void craftedByTheNativeHostStopAtTheKernel() {
        List<NativePacket> kinds = Stream.of(NativePacket.values())
                .filter(k -> k != NativePacket.PACKET_TOO_BIG)
                .toList();
        Map<String, Long> kernelBefore = Nstat.values(teredo.ns(Host.RLY), KERNEL_REFUSALS);
        Counts before = counts();
        sendRaw(Host.V6, NATIVE_HOST, kinds);
        // The refusals asserted below, awaited: the sender's end is not the rly kernel's
        // (softirqs lag on a loaded host).
        Poll.settled(
                Duration.ofSeconds(15),
                () -> Nstat.values(teredo.ns(Host.RLY), KERNEL_REFUSALS),
                kernel -> delta(kernelBefore, kernel, "Ip6InAddrErrors") >= EACH
                        && delta(kernelBefore, kernel, "Icmp6OutTimeExcds") > 0
                        && delta(kernelBefore, kernel, "Icmp6OutPktTooBigs") > 0);
        Poll.sleep(SETTLE_MILLIS); // a packet that did get through would be counted by then
        Counts after = counts();
        Map<String, Long> kernelAfter = Nstat.values(teredo.ns(Host.RLY), KERNEL_REFUSALS);
        teredo.lab().shell().note("rly kernel before " + kernelBefore + ", after " + kernelAfter);

        assertThat(after.sample("jmiredo_tun_read_packets_total") - before.sample("jmiredo_tun_read_packets_total"))
                .as("packets the relay read from the tunnel (the kernel's own multicast at most)")
                .isLessThanOrEqualTo(MULTICAST_SLACK);
        // What the rly kernel counts for the kinds it surely sees (a bridge with br_netfilter loaded in hub
        // validates IPv6 headers itself and may drop the others first: payload length, version, multicast).
        assertThat(delta(kernelBefore, kernelAfter, "Ip6InAddrErrors"))
                .as("link-local sources refused (RFC 4007)")
                .isGreaterThanOrEqualTo(EACH);
        assertThat(delta(kernelBefore, kernelAfter, "Icmp6OutTimeExcds"))
                .as("hop limit 1: time exceeded")
                .isPositive();
        // The first packet larger than the tunnel draws a Packet Too Big; v6 then refuses the rest itself.
        assertThat(delta(kernelBefore, kernelAfter, "Icmp6OutPktTooBigs"))
                .as("larger than the tunnel: packet too big")
                .isPositive();
        assertNothingSentOverIpv4(before, after);
    }

    @Test
    @Order(3)
    @DisplayName(
            "Crafted on the relay's own host, which routes them into the tunnel as they are: a multicast source dropped as multicast, a payload length beyond the packet or another IP version as malformed_ipv6, nothing sent over IPv4")
    void craftedOnTheRelayHostAreDroppedByTheRelay() {
        Counts before = counts();
        sendRaw(
                Host.RLY,
                RELAY_V6,
                List.of(NativePacket.MULTICAST_SOURCE, NativePacket.PAYLOAD_LENGTH_LIE, NativePacket.NOT_VERSION_6));
        Counts after = countsWhen(c -> c.drops("multicast") - before.drops("multicast") >= EACH
                && c.drops("malformed_ipv6") - before.drops("malformed_ipv6") >= 2L * EACH);

        assertThat(after.drops("multicast") - before.drops("multicast"))
                .as("multicast drops")
                .isBetween((long) EACH, (long) EACH + MULTICAST_SLACK);
        assertThat(after.drops("malformed_ipv6") - before.drops("malformed_ipv6"))
                .as("malformed_ipv6 drops")
                .isEqualTo(2L * EACH);
        assertNothingSentOverIpv4(before, after);
    }

    @Test
    @Order(4)
    @DisplayName(
            "Hop limit edges: 2 from the native host arrives with 1 and is delivered to the client, who answers; 1 ends at the relay host's kernel with time exceeded")
    void hopLimitEdges() {
        Netns v6 = teredo.ns(Host.V6);
        Ping.awaitReply(v6, client, WARM_UP); // trusted again if the earlier tests outlasted its 30 s
        long exceededBefore = Nstat.value(teredo.ns(Host.RLY), "Icmp6OutTimeExcds");
        Ping.Result two = Ping.run(v6, client, 5, 2);
        Ping.Result one = Ping.run(v6, client, 5, 1);
        long exceeded = Nstat.value(teredo.ns(Host.RLY), "Icmp6OutTimeExcds") - exceededBefore;

        assertThat(two.received()).as("hop limit 2:\n%s", two.output()).isGreaterThanOrEqualTo(4);
        assertThat(one.received()).as("hop limit 1:\n%s", one.output()).isZero();
        assertThat(exceeded).as("time exceeded sent by the rly kernel").isPositive();
    }

    @Test
    @Order(5)
    @DisplayName(
            "After it all: the relay is alive, logged nothing per packet above debug, had no internal error, and the client's pings go on both ways")
    void relayStaysHealthy() {
        relay.assertAlive();
        assertThat(JmiredoRelay.loudLines(relay))
                .as("WARN/ERROR lines in %s", relay.log())
                .hasSizeLessThanOrEqualTo(MAX_LOUD_LINES);
        assertThat(counts().drops("internal_error")).as("internal errors").isZero();
        Ping.assertAnswered(teredo.ns(Host.LAN), NATIVE_HOST, WARM_UP);
        Ping.assertAnswered(teredo.ns(Host.V6), client, WARM_UP);
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String counter) {
        return after.get(counter) - before.get(counter);
    }

    /** The relay's /metrics and the rly kernel's UDP output at one moment. */
    private record Counts(String metrics, long udpOut) {
        double sample(String series) {
            return Metrics.sample(metrics, series);
        }

        long drops(String reason) {
            return Math.round(sample("jmiredo_dropped_packets_total{reason=\"" + reason + "\"}"));
        }
    }

    /** Scrapes until {@code done} holds (the counters are read at scrape time), at most 15 s. */
    private Counts countsWhen(Predicate<Counts> done) {
        Poll.settled(Duration.ofSeconds(15), this::counts, done);
        Poll.sleep(SETTLE_MILLIS); // and anything sent in answer would be counted too
        return counts();
    }

    private Counts counts() {
        String metrics =
                Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
        return new Counts(metrics, Nstat.value(teredo.ns(Host.RLY), "UdpOutDatagrams"));
    }

    /** No datagram, no bubble, not even a refused write: the relay's counters and the rly kernel's agree. */
    private static void assertNothingSentOverIpv4(Counts before, Counts after) {
        for (String series : List.of(
                "jmiredo_udp_sent_packets_total",
                "jmiredo_bubbles_sent_total{kind=\"indirect\"}",
                "jmiredo_dropped_packets_total{reason=\"udp_write_failed\"}")) {
            assertThat(after.sample(series) - before.sample(series)).as(series).isZero();
        }
        assertThat(after.udpOut - before.udpOut)
                .as("UDP datagrams the rly kernel sent")
                .isZero();
    }

    private void sendRaw(Host from, String source, List<NativePacket> kinds) {
        send(
                from,
                Stream.concat(
                        Stream.of("raw", Integer.toString(EACH), source, client),
                        kinds.stream().map(Enum::name)));
    }

    private void send(Host from, Stream<String> args) {
        Shell.Result r =
                teredo.ns(from).exec(Duration.ofSeconds(60), HostileSender.command(args.toArray(String[]::new)));
        assertThat(r.exit()).as(r.output()).isZero();
        teredo.lab().shell().note(r.output().strip());
    }

    private static String teredo(String server, String mapped, int port) {
        try {
            return InetAddress.getByAddress(teredoAddress(
                            InetAddress.getByName(server).getAddress(),
                            InetAddress.getByName(mapped).getAddress(),
                            port))
                    .getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(server + " " + mapped, e);
        }
    }
}
