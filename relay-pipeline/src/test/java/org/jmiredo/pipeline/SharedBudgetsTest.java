package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.pipeline.RelayHarness.ip;
import static org.jmiredo.pipeline.RelayHarness.ipv6;
import static org.jmiredo.pipeline.RelayHarness.teredo;
import static org.jmiredo.pipeline.RelayHarness.v6;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.engine.UnknownPeerPolicy;
import org.jmiredo.metrics.Counter;
import org.jmiredo.peer.PeerTableSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code icmp.errors-per-second} and {@code relay.unknown-bubbles-per-second} are the relay's bounds whatever the
 * number of event loops: two loops (two embedded channels, each its own loop) share each budget exactly. Before,
 * each loop had its share rounded up, so with two loops 1 a second allowed 2, and a flow on one loop got only 2
 * of 3.
 */
class SharedBudgetsTest {
    private static final long[] NATIVE = v6("2001:db8:6::20");

    private int now = 1_000;
    private RelayDataPath path;
    private final EmbeddedChannel[] udp = {new EmbeddedChannel(), new EmbeddedChannel()};
    private final List<List<ByteBuf>> tun = List.of(new ArrayList<>(), new ArrayList<>());

    private void start(int icmpPerSecond, int unknownPerSecond) {
        path = new RelayDataPath(settings(icmpPerSecond, unknownPerSecond), PeerTableSettings.defaults(), () -> now);
        for (int i = 0; i < 2; i++) {
            List<ByteBuf> written = tun.get(i);
            path.initUdpChannel(udp[i], packet -> written.add(packet.copy()));
        }
        assertThat(path.counters()).as("one path per loop").hasSize(2);
    }

    private static RelaySettings settings(int icmpPerSecond, int unknownPerSecond) {
        return new RelaySettings(
                0x2001_0000, false, UnknownPeerPolicy.ACCEPT_MATCHING, icmpPerSecond, 5, unknownPerSecond);
    }

    @AfterEach
    void close() {
        tun.forEach(list -> list.forEach(ByteBuf::release));
        for (EmbeddedChannel channel : udp) {
            channel.finishAndReleaseAll();
        }
        if (path != null) {
            path.close();
        }
    }

    /** {@code count} packets to native destinations nobody can reach, read from loop {@code loop}'s tunnel queue. */
    private void unreachable(int loop, int count) {
        var receiver = path.tunReceiver(udp[loop], p -> true);
        for (int i = 0; i < count; i++) {
            receiver.packetRead(ipv6(NATIVE, v6("2001:db8:7::" + (i + 1)), 8));
        }
        receiver.readComplete();
    }

    private long errors() {
        return tun.get(0).size() + tun.get(1).size();
    }

    private long count(Counter counter) {
        return path.counters().stream().mapToLong(c -> c.get(counter)).sum();
    }

    @Test
    void oneFlowOnOneLoopGetsTheWholeIcmpBudget() {
        start(3, 500);
        unreachable(0, 10);
        assertThat(tun.get(0)).as("the setting, not a loop's share").hasSize(3);
        assertThat(count(Counter.ICMP_ERRORS_RATE_LIMITED)).isEqualTo(7);
    }

    @Test
    void theLoopsTogetherNeverSendMoreIcmpErrorsThanTheSetting() {
        start(1, 500);
        unreachable(0, 5);
        unreachable(1, 5);
        assertThat(errors()).as("one a second for the whole relay").isEqualTo(1);

        now++;
        unreachable(1, 5);
        unreachable(0, 5);
        assertThat(tun.get(1))
                .as("the next second's one, to the loop that asked first")
                .hasSize(1);
        assertThat(errors()).isEqualTo(2);
        assertThat(count(Counter.ICMP_ERRORS_RATE_LIMITED)).isEqualTo(18);
    }

    @Test
    void aReloadChangesTheSharedRate() {
        start(1, 500);
        path.update(settings(4, 500));
        for (EmbeddedChannel channel : udp) {
            channel.runPendingTasks(); // each loop applies it on its own thread
        }
        unreachable(0, 3);
        unreachable(1, 3);
        assertThat(errors()).as("four a second now, for both loops together").isEqualTo(4);

        path.update(settings(0, 500));
        for (EmbeddedChannel channel : udp) {
            channel.runPendingTasks();
        }
        now++;
        unreachable(0, 3);
        unreachable(1, 3);
        assertThat(errors()).as("0 sends none").isEqualTo(4);
    }

    @Test
    void theLoopsTogetherNeverSendMoreUnknownBubblesThanTheSetting() {
        start(10, 3);
        // Data from distinct Teredo peers without an entry, each from a mapping its address does not embed (a
        // symmetric NAT after a restart): each may be bubbled once, within the relay's budget.
        int peer = 0;
        for (int round = 0; round < 3; round++) {
            for (int loop = 0; loop < 2; loop++) {
                long[] client = teredo("198.51.100.1", 0, "198.51.100.20", 40_000 + peer++);
                udp[loop].writeInbound(new DatagramPacket(
                        ipv6(client, NATIVE, 8),
                        RelayHarness.RELAY,
                        new InetSocketAddress(ip("198.51.100.20"), 50_000)));
            }
        }
        int bubbles = 0;
        for (EmbeddedChannel channel : udp) {
            DatagramPacket sent;
            while ((sent = channel.readOutbound()) != null) {
                assertThat(sent.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544));
                sent.release();
                bubbles++;
            }
        }
        assertThat(bubbles)
                .as("three a second for the whole relay, not two per loop")
                .isEqualTo(3);
        assertThat(count(Counter.BUBBLES_UNKNOWN_OVER_BUDGET)).isEqualTo(3);
    }
}
