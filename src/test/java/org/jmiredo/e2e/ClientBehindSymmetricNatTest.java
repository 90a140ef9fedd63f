package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import org.jmiredo.e2e.lab.Netns;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our client behind the lab's symmetric NAT ({@code MASQUERADE --random-fully}): the server's two addresses
 * see two mappings, so RFC 4380 §5.2.1 leaves it unqualified (R-5.2.1-compare), and it says so. And our client
 * on a public address towards Miredo's client behind that NAT (which Miredo qualifies).
 */
@Timeout(value = 120)
class ClientBehindSymmetricNatTest extends TeredoLabTest {
    private static final Duration CHECK = Duration.ofSeconds(30);

    ClientBehindSymmetricNatTest() {
        super(RelayKind.JMIREDO, NatKind.SYMMETRIC);
    }

    @Test
    @Order(1)
    @DisplayName("R-5.2.1-compare: different mappings at the two server addresses: no address, /readyz 503, logged")
    void aSymmetricNatIsDetectedAndNoAddressIsUsed() {
        Netns lan4 = JmiredoClient.hostBehindTheNat(teredo, "lan4", "192.168.77.5");
        JmiredoClient client = JmiredoClient.start(teredo.lab(), lan4, "jmiredo-client-lan4", SERVER_PRIMARY, 0,
                "127.0.0.1:9562", false);
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
        Netns pub = JmiredoClient.publicHost(teredo, "pub", "198.51.100.11");
        JmiredoClient client = JmiredoClient.start(teredo.lab(), pub, "jmiredo-client-pub", SERVER_PRIMARY, 0,
                "127.0.0.1:9563", false);
        String address = client.awaitTeredoAddress(CHECK);
        JmiredoClient.awaitOnTunnel(pub, address, CHECK);
        Ping.assertAnswered(pub, teredo.teredoAddress(Host.LAN), CHECK);
        Ping.assertAnswered(teredo.ns(Host.LAN), address, CHECK);
    }
}
