package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Shell;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our client behind the lab's symmetric NAT ({@code MASQUERADE --random-fully}): the server's two addresses
 * see two mappings, so RFC 4380 §5.2.1 leaves it unqualified (R-5.2.1-compare), and it says so. And our client
 * on a public address towards Miredo's client behind that NAT (which Miredo qualifies), also while a stranger
 * floods it with bubbles from Teredo addresses of its own.
 */
@Timeout(value = 120)
class ClientBehindSymmetricNatTest extends TeredoLabTest {
    private static final Duration CHECK = Duration.ofSeconds(30);
    /** A round trip through Miredo's server once the next ping leaves, with margin; the lapse of trust is 30 s. */
    private static final Duration RECOVERY = Duration.ofSeconds(10);

    private static final String PUB = "198.51.100.11";
    private static final String STRANGER = "198.51.100.12";
    /** Bubbles a second from the stranger's Teredo addresses: 2.4 x our client's 4,096 peers between two pings. */
    private static final int FLOOD_RATE = 10_000;

    private static final int PINGS = 10;
    private Netns pub;
    private JmiredoClient client;
    private String address;

    ClientBehindSymmetricNatTest() {
        super(RelayKind.JMIREDO, NatKind.SYMMETRIC);
    }

    @Test
    @Order(1)
    @DisplayName("R-5.2.1-compare: different mappings at the two server addresses: no address, /readyz 503, logged")
    void aSymmetricNatIsDetectedAndNoAddressIsUsed() {
        Netns lan4 = JmiredoClient.hostBehindTheNat(teredo, "lan4", "192.168.77.5");
        JmiredoClient client = JmiredoClient.start(
                teredo.lab(), lan4, "jmiredo-client-lan4", SERVER_PRIMARY, 0, "127.0.0.1:9562", false);
        client.awaitLog("symmetric NAT", CHECK);
        assertThat(lan4.globalInet6(TUN_NAME)).isEmpty();
        assertThat(client.readyz()).isEqualTo(503);
        assertThat(client.process().output()).doesNotContain("qualified: Teredo address");
    }

    /**
     * Miredo's client behind this NAT answers from the port the NAT picked for us, not the one its address embeds:
     * our client dropped those answers (mapping mismatch) and reached it neither way, where Miredo's public client
     * did. It now trusts an answer addressed to the keyed source of its own bubble (M14/M15), as Miredo does.
     */
    @Test
    @Order(2)
    @DisplayName("M15: our public client reaches Miredo's client behind the symmetric NAT, then is reached by it")
    void ourPublicClientReachesMiredosClientBehindIt() {
        pub = JmiredoClient.publicHost(teredo, "pub", PUB);
        client = JmiredoClient.start(
                teredo.lab(), pub, "jmiredo-client-pub", SERVER_PRIMARY, 0, "127.0.0.1:9563", false);
        address = client.awaitTeredoAddress(CHECK);
        JmiredoClient.awaitOnTunnel(pub, address, CHECK);
        Ping.assertAnswered(pub, teredo.teredoAddress(Host.LAN), CHECK);
        Ping.assertAnswered(teredo.ns(Host.LAN), address, CHECK);
    }

