package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import org.jmiredo.e2e.lab.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our relay behind the lab's NAT (Linux MASQUERADE, which filters like a port-restricted cone), with
 * {@code relay.type = restricted} and bound to 0.0.0.0 (its address is private), serving the public Miredo
 * client: the case Miredo's {@code RelayType restricted} is for.
 */
@Timeout(value = 120)
class RelayBehindNatTest extends TeredoLabTest {
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** On the NAT's LAN beside the lan client; the NAT masquerades it as NAT_OUTSIDE. */
    private static final String RELAY_PRIVATE = "192.168.77.3";

    /** Runs once the lab is up. */
    @BeforeAll
    @Timeout(value = 120)
    void putTheRelayBehindTheNat() {
        JmiredoRelay relay = (JmiredoRelay) teredo.relay();
        relay.stop();
        moveRelayBehindTheNat();
        relay.configure("jmiredo.relay.bind-address = \"0.0.0.0\"\njmiredo.relay.type = restricted\n");
        relay.start();
    }

    /** The relay's IPv4 link moves from the "Internet" bridge to the NAT's LAN; its IPv6 side stays. */
    private void moveRelayBehindTheNat() {
        Netns rly = teredo.ns(Host.RLY);
        teredo.ns(Host.HUB).ip("link", "set", Host.RLY.id() + "-" + IF_V4.substring(3), "master", BR_LAN);
        rly.ip("addr", "flush", "dev", IF_V4);
        rly.addAddress(IF_V4, RELAY_PRIVATE + V4_PREFIX_LEN);
        rly.addRoute("default", NAT_INSIDE);
        rly.awaitReach(SERVER_PRIMARY, Duration.ofSeconds(10));
    }

    /**
     * Found here: our restricted relay sent its direct bubble after the indirect one. The client's answer to the
     * indirect bubble reached the NAT first, and Linux then mapped the direct bubble to another port than the
     * one the client answered to: nothing passed, where Miredo's restricted relay served the client.
     */
    @Test
    @DisplayName("A restricted relay behind a NAT serves the public Miredo client both ways (direct bubble first)")
    void servesThePublicClient() {
        Ping.assertAnswered(teredo.ns(Host.CLI), NATIVE_HOST, WARM_UP);
        Ping.assertAnswered(teredo.ns(Host.V6), teredo.teredoAddress(Host.CLI), WARM_UP);
        String body =
                Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
        assertThat(Metrics.sample(body, "jmiredo_bubbles_sent_total{kind=\"direct\"}"))
                .isPositive();
    }
}
