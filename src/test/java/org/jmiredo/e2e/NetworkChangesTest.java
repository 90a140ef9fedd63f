package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.Optional;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The network changes under our running relay while a Miredo client behind the NAT uses it: the tunnel's link set
 * down and up, its route deleted, the relay's IPv4 address removed and added back, the NAT renumbered (the client
 * requalifies with a new Teredo address).
 */
@Timeout(value = 120)
class NetworkChangesTest extends TeredoLabTest {
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** The relay checks its tunnel every 2 s (TunnelWatch); a loaded machine gets room beyond that. */
    private static final Duration REPAIR = Duration.ofSeconds(8);
    /** Miredo notices a lost mapping at its next qualification refresh; 5 s here, at most about 30 by RFC 4380. */
    private static final Duration REQUALIFY = Duration.ofSeconds(45);

    private static final String RENUMBERED_NAT_OUTSIDE = "198.51.100.21";

    /**
     * Found here: the kernel deletes the address and the route of a link set down, and up does not bring them
     * back; the relay ran on, /readyz 200, carrying nothing from the IPv6 side (Miredo's relay does the same).
     */
    @Test
    @Order(1)
    @DisplayName(
            "The tunnel set down and up under traffic: /readyz 503 while down, the route is put back, traffic flows again")
    void tunnelLinkFlap() {
        String client = teredo.teredoAddress(Host.LAN);
        Ping.awaitReply(v6(), client, WARM_UP);
        rly().ip("link", "set", "dev", TUN_NAME, "down");
        assertThat(rly().route6(TEREDO_PREFIX)).as("the kernel's doing").isEmpty();
        Poll.until("/readyz to say 503 while " + TUN_NAME + " is down", REPAIR, () -> readyz() == 503);

        rly().ip("link", "set", "dev", TUN_NAME, "up");
        Poll.until("the route for " + TEREDO_PREFIX + " to be back", REPAIR, () -> rly().route6(TEREDO_PREFIX)
                .contains("dev " + TUN_NAME));
        assertThat(rly().ip("-6", "addr", "show", "dev", TUN_NAME).output()).contains("inet6 fe80::ffff:ffff:ffff/64");
        // The watch says it serves once its check has put back both (address, then route): a moment after the
        // route shows, which a loaded host can stretch.
        Poll.until("/readyz to say 200 once the route is back", REPAIR, () -> readyz() == 200);
        Ping.assertAnswered(v6(), client, REPAIR);
        Ping.assertAnswered(teredo.ns(Host.LAN), NATIVE_HOST, REPAIR);
        assertThat(teredo.relay().process().output())
                .contains("tunnel interface " + TUN_NAME + " is down")
                .contains("put back its address fe80::ffff:ffff:ffff/64 and route " + TEREDO_PREFIX);
    }

    @Test
    @Order(2)
    @DisplayName("The tunnel's route deleted under traffic: the relay adds it again within seconds")
    void routeDeleted() {
        String client = teredo.teredoAddress(Host.LAN);
        Ping.awaitReply(v6(), client, WARM_UP);
        rly().ip("-6", "route", "del", TEREDO_PREFIX, "dev", TUN_NAME);
        Poll.until("the route for " + TEREDO_PREFIX + " to be back", REPAIR, () -> rly().route6(TEREDO_PREFIX)
                .contains("dev " + TUN_NAME));
        Ping.assertAnswered(v6(), client, REPAIR);
    }

    /** The relay binds its address: sends fail while it is gone (counted, not logged), and work when it is back. */
    @Test
    @Order(3)
    @DisplayName(
            "The relay's IPv4 address removed and added back under traffic: failed sends are counted, traffic flows again at once")
    void relayAddressRemovedAndAddedBack() {
        Ping.awaitReply(v6(), teredo.teredoAddress(Host.LAN), WARM_UP);
        String logBefore = teredo.relay().process().output();
        LabProcess ping = Ping.start(teredo.lab(), Host.V6, teredo.teredoAddress(Host.LAN), 30);
        Poll.sleep(1000);
        rly().ip("addr", "del", RELAY_V4 + V4_PREFIX_LEN, "dev", IF_V4);
        Poll.sleep(2000);
        rly().ip("addr", "add", RELAY_V4 + V4_PREFIX_LEN, "dev", IF_V4);
        Ping.Result during = Ping.result(ping, Duration.ofSeconds(30));
        teredo.lab().shell().note("pings across the address's absence: " + during);

        assertThat(during.received())
                .as("pings across 2 s without the address:\n%s", during.output())
                .isGreaterThanOrEqualTo(during.transmitted() / 2);
        String body = Metrics.scrape(rly(), JmiredoRelay.METRICS_LISTEN).body();
        assertThat(Metrics.sample(body, "jmiredo_dropped_packets_total{reason=\"udp_write_failed\"}"))
                .isPositive();
        assertThat(Metrics.sample(body, "jmiredo_dropped_packets_total{reason=\"internal_error\"}"))
                .isZero();
        assertThat(teredo.relay().process().output().substring(logBefore.length()))
                .as("nothing logged per failed send")
                .doesNotContain("WARN")
                .doesNotContain("ERROR");
        Ping.assertAnswered(teredo.ns(Host.LAN), NATIVE_HOST, REPAIR);
    }

    /** Last: the client's address changes for good. */
    @Test
    @Order(4)
    @DisplayName(
            "The NAT renumbered under a live client: it requalifies with a new Teredo address, which the relay serves both ways")
    void natRenumbered() {
        String before = teredo.teredoAddress(Host.LAN);
        Ping.awaitReply(v6(), before, WARM_UP);
        Netns nat = teredo.ns(Host.NAT);
        nat.ip("addr", "del", NAT_OUTSIDE + V4_PREFIX_LEN, "dev", IF_V4);
        nat.addAddress(IF_V4, RENUMBERED_NAT_OUTSIDE + V4_PREFIX_LEN);
        String after = Poll.value("a new Teredo address in lan", REQUALIFY, () -> {
            teredo.client(Host.LAN).assertAlive();
            String now = teredo.currentTeredoAddress(Host.LAN);
            return now.startsWith("2001:0:") && !now.equals(before) ? Optional.of(now) : Optional.empty();
        });
        teredo.lab().shell().note("lan requalified as " + after + " (was " + before + ")");

        assertThat(TeredoAddressView.parse(after).mappedIpv4()).isEqualTo(RENUMBERED_NAT_OUTSIDE);
        Ping.assertAnswered(teredo.ns(Host.LAN), NATIVE_HOST, WARM_UP);
        Ping.assertAnswered(v6(), after, WARM_UP);
    }

    private int readyz() {
        return Metrics.status(rly(), JmiredoRelay.METRICS_LISTEN, "/readyz");
    }

    private Netns rly() {
        return teredo.ns(Host.RLY);
    }

    private Netns v6() {
        return teredo.ns(Host.V6);
    }
}