    /**
     * The NAT then rebinds Miredo's client's flow to ours to another port (its server's flow, so its address,
     * kept). Our client drops its packets from there (R-5.2.3-c3) but probes it through its server at once, and
     * its answer from the new port (M15) moves the trust there: pings flow again within seconds. Before, our client
     * dropped them until the trust lapsed, and Miredo's client's own bubbles, from the new port to our address
     * rather than our keyed source, did not restore it.
     */
    @Test
    @Order(3)
    @DisplayName(
            "M15, R-5.2.3-c3: the NAT rebinds Miredo's client's flow to our public client, which recovers it in seconds")
    void ourPublicClientRecoversFromTheNatRebindingItsPeersFlow() {
        Netns lan = teredo.ns(Host.LAN);
        Ping.assertAnswered(lan, address, CHECK);
        String before = client.metrics();
        try (NatRebinding rebinding = NatRebinding.rebind(teredo.ns(Host.NAT), PUB)) {
            long start = System.nanoTime();
            Ping.awaitReply(lan, address, RECOVERY);
            System.out.printf(
                    Locale.ROOT,
                    "[e2e client symmetric NAT] flow to our client rebound to port %d, pings"
                            + " answered again after %d ms%n",
                    rebinding.port(),
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
            assertThat(Ping.run(lan, address, 5).received()).isGreaterThanOrEqualTo(4);
            String after = client.metrics();
            assertThat(Metrics.sample(after, "jmiredo_bubbles_rebound_sent_total")
                            - Metrics.sample(before, "jmiredo_bubbles_rebound_sent_total"))
                    .as("the recovery, counted")
                    .isPositive();
        }
    }

    /**
     * RFC 4380 §7.3.5 (limit the state used for new peers). A stranger, without forging its source, sends our client
     * bubbles from 100,000 Teredo addresses that all embed its own mapping (their server fields differ), 10,000 a
     * second, while Miredo's client behind the symmetric NAT, trusted at another port than its address embeds (M15),
     * pings ours once a second. Each such bubble trusts its peer at once (R-5.2.3-c3); the entry it made looked like
     * a peer in use, so the flood pushed Miredo's client out of our client's 4,096 peers within a second, and from
     * then on its pings were dropped as {@code mapping_mismatch} (1 or 2 of 10 answered). Now they stay answered.
     */
    @Test
    @Order(4)
    @DisplayName("R-7.3.5-state: 100,000 Teredo peers of one stranger do not push Miredo's client behind the NAT out")
    void aStrangersTeredoPeersDoNotPushAPeerInUseOut() throws UnknownHostException {
        Netns lan = teredo.ns(Host.LAN);
        Ping.assertAnswered(lan, address, CHECK);
        Netns stranger = JmiredoClient.publicHost(teredo, "stranger", STRANGER);
        byte[] ours = InetAddress.getByName(address).getAddress();
        int port = ~((ours[10] & 0xff) << 8 | ours[11] & 0xff) & 0xffff;
        String before = client.metrics();
        LabProcess ping = teredo.lab()
                .start(
                        lan,
                        "ping-lan-flood",
                        List.of("ping", "-n", "-q", "-c", Integer.toString(PINGS), "-i", "1", "-W", "2", address));
        Shell.Result sent = stranger.exec(
                Duration.ofSeconds(60),
                HostileSender.command(
                        "teredo-peers",
                        PUB,
                        Integer.toString(port),
                        address,
                        STRANGER,
                        "4444",
                        Integer.toString(FLOOD_RATE * PINGS),
                        Integer.toString(FLOOD_RATE)));
        assertThat(sent.exit()).as(sent.output()).isZero();
        Ping.Result pings = Ping.result(ping, Duration.ofSeconds(30));
        String after = client.metrics();
        double mismatched = Metrics.sample(after, "jmiredo_dropped_packets_total{reason=\"mapping_mismatch\"}")
                - Metrics.sample(before, "jmiredo_dropped_packets_total{reason=\"mapping_mismatch\"}");
        System.out.printf(
                Locale.ROOT,
                "[e2e client symmetric NAT] under %d bubbles a second from a stranger's "
                        + "Teredo addresses: %d of %d pings answered, %.0f dropped as mapping_mismatch (%s)%n",
                FLOOD_RATE,
                pings.received(),
                pings.transmitted(),
                mismatched,
                sent.output().strip());
        assertThat(pings.received()).as(pings.output()).isGreaterThanOrEqualTo(PINGS - 2);
        assertThat(mismatched)
                .as("Miredo's client's packets refused once its entry went")
                .isLessThanOrEqualTo(1);
    }
}
