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
 * see two mappings, so RFC 4380 §5.2.1 leaves it unqualified (R-5.2.1-compare), and it says so.
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
}
