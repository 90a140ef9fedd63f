package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;
import static org.jmiredo.e2e.server.TeredoPacketTool.teredoAddress;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Our client ({@code jmiredo client}) carrying traffic: in its own host lan2 behind the lab's NAT (beside
 * Miredo's client in lan), qualified by miredo-server, it reaches the native IPv6 host through the relay in
 * rly (a subclass picks ours or Miredo's) and Miredo's public client directly, and is reached by both.
 */
abstract class ClientDataTest extends TeredoLabTest {
    private static final Duration QUALIFY = Duration.ofSeconds(30);
    /** Relay discovery (echo test through the server) and bubbles may cost the first pings. */
    private static final Duration WARM_UP = Duration.ofSeconds(30);

    private static final Duration TRANSFER = Duration.ofSeconds(3);
    private static final String LAN2 = "192.168.77.3";
    private static final String METRICS = "127.0.0.1:9560";
    /** A second address of the native host, which no test before has used. */
    private static final String FRESH_NATIVE_HOST = "2001:db8:6::21";
    /** A third, whose echo requests the native host rejects. */
    private static final String REJECTING_NATIVE_HOST = "2001:db8:6::22";
    /** A global mapping nobody answers at: the IPv4 of a silent Teredo peer. */
    private static final String SILENT_MAPPING = "203.0.113.99";
    /** What operators of Miredo set by hand (ip link set teredo mtu 1480), above tun.mtu's 1280. */
    private static final int RAISED_MTU = 1480;
    /** Echo data of a 1,448-byte packet: above 1,280, within 1,480. */
    private static final int LONGER_DATA = 1400;

    private static final int PINGS = 5;

    private Netns lan2;
    private JmiredoClient client;
    private String address;

    ClientDataTest(RelayKind relay) {
        super(relay, NatKind.CONE);
    }

    @BeforeAll
    void startOurClientBehindTheNat() {
        lan2 = JmiredoClient.hostBehindTheNat(teredo, "lan2", LAN2);
        client = JmiredoClient.start(teredo.lab(), lan2, "jmiredo-client-lan2", SERVER_PRIMARY, 0, METRICS, false);
        address = client.awaitTeredoAddress(QUALIFY);
        JmiredoClient.awaitOnTunnel(lan2, address, QUALIFY);
    }

    @Test
    @Order(1)
    @DisplayName("R-5.2.1-build: the tunnel carries the Teredo address (NAT's mapping) and the routes; /readyz 200")
    void theTunnelCarriesTheAddressAndTheRoutes() {
        TeredoAddressView view = TeredoAddressView.parse(address);
        assertThat(view.serverIpv4()).isEqualTo(SERVER_PRIMARY);
        assertThat(view.mappedIpv4()).isEqualTo(NAT_OUTSIDE);
        assertThat(lan2.route6(TEREDO_PREFIX)).contains("dev " + TUN_NAME);
        assertThat(lan2.route6("default")).contains("dev " + TUN_NAME);
        assertThat(client.readyz()).isEqualTo(200);
    }

    @Test
    @Order(2)
    @DisplayName("R-5.2.4-c2, R-5.2.3-c2: pings the native host; the relay found by the echo test through the server")
    void pingsTheNativeHost() {
        Ping.assertAnswered(lan2, NATIVE_HOST, WARM_UP);
        assertThat(Metrics.sample(client.metrics(), "jmiredo_client_echo_tests_passed_total"))
                .isGreaterThanOrEqualTo(1);
        // Its peer table is exported (it holds packets, and throws some away): the native host is in it.
        assertThat(Metrics.sample(client.metrics(), "jmiredo_peers")).isGreaterThanOrEqualTo(1);
        assertThat(Metrics.sample(client.metrics(), "jmiredo_peers_capacity")).isEqualTo(4096);
    }

    @Test
    @Order(3)
    @DisplayName("R-5.2.3-c6: a native host our client never tested pings it: its first echo request, held "
            + "during the echo test, is answered")
    void aNativeHostSpeakingFirstGetsThroughAtOnce() {
        Netns v6 = teredo.ns(Host.V6);
        v6.addAddress6(IF_V6, FRESH_NATIVE_HOST + V6_PREFIX_LEN);
        double released = Metrics.sample(client.metrics(), "jmiredo_queue_released_packets_total");
        Ping.Result first = Ping.once(v6, FRESH_NATIVE_HOST, address, Duration.ofSeconds(8));
        assertThat(first.received())
                .as("the one echo request from a new native host:\n%s", first.output())
                .isEqualTo(1);
        assertThat(Metrics.sample(client.metrics(), "jmiredo_queue_released_packets_total"))
                .isGreaterThan(released);
        assertThat(Metrics.sample(client.metrics(), "jmiredo_dropped_packets_total{reason=\"untested_mapping\"}"))
                .isZero();
    }

    @Test
    @Order(4)
    @DisplayName("R-5.2.3-serverorig, R-5.2.3-c6: the native host pings our client")
    void theNativeHostPingsOurClient() {
        Ping.assertAnswered(teredo.ns(Host.V6), address, WARM_UP);
    }

    @Test
    @Order(5)
    @DisplayName("R-5.2.4-c5, R-5.2.3-c3: our client and Miredo's public client reach each other, both directions")
    void ourClientAndMiredosClientReachEachOther() {
        Ping.assertAnswered(lan2, teredo.teredoAddress(Host.CLI), WARM_UP);
        Ping.assertAnswered(teredo.ns(Host.CLI), address, WARM_UP);
    }

    @Test
    @Order(6)
    @DisplayName("TCP each way between our client and the native host (iperf3, a few seconds)")
    void tcpBothWays() {
        for (boolean reverse : new boolean[] {false, true}) {
            Iperf.Throughput throughput = Iperf.run(teredo.lab(), lan2, "lan2", NATIVE_HOST, reverse, TRANSFER);
            System.out.printf(Locale.ROOT, "[e2e %s] %s%n", getClass().getSimpleName(), throughput);
            assertThat(throughput.mbitPerSecond()).as(throughput.toString()).isGreaterThan(1.0);
        }
        assertThat(JmiredoRelay.loudLines(client.process()))
                .as("WARN/ERROR lines of our client")
                .isEmpty();
    }

    /**
     * Found by review: the host answers our connectivity test with a Destination Unreachable (ip6tables REJECT of
     * pings); as Miredo, that names its relay (CONFORMANCE M13), and TCP to it works. Our client used to hold every
     * packet for it until the test failed: nothing reached such a host.
     */
    @Test
    @Order(7)
    @DisplayName(
            "R-5.2.3-c2, M13: TCP to a native host that rejects pings (its Destination Unreachable passes the test)")
    void tcpToANativeHostThatRejectsPings() {
        Netns v6 = teredo.ns(Host.V6);
        v6.addAddress6(IF_V6, REJECTING_NATIVE_HOST + V6_PREFIX_LEN);
        v6.exec(
                        "ip6tables",
                        "-A",
                        "INPUT",
                        "-d",
                        REJECTING_NATIVE_HOST,
                        "-p",
                        "icmpv6",
                        "--icmpv6-type",
                        "echo-request",
                        "-j",
                        "REJECT")
                .check();
        Ping.Result refused = Ping.run(teredo.ns(Host.RLY), REJECTING_NATIVE_HOST, 2);
        assertThat(refused.received())
                .as("pings rejected:\n%s", refused.output())
                .isZero();
        Iperf.Throughput throughput = Iperf.run(teredo.lab(), lan2, "lan2", REJECTING_NATIVE_HOST, false, TRANSFER);
        assertThat(throughput.mbitPerSecond()).as(throughput.toString()).isGreaterThan(1.0);
    }

    /**
     * Found by review16: after four unanswered bubble pairs our client answers with ICMPv6 address unreachable
     * from its own Teredo address (RFC 4443 §2.2, as Miredo's client); it used to come from the unreachable
     * destination. The peer: a Teredo address of our server whose mapping answers nothing.
     */
    @Test
    @Order(8)
    @DisplayName("R-5.2.6-max4, R6081-3-finite: a silent Teredo peer; address unreachable from our own address")
    void aSilentTeredoPeerGetsAddressUnreachableFromOurOwnAddress() throws Exception {
        String silent = InetAddress.getByAddress(teredoAddress(
                        InetAddress.getByName(SERVER_PRIMARY).getAddress(),
                        InetAddress.getByName(SILENT_MAPPING).getAddress(),
                        40000))
                .getHostAddress();
        // One a second: four bubble pairs 2 s apart (R-5.2.6-2s), then the errors.
        Shell.Result r = lan2.exec(Duration.ofSeconds(40), "ping", "-n", "-c", "12", "-i", "1", "-W", "1", silent);
        Matcher from = Pattern.compile("From (\\S+?):? icmp_seq=\\d+ Destination unreachable: Address unreachable")
                .matcher(r.output());
        List<String> sources = new ArrayList<>();
        while (from.find()) {
            sources.add(from.group(1));
        }
        assertThat(sources)
                .as("the errors' sources in:\n%s", r.output())
                .isNotEmpty()
                .allMatch(address::equals);
    }

    /**
     * Found in review: the tunnel's read buffers were sized by tun.mtu, so with the MTU raised by hand every packet
     * above 1,280 bytes was read cut and dropped as {@code malformed_ipv6}: none of these pings was answered. Now
     * each leaves whole (ping forbids fragmenting it), over one datagram, and the relay carries it. The replies
     * meet the relay host's 1,280-byte tunnel, whose Packet Too Big makes the native host fragment them: the first
     * may be lost.
     */
    @Test
    @Order(9)
    @DisplayName("The tunnel's MTU raised by hand to 1,480 (as Miredo's operators do): 1,448-byte packets leave whole "
            + "and are answered")
    void aTunnelMtuRaisedByHandCarriesLongerPackets() {
        Ping.assertAnswered(lan2, NATIVE_HOST, WARM_UP);
        String before = client.metrics();
        lan2.ip("link", "set", "dev", TUN_NAME, "mtu", Integer.toString(RAISED_MTU));
        try {
            Ping.Result r = Ping.sizedWhole(lan2, NATIVE_HOST, PINGS, LONGER_DATA);
            assertThat(r.received())
                    .as("replies to %d pings of 1,448 bytes:\n%s", PINGS, r.output())
                    .isGreaterThanOrEqualTo(PINGS - 2);
            String after = client.metrics();
            for (String series : List.of(
                    "jmiredo_dropped_packets_total{reason=\"malformed_ipv6\"}",
                    "jmiredo_dropped_packets_total{reason=\"tun_oversized\"}")) {
                assertThat(Metrics.sample(after, series)).as(series).isEqualTo(Metrics.sample(before, series));
            }
            assertThat(Metrics.sample(after, "jmiredo_tun_read_bytes_total")
                            - Metrics.sample(before, "jmiredo_tun_read_bytes_total"))
                    .as("bytes read from the tunnel")
                    .isGreaterThanOrEqualTo(PINGS * (LONGER_DATA + 48.0));
        } finally {
            lan2.ip("link", "set", "dev", TUN_NAME, "mtu", "1280");
        }
    }
}
