package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our relay on a multi-homed host, bound to 0.0.0.0: rly gets a second address, 198.51.100.4, and its route
 * to the Teredo server leaves from it while the route to the NAT leaves from 198.51.100.3. So the server tells
 * the client (origin indication of the relay's indirect bubble) to reach the relay at 198.51.100.4, and the
 * Linux NAT in front of the client, which like a port-restricted cone admits only datagrams from the address
 * and port its client sent to, drops anything the relay sends from 198.51.100.3. First with the per-address
 * sockets turned off (Miredo's behaviour): the relay hears the client and answers, but from the route's
 * source, and nothing gets through. Then with them (the default): pings and TCP cross the relay.
 */
@Timeout(value = 150)
class MultiHomedRelayTest extends TeredoLabTest {
    static final String RELAY_SECONDARY = "198.51.100.4";
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    private static final Duration TRANSFER = Duration.ofSeconds(5);
    private static final String WILDCARD = "jmiredo.relay.bind-address = \"0.0.0.0\"\n";
    /** The NAT's entry for the client's flow to the relay's secondary address. */
    private static final Pattern FLOW_TO_SECONDARY = Pattern.compile("udp .*src=" + Pattern.quote(LAN_CLIENT) + " dst="
            + Pattern.quote(RELAY_SECONDARY) + " sport=\\d+ dport=" + RELAY_PORT + " ");

    private JmiredoRelay relay;

    @BeforeAll
    void addASecondAddress() {
        relay = (JmiredoRelay) teredo.relay();
        relay.stop();
        Netns rly = teredo.ns(Host.RLY);
        rly.addAddress(IF_V4, RELAY_SECONDARY + V4_PREFIX_LEN); // a secondary address: 198.51.100.3 stays the source
        for (String server : new String[] {SERVER_PRIMARY, SERVER_SECONDARY}) {
            rly.ip("route", "add", server + "/32", "dev", IF_V4, "src", RELAY_SECONDARY);
        }
    }

    @Test
    @Order(1)
    @DisplayName("Without per-address sockets the relay answers from the route's source and the NAT drops it all")
    void routesSourceIsDroppedByThePortRestrictedNat() {
        relay.configure(WILDCARD + "jmiredo.transport.local-address-refresh = 0\n");
        relay.start();

        Ping.Result pings = Ping.run(teredo.ns(Host.LAN), NATIVE_HOST, 30); // 6 s of relay discovery and retries
        String metrics = scrape();

        assertThat(pings.received()).as(pings.toString()).isZero();
        assertThat(natTable())
                .as("the client reached the relay's secondary address")
                .containsPattern(FLOW_TO_SECONDARY);
        assertThat(Metrics.sample(metrics, "jmiredo_bubbles_received_total"))
                .as("the client's answers to our bubbles")
                .isPositive();
        assertThat(Metrics.sample(metrics, "jmiredo_queue_released_packets_total"))
                .as("the relay did answer")
                .isPositive();
    }

    @Test
    @Order(2)
    @DisplayName("With them (the default) pings both ways and TCP both ways cross the relay")
    void answersFromTheAddressTheClientReached() {
        relay.stop();
        relay.configure(WILDCARD);
        relay.start();

        Ping.awaitReply(teredo.ns(Host.LAN), NATIVE_HOST, WARM_UP);
        assertThat(Ping.run(teredo.ns(Host.LAN), NATIVE_HOST, 5).received()).isGreaterThanOrEqualTo(4);
        Ping.awaitReply(teredo.ns(Host.V6), teredo.teredoAddress(Host.LAN), WARM_UP);
        assertThat(Ping.run(teredo.ns(Host.V6), teredo.teredoAddress(Host.LAN), 5)
                        .received())
                .isGreaterThanOrEqualTo(4);
        for (boolean reverse : new boolean[] {false, true}) {
            Iperf.Throughput throughput = Iperf.run(teredo.lab(), Host.LAN, NATIVE_HOST, reverse, TRANSFER);
            System.out.printf(
                    Locale.ROOT,
                    "[e2e multi-homed relay] %s: %.1f Mbit/s%n",
                    reverse ? "v6->lan" : "lan->v6",
                    throughput.mbitPerSecond());
            assertThat(throughput.mbitPerSecond()).as(throughput.toString()).isGreaterThan(1.0);
        }
        assertThat(natTable()).containsPattern(FLOW_TO_SECONDARY);
        assertThat(Metrics.sample(scrape(), "jmiredo_udp_local_address_gone_total"))
                .isZero();
    }

    private String natTable() {
        return teredo.ns(Host.NAT).exec("cat", "/proc/net/nf_conntrack").check().output();
    }

    private String scrape() {
        return Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
    }
}
