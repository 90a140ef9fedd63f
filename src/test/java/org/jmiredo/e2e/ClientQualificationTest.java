package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.List;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our client's qualification and maintenance ({@code jmiredo client --qualify-only}, RFC 4380 §5.2.1, §5.2.5)
 * against Debian's miredo-server and against our own server, behind the lab's cone NAT and with a public
 * address. Its data path is not built: these tests check the address it finds and keeps, its readiness and
 * metrics.
 */
@Timeout(value = 180)
class ClientQualificationTest extends TeredoLabTest {
    private static final Duration QUALIFY = Duration.ofSeconds(30);
    private static final int PUBLIC_PORT = 3546;

    @Test
    @Order(1)
    @DisplayName("R-5.2.1-learn, R-5.2.1-build: behind the NAT, bound to its private address, qualified by "
            + "miredo-server with the NAT's mapping; /readyz 200")
    void qualifiesBehindTheNatWithMiredoServer() {
        JmiredoClient client = JmiredoClient.start(
                teredo.lab(),
                teredo.ns(Host.LAN),
                "jmiredo-client-lan",
                SERVER_PRIMARY,
                0,
                "127.0.0.1:9550",
                true,
                "jmiredo.client.bind-address = \"" + LAN_CLIENT + "\"");
        TeredoAddressView address = TeredoAddressView.parse(client.awaitTeredoAddress(QUALIFY));

        assertThat(address.prefix()).isEqualTo(0x2001_0000);
        assertThat(address.serverIpv4()).isEqualTo(SERVER_PRIMARY);
        assertThat(address.mappedIpv4()).isEqualTo(NAT_OUTSIDE);
        assertThat(address.bytes()[8] & 0x80).as("RFC 5991: cone bit 0").isZero();
        assertThat(client.readyz()).isEqualTo(200);
        String metrics = client.metrics();
        assertThat(Metrics.sample(metrics, "jmiredo_client_state")).isEqualTo(3.0);
        assertThat(Metrics.sample(metrics, "jmiredo_client_qualified")).isEqualTo(1.0);
        // R-5.2.1-secondary: primary and secondary each answered once
        assertThat(Metrics.sample(metrics, "jmiredo_router_advertisements_received_total"))
                .isGreaterThanOrEqualTo(2.0);
        assertThat(Metrics.sample(metrics, "jmiredo_dropped_packets_total{reason=\"invalid_router_advertisement\"}"))
                .isZero();
    }

    @Test
    @Order(2)
    @DisplayName(
            "R-5.2-port, R-5.2.1-build: a public client on a configured port; our server on two more addresses of srv")
    void qualifiesWithOurServerOnTheConfiguredPort() {
        OurServerBeside.addAddresses(teredo);
        OurServerBeside.start(teredo);
        JmiredoClient client = JmiredoClient.start(
                teredo.lab(),
                teredo.ns(Host.CLI),
                "jmiredo-client-cli",
                OurServerBeside.PRIMARY,
                PUBLIC_PORT,
                "127.0.0.1:9552",
                true);
        TeredoAddressView address = TeredoAddressView.parse(client.awaitTeredoAddress(QUALIFY));

        assertThat(address.serverIpv4()).isEqualTo(OurServerBeside.PRIMARY);
        assertThat(address.mappedIpv4()).isEqualTo(PUBLIC_CLIENT);
        assertThat(address.mappedPort()).isEqualTo(PUBLIC_PORT);
        assertThat(client.readyz()).isEqualTo(200);
    }

    @Test
    @Order(3)
    @DisplayName("Debian's miredo.conf for a client: ServerAddress a host name, resolved through the namespace's "
            + "/etc/hosts; a name that does not resolve is refused with its file and line")
    void miredoConfWithTheServersHostName() {
        Netns lan = teredo.ns(Host.LAN);
        lan.resolves(List.of(SERVER_PRIMARY + " teredo.example"));
        JmiredoClient client = JmiredoClient.startWithMiredoConf(
                teredo.lab(), lan, "jmiredo-client-named", """
                # as Debian's /etc/miredo/miredo.conf
                InterfaceName\tteredo
                ServerAddress\tteredo.example
                """, "127.0.0.1:9553", true);
        TeredoAddressView address = TeredoAddressView.parse(client.awaitTeredoAddress(QUALIFY));
        assertThat(address.serverIpv4()).isEqualTo(SERVER_PRIMARY);
        assertThat(address.mappedIpv4()).isEqualTo(NAT_OUTSIDE);

        JmiredoClient unresolved = JmiredoClient.startWithMiredoConf(
                teredo.lab(),
                lan,
                "jmiredo-client-unnamed",
                "RelayType client\nServerAddress nowhere.example\n",
                "127.0.0.1:9554",
                true);
        Poll.until("the client with an unknown server name to exit", JmiredoClient.START_TIMEOUT, () -> !unresolved
                .process()
                .isAlive());
        assertThat(unresolved.process().stop()).as("EX_CONFIG").contains(78);
        assertThat(unresolved.process().output())
                .contains("jmiredo-client-unnamed-miredo.conf:2: directive "
                        + "\"ServerAddress\": host name \"nowhere.example\" does not resolve");
    }
}
