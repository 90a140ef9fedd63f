package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.List;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Topologies beyond one client per NAT, with our server and our relay among Miredo's peers. Beside the lab's
 * miredo-server (srv .1) runs our server (srv .4, {@link OurServerBeside}); its clients are our client in lanb
 * and Miredo's in lanc, both behind the lab's NAT, which maps their fixed ports as a full cone and hairpins
 * (sends a LAN host's packet to its own outside address back into the LAN), and Miredo's in far, behind a
 * second full-cone NAT (nat2). Miredo's clients in lan and cli keep miredo-server, so our relay serves clients
 * of two servers at once, and clients of different servers bubble through each other's server. Linux's own MASQUERADE is left out of the NAT-to-NAT case: there a peer's direct bubble
 * arrives unsolicited and its conntrack entry moves the answer to another port, which no Teredo client or
 * server gets through (Miredo's with miredo-server neither).
 */
@Timeout(value = 180)
class NatTopologiesTest extends TeredoLabTest {
    private static final Duration QUALIFY = Duration.ofSeconds(30);
    /** Bubbles both ways through the server (and relay discovery) before the first echo goes. */
    private static final Duration WARM_UP = Duration.ofSeconds(20);

    private static final String LANB = "192.168.77.3";
    private static final String LANC = "192.168.77.4";
    private static final String NAT2_OUTSIDE = "198.51.100.21";
    private static final String NAT2_INSIDE = "192.168.78.1";
    private static final String FAR = "192.168.78.2";
    private static final int PORT_B = 3546;
    private static final int PORT_C = 3547;
    /** Addresses that embed our server (198.51.100.4) or miredo-server (198.51.100.1). */
    private static final String OUR_SERVER_PREFIX = "2001:0:c633:6404:";

    private static final String MIREDO_SERVER_PREFIX = "2001:0:c633:6401:";

    private LabProcess ourServer;
    private Netns lanb;
    private Netns lanc;
    private Netns far;
    private JmiredoClient ourClient;
    private String lanbAddress;
    private String lancAddress;
    private String farAddress;

    @BeforeAll
    void startPeers() {
        OurServerBeside.addAddresses(teredo);
        ourServer = OurServerBeside.start(teredo);
        Netns nat = teredo.ns(Host.NAT);
        lanb = JmiredoClient.hostBehindTheNat(teredo, "lanb", LANB);
        lanc = JmiredoClient.hostBehindTheNat(teredo, "lanc", LANC);
        fullConeWithHairpin(nat, NAT_OUTSIDE, LANB, PORT_B);
        fullConeWithHairpin(nat, NAT_OUTSIDE, LANC, PORT_C);
        far = hostBehindSecondNat();

        ourClient = JmiredoClient.start(
                teredo.lab(), lanb, "jmiredo-client-lanb", OurServerBeside.PRIMARY, PORT_B, "127.0.0.1:9565", false);
        LabProcess lancClient =
                Miredo.startClient(teredo.lab(), lanc, "miredo-client-lanc", OurServerBeside.PRIMARY, PORT_C);
        LabProcess farClient =
                Miredo.startClient(teredo.lab(), far, "miredo-client-far", OurServerBeside.PRIMARY, PORT_B);
        lanbAddress = ourClient.awaitTeredoAddress(QUALIFY);
        JmiredoClient.awaitOnTunnel(lanb, lanbAddress, QUALIFY);
        lancAddress = Miredo.awaitTeredoAddress(lanc, lancClient, QUALIFY);
        farAddress = Miredo.awaitTeredoAddress(far, farClient, QUALIFY);
        teredo.lab().shell().note("lanb " + lanbAddress + ", lanc " + lancAddress + ", far " + farAddress);
    }

    @Test
    @Order(1)
    @DisplayName("One relay, clients of two servers: miredo-server's client and our server's three reach the native "
            + "host and are reached by it")
    void clientsOfTwoServersThroughOneRelay() {
        assertThat(teredo.teredoAddress(Host.LAN)).startsWith(MIREDO_SERVER_PREFIX);
        assertThat(List.of(lanbAddress, lancAddress, farAddress)).allMatch(a -> a.startsWith(OUR_SERVER_PREFIX));
        assertThat(TeredoAddressView.parse(lanbAddress).mappedPort()).isEqualTo(PORT_B);
        assertThat(TeredoAddressView.parse(farAddress).mappedPort()).isEqualTo(PORT_B);
        Netns v6 = teredo.ns(Host.V6);
        for (Netns client : List.of(teredo.ns(Host.LAN), lanb, lanc, far)) {
            Ping.assertAnswered(client, NATIVE_HOST, WARM_UP);
        }
        for (String client : List.of(teredo.teredoAddress(Host.LAN), lanbAddress, lancAddress, farAddress)) {
            Ping.assertAnswered(v6, client, WARM_UP);
        }
    }

    @Test
    @Order(2)
    @DisplayName("Hairpin: our client and Miredo's behind one NAT reach each other at the NAT's outside address")
    void twoClientsBehindOneHairpinningNat() {
        assertThat(TeredoAddressView.parse(lanbAddress).mappedIpv4()).isEqualTo(NAT_OUTSIDE);
        assertThat(TeredoAddressView.parse(lancAddress).mappedIpv4()).isEqualTo(NAT_OUTSIDE);
        Ping.assertAnswered(lanb, lancAddress, WARM_UP);
        Ping.assertAnswered(lanc, lanbAddress, WARM_UP);
    }

    @Test
    @Order(3)
    @DisplayName("NAT to NAT: Miredo's client behind a second NAT and the two behind the first reach each other "
            + "both ways, the bubbles forwarded by our server")
    void clientsBehindTwoNatsThroughOurServer() {
        double forwardedBefore = forwardedBubbles();
        Ping.assertAnswered(far, lancAddress, WARM_UP);
        Ping.assertAnswered(lanc, farAddress, WARM_UP);
        Ping.assertAnswered(lanb, farAddress, WARM_UP);
        Ping.assertAnswered(far, lanbAddress, WARM_UP);
        assertThat(forwardedBubbles())
                .as("indirect bubbles our server forwarded")
                .isGreaterThan(forwardedBefore);
    }

    @Test
    @Order(4)
    @DisplayName("Across servers: our client and Miredo's behind the NAT (our server's) and Miredo's public client "
            + "(miredo-server's) reach each other both ways, each bubbling through the other's server")
    void clientsOfDifferentServers() {
        Netns cli = teredo.ns(Host.CLI);
        String cliAddress = teredo.teredoAddress(Host.CLI);
        assertThat(cliAddress).startsWith(MIREDO_SERVER_PREFIX);
        Ping.assertAnswered(lanb, cliAddress, WARM_UP);
        Ping.assertAnswered(cli, lanbAddress, WARM_UP);
        Ping.assertAnswered(cli, farAddress, WARM_UP);
        Ping.assertAnswered(far, cliAddress, WARM_UP);
    }

    @Test
    @Order(5)
    @DisplayName("Our server killed (SIGKILL): its clients keep their addresses and their traffic, which does not "
            + "pass the server, goes on; the relay and our client logged no warning or error")
    void ourServerKilled() {
        ourServer.kill();
        Ping.assertAnswered(teredo.ns(Host.V6), farAddress, WARM_UP);
        Ping.assertAnswered(lanb, NATIVE_HOST, WARM_UP);
        Ping.assertAnswered(far, lanbAddress, WARM_UP);
        assertThat(lanb.globalInet6(TUN_NAME)).contains(lanbAddress);
        assertThat(far.globalInet6(TUN_NAME)).contains(farAddress);
        assertThat(JmiredoRelay.loudLines(teredo.relay().process()))
                .as("WARN/ERROR lines of the relay")
                .isEmpty();
        assertThat(JmiredoRelay.loudLines(ourClient.process()))
                .as("WARN/ERROR lines of our client")
                .isEmpty();
        String relayMetrics =
                Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
        assertThat(Metrics.sample(relayMetrics, "jmiredo_dropped_packets_total{reason=\"internal_error\"}"))
                .isZero();
    }

    private double forwardedBubbles() {
        String body =
                Metrics.scrape(teredo.ns(Host.SRV), OurServerBeside.METRICS).body();
        return Metrics.sample(body, "jmiredo_server_forwarded_bubbles_total");
    }

    /**
     * A full-cone mapping of {@code inside:port} to {@code outside:port} that also hairpins: whatever reaches
     * the outside address on that port, from the Internet or from the LAN, goes to the host, and the host's
     * datagrams leave from the outside address even towards the LAN (no {@code -o}). Before the MASQUERADE rule.
     */
    private static void fullConeWithHairpin(Netns nat, String outside, String inside, int port) {
        String p = Integer.toString(port);
        nat.exec(
                        "iptables",
                        "-t",
                        "nat",
                        "-I",
                        "POSTROUTING",
                        "1",
                        "-p",
                        "udp",
                        "-s",
                        inside,
                        "--sport",
                        p,
                        "-j",
                        "SNAT",
                        "--to-source",
                        outside + ":" + p)
                .check();
        nat.exec(
                        "iptables",
                        "-t",
                        "nat",
                        "-A",
                        "PREROUTING",
                        "-d",
                        outside,
                        "-p",
                        "udp",
                        "--dport",
                        p,
                        "-j",
                        "DNAT",
                        "--to-destination",
                        inside + ":" + p)
                .check();
    }

    /** nat2 between the IPv4 bridge and a LAN bridge of its own (brm), with far behind it. */
    private Netns hostBehindSecondNat() {
        Netns nat2 = JmiredoClient.natRouter(teredo, "nat2", BR_V4, NAT2_OUTSIDE, null, "brm", NAT2_INSIDE);
        fullConeWithHairpin(nat2, NAT2_OUTSIDE, FAR, PORT_B);
        return JmiredoClient.hostBehind(teredo, "far", "brm", FAR, NAT2_INSIDE);
    }
}
