package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.NATIVE_HOST;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Netns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that only receives, end to end: Debian's Miredo client behind the lab's NAT gets 40 s of echo requests
 * from the native host through our relay, and its echo replies are dropped on its way out, so the relay hears
 * from it only through bubbles. Its trust (30 s after it was last heard, RFC 4380 §5.4.1) is renewed by the
 * relay's indirect bubble 5 s before it would lapse ({@code relay.trust-renewal}, R-5.4.1-c1), which Miredo's
 * client answers: no packet waits in a queue for a new handshake, and none is lost.
 */
@Timeout(value = 150)
class ReceiveOnlyPeerTest extends TeredoLabTest {
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** 200 requests 200 ms apart: 40 s, past the 30-s trust that would lapse without a renewal. */
    private static final int PINGS = 200;

    private static final Pattern DROPPED_REPLIES = Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s+DROP\\b", Pattern.MULTILINE);

    @Test
    void aClientThatOnlyReceivesKeepsItsTrustThroughTheRenewalBubble() {
        Netns v6 = teredo.ns(Host.V6);
        Netns lan = teredo.ns(Host.LAN);
        String lanAddress = teredo.teredoAddress(Host.LAN);
        Ping.awaitReply(v6, lanAddress, WARM_UP); // the handshake: the relay trusts the client from here
        lan.exec(
                        "ip6tables",
                        "-A",
                        "OUTPUT",
                        "-d",
                        NATIVE_HOST,
                        "-p",
                        "ipv6-icmp",
                        "--icmpv6-type",
                        "echo-reply",
                        "-j",
                        "DROP")
                .check();
        String before = relayMetrics();

        Ping.Result r = Ping.run(v6, lanAddress, PINGS);
        String after = relayMetrics();

        assertThat(r.transmitted()).as(r.output()).isEqualTo(PINGS);
        assertThat(droppedReplies(lan))
                .as("echo requests that reached the client (each reply dropped on its way out)")
                .isEqualTo(PINGS);
        assertThat(delta(before, after, "jmiredo_queued_packets_total"))
                .as("packets held for a new handshake while the client only received")
                .isZero();
        assertThat(delta(before, after, "jmiredo_bubbles_sent_total{kind=\"indirect\"}"))
                .as("the renewal's indirect bubble")
                .isPositive();
        assertThat(delta(before, after, "jmiredo_bubbles_received_total"))
                .as("Miredo's client answered the renewal")
                .isPositive();
        assertThat(delta(before, after, "jmiredo_dropped_packets_total{reason=\"queue_full\"}"))
                .isZero();
    }

    private String relayMetrics() {
        return Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN).body();
    }

    private static double delta(String before, String after, String series) {
        return Metrics.sample(after, series) - Metrics.sample(before, series);
    }

    private static long droppedReplies(Netns lan) {
        String listing =
                lan.exec("ip6tables", "-L", "OUTPUT", "-v", "-n", "-x").check().output();
        Matcher m = DROPPED_REPLIES.matcher(listing);
        assertThat(m.find()).as("the DROP rule in:\n%s", listing).isTrue();
        return Long.parseLong(m.group(1));
    }
}
