package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.NATIVE_HOST;

import java.time.Duration;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The range a relay serves, end to end (RFC 4380 §5.4.2, CONFORMANCE R-5.4.2-dst): Debian's Miredo client behind
 * the lab's NAT pings the native host's 2001:db8:6::20 and an address outside the native link, 2001:db8:99::1
 * (on the native host's loopback, routed to it from the relay's and the server's hosts). With the default range
 * both are answered through our relay; after a SIGHUP that makes it serve 2001:db8:6::/64 only, the first still
 * is, the second is not, and each echo request towards it is counted as {@code destination_out_of_range}.
 */
@Timeout(value = 120)
class ServedRangeTest extends TeredoLabTest {
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    private static final String OUTSIDE = "2001:db8:99::1";
    private static final int PINGS = 5;
    private static final Pattern RELOADED = Pattern.compile("configuration reloaded");

    @BeforeAll
    void wireTheOutsideAddress() {
        teredo.ns(Host.V6).addAddress6("lo", OUTSIDE + "/128");
        // The relay's host forwards the client's packets to it; the server's forwards the client's echo test.
        teredo.ns(Host.RLY).addRoute("2001:db8:99::/48", NATIVE_HOST);
        teredo.ns(Host.SRV).addRoute("2001:db8:99::/48", NATIVE_HOST);
    }

    @Test
    @DisplayName(
            "R-5.4.2-dst: serving 2001:db8:6::/64 (set by SIGHUP), a Miredo client's pings to 2001:db8:6::20 are answered, those to 2001:db8:99::1 dropped as destination_out_of_range")
    void aRelayServingAPrefixDropsWhatIsOutsideIt() {
        Netns lan = teredo.ns(Host.LAN);
        Ping.awaitReply(lan, NATIVE_HOST, WARM_UP);
        // The default range (every global destination but fc00::/7) serves the outside address too: the lab is
        // wired right, and the client has found our relay for it.
        Ping.awaitReply(lan, OUTSIDE, WARM_UP);
        assertThat(drops(scrape())).as("drops before the range was set").isZero();

        LabProcess relay = teredo.relay().process();
        ((JmiredoRelay) teredo.relay()).reload("jmiredo.relay.served-prefixes = [\"2001:db8:6::/64\"]\n");
        relay.awaitOutput(RELOADED, Duration.ofSeconds(10));
        // Logged once every loop was handed the new range; the loop of the client's flow takes it between two
        // packets, so the first may still pass: single pings until one is dropped.
        Poll.until(
                "a ping to " + OUTSIDE + " dropped as destination_out_of_range",
                Duration.ofSeconds(15),
                () -> Ping.run(lan, OUTSIDE, 1).received() == 0 && drops(scrape()) >= 1);
        double before = drops(scrape());

        Ping.Result outside = Ping.run(lan, OUTSIDE, PINGS);
        String after = Poll.settled(Duration.ofSeconds(10), this::scrape, body -> drops(body) - before >= PINGS);
        Ping.Result inside = Ping.run(lan, NATIVE_HOST, PINGS);

        assertThat(outside.received())
                .as("answers from outside the range: %s", outside.output())
                .isZero();
        assertThat(drops(after) - before).as("destination_out_of_range drops").isEqualTo(PINGS);
        assertThat(inside.received())
                .as("answers from inside the range: %s", inside.output())
                .isGreaterThanOrEqualTo(PINGS - 1);
        assertThat(JmiredoRelay.loudLines(relay))
                .as("nothing logged per packet")
                .hasSizeLessThanOrEqualTo(5);
    }

    private String scrape() {
        return Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
    }

    private static double drops(String body) {
        return Metrics.sample(body, "jmiredo_dropped_packets_total{reason=\"destination_out_of_range\"}");
    }
}
