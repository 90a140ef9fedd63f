package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our client as the one who starts a Teredo-to-Teredo exchange: in pub (a public address) towards clients
 * behind the lab's NAT, Miredo's in lan and ours in lan2. Its direct bubble reaches the NAT unsolicited; Linux
 * keeps a conntrack entry for it, so the peer's answer to the indirect bubble leaves the NAT from another
 * port than the one its Teredo address embeds. Miredo's client trusts such an answer when it is addressed to
 * the keyed source of its own bubble (CONFORMANCE M14/M15); ours dropped it as a mapping mismatch and reached
 * neither peer, where Miredo's public client in cli reached both.
 */
@Timeout(value = 180)
class ClientPeersTest extends TeredoLabTest {
    private static final Duration QUALIFY = Duration.ofSeconds(30);
    /** Bubbles both ways through the server before the first echo goes. */
    private static final Duration WARM_UP = Duration.ofSeconds(20);

    private static final String PUB = "198.51.100.11";
    private static final String LAN2 = "192.168.77.3";
    /** The reply tuple of a masqueraded flow to pub: its destination port is the NAT's port for the flow. */
    private static final Pattern REPLY_PORT = Pattern.compile(
            "src=" + Pattern.quote(PUB) + " dst=" + Pattern.quote(NAT_OUTSIDE) + " sport=\\d+ dport=(\\d+)");

    private Netns pub;
    private Netns lan2;
    private JmiredoClient publicClient;
    private JmiredoClient natClient;
    private String pubAddress;
    private String lan2Address;

    @BeforeAll
    void startOurClients() {
        pub = JmiredoClient.publicHost(teredo, "pub", PUB);
        lan2 = JmiredoClient.hostBehindTheNat(teredo, "lan2", LAN2);
        publicClient = JmiredoClient.start(
                teredo.lab(), pub, "jmiredo-client-pub", SERVER_PRIMARY, 0, "127.0.0.1:9563", false);
        natClient = JmiredoClient.start(
                teredo.lab(), lan2, "jmiredo-client-lan2", SERVER_PRIMARY, 0, "127.0.0.1:9564", false);
        pubAddress = publicClient.awaitTeredoAddress(QUALIFY);
        lan2Address = natClient.awaitTeredoAddress(QUALIFY);
        JmiredoClient.awaitOnTunnel(pub, pubAddress, QUALIFY);
        JmiredoClient.awaitOnTunnel(lan2, lan2Address, QUALIFY);
    }

    @Test
    @Order(1)
    @DisplayName("M15: our public client pings Miredo's client behind the NAT first, whose answers leave the NAT from "
            + "another port than its address embeds; then both ways")
    void reachesMiredosClientBehindTheNat() {
        String lanAddress = teredo.teredoAddress(Host.LAN);
        Ping.assertAnswered(pub, lanAddress, WARM_UP);
        Ping.assertAnswered(teredo.ns(Host.LAN), pubAddress, WARM_UP);
        assertThat(natPortsTowardsPub(LAN_CLIENT))
                .as("lan's ports at the NAT towards pub")
                .anyMatch(port -> port != TeredoAddressView.parse(lanAddress).mappedPort());
        Ping.assertAnswered(teredo.ns(Host.CLI), lanAddress, WARM_UP); // as Miredo's public client does
    }

    @Test
    @Order(2)
    @DisplayName("M15: our public client pings our client behind the NAT first; then both ways")
    void reachesOurClientBehindTheNat() {
        Ping.assertAnswered(pub, lan2Address, WARM_UP);
        Ping.assertAnswered(lan2, pubAddress, WARM_UP);
        assertThat(natPortsTowardsPub(LAN2))
                .as("lan2's ports at the NAT towards pub")
                .anyMatch(port -> port != TeredoAddressView.parse(lan2Address).mappedPort());
        for (JmiredoClient client : List.of(publicClient, natClient)) {
            assertThat(JmiredoRelay.loudLines(client.process()))
                    .as("WARN/ERROR lines of our clients")
                    .isEmpty();
            assertThat(Metrics.sample(client.metrics(), "jmiredo_dropped_packets_total{reason=\"internal_error\"}"))
                    .isZero();
        }
    }

    /** The NAT's outside ports for the UDP flows from {@code inside} to pub, from its conntrack table. */
    private List<Integer> natPortsTowardsPub(String inside) {
        String table = teredo.ns(Host.NAT)
                .exec("cat", "/proc/net/nf_conntrack")
                .check()
                .output();
        return table.lines()
                .filter(l -> l.contains(" udp ") && l.contains("src=" + inside + " dst=" + PUB + " "))
                .map(REPLY_PORT::matcher)
                .filter(Matcher::find)
                .map(m -> Integer.parseInt(m.group(1)))
                .toList();
    }
}
