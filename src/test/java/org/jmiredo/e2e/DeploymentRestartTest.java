package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole jmiredo deployment, our server ({@link OurServerBeside}), our relay (rly) and our client behind the
 * lab's NAT (lan3), with each daemon killed (SIGKILL) and started again in turn while the client and the native
 * host ping each other.
 */
@Timeout(value = 240)
class DeploymentRestartTest extends TeredoLabTest {
    private static final Duration QUALIFY = Duration.ofSeconds(30);
    /** Relay discovery and bubbles for a peer the restarted daemon does not know yet. */
    private static final Duration RECOVERY = Duration.ofSeconds(15);

    private static final String METRICS = "127.0.0.1:9566";

    private Netns lan3;
    private Netns v6;
    private LabProcess server;
    private JmiredoClient client;
    private String address;

    @BeforeAll
    void startOurDeployment() {
        OurServerBeside.addAddresses(teredo);
        server = OurServerBeside.start(teredo);
        lan3 = JmiredoClient.hostBehindTheNat(teredo, "lan3", "192.168.77.4");
        v6 = teredo.ns(Host.V6);
        client = JmiredoClient.start(
                teredo.lab(), lan3, "jmiredo-client-lan3", OurServerBeside.PRIMARY, 0, METRICS, false);
        address = client.awaitTeredoAddress(QUALIFY);
        JmiredoClient.awaitOnTunnel(lan3, address, QUALIFY);
        Ping.assertAnswered(lan3, NATIVE_HOST, RECOVERY);
        Ping.assertAnswered(v6, address, RECOVERY);
    }

    @Test
    @Order(1)
    @DisplayName("Our relay killed and started again: the native host reaches our client first (bubbles through "
            + "our server), then the client the native host, within seconds")
    void relayRestarted() {
        JmiredoRelay relay = (JmiredoRelay) teredo.relay();
        relay.process().kill();
        relay.start();
        Duration back = Ping.awaitReply(v6, address, RECOVERY);
        Ping.assertAnswered(v6, address, RECOVERY);
        Ping.assertAnswered(lan3, NATIVE_HOST, RECOVERY);
        teredo.lab()
                .shell()
                .note("relay restarted: the native host reached our client after " + back.toMillis() + " ms");
    }

    @Test
    @Order(2)
    @DisplayName("Our server killed: traffic between our client and the native host goes on (it does not pass the "
            + "server); started again, the client keeps its address and readiness")
    void serverRestarted() {
        server.kill();
        Ping.Result out = Ping.run(lan3, NATIVE_HOST, 10);
        Ping.Result in = Ping.run(v6, address, 10);
        server = OurServerBeside.start(teredo);
        assertThat(out.received())
                .as("client to native host with the server down:\n%s", out.output())
                .isGreaterThanOrEqualTo(9);
        assertThat(in.received())
                .as("native host to client with the server down:\n%s", in.output())
                .isGreaterThanOrEqualTo(9);
        assertThat(lan3.globalInet6(TUN_NAME)).contains(address);
        assertThat(client.readyz()).isEqualTo(200);
    }

    @Test
    @Order(3)
    @DisplayName("Our client killed and started again: a new address (a new port at the NAT) on a new tunnel within "
            + "seconds, reached by the native host and reaching it")
    void clientRestarted() {
        client.process().kill();
        client = JmiredoClient.start(
                teredo.lab(), lan3, "jmiredo-client-lan3-again", OurServerBeside.PRIMARY, 0, METRICS, false);
        String before = address;
        address = client.awaitTeredoAddress(QUALIFY);
        JmiredoClient.awaitOnTunnel(lan3, address, QUALIFY);
        assertThat(address).isNotEqualTo(before);
        Ping.assertAnswered(lan3, NATIVE_HOST, RECOVERY);
        Ping.assertAnswered(v6, address, RECOVERY);
        assertThat(JmiredoRelay.loudLines(client.process()))
                .as("WARN/ERROR lines of our client")
                .isEmpty();
        assertThat(JmiredoRelay.loudLines(teredo.relay().process()))
                .as("WARN/ERROR lines of our relay")
                .isEmpty();
    }
}
