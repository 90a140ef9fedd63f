package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jmiredo.pipeline.RelayHarness.bubble;
import static org.jmiredo.pipeline.RelayHarness.ip;
import static org.jmiredo.pipeline.RelayHarness.ipv6;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.metrics.Counter;
import org.jmiredo.proto.Ipv6;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A relay bound to 0.0.0.0 with a further socket on one of the host's addresses (local address 1): a peer
 * that reached that address is answered through that socket, from that address, both when its answer
 * releases queued packets and when the tunnel has data for it later; bubbles to a server leave through the
 * main socket, whose source the route picks.
 */
class LocalAddressRepliesTest {
    static final long[] NATIVE = RelayRulesTest.NATIVE;
    static final long[] CLIENT = RelayRulesTest.CLIENT;
    static final InetSocketAddress SECONDARY = new InetSocketAddress(ip("198.51.100.4"), 3545);
    static final InetSocketAddress CLIENT_MAPPING = new InetSocketAddress(ip("198.51.100.20"), 40000);

    final RelayHarness relay = new RelayHarness();
    /** The socket bound to the secondary address, on the same event loop as the harness's main socket. */
    final EmbeddedChannel secondary = new EmbeddedChannel(false, false);

    @BeforeEach
    void addSecondarySocket() {
        relay.udp.eventLoop().register(secondary).syncUninterruptibly();
        relay.dataPath.initLocalChannel(secondary, 1);
    }

    @AfterEach
    void close() {
        drain(secondary).forEach(DatagramPacket::release);
        secondary.finishAndReleaseAll();
        relay.close();
    }

    @Test
    void answerArrivingOnTheSecondaryAddressIsAnsweredFromIt() {
        relay.readTun(ipv6(NATIVE, CLIENT, 16));
        DatagramPacket indirect = relay.sentUdp();
        assertThat(indirect.recipient())
                .as("the bubble goes to the server through the main socket")
                .isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544));
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();

        receiveOnSecondary(bubble(CLIENT, ours));

        List<DatagramPacket> released = drain(secondary);
        assertThat(released)
                .as("the queued packet leaves from the address the client reached")
                .hasSize(1);
        assertThat(released.getFirst().recipient()).isEqualTo(CLIENT_MAPPING);
        released.forEach(DatagramPacket::release);
        assertThat(relay.sentUdp()).as("nothing through the main socket").isNull();

        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        List<DatagramPacket> data = drain(secondary);
        assertThat(data)
                .as("later tunnel data to the trusted peer, same address")
                .hasSize(1);
        assertThat(data.getFirst().content().readableBytes()).isEqualTo(48);
        data.forEach(DatagramPacket::release);
        assertThat(relay.sentUdp()).isNull();
        assertThat(relay.count(Counter.UDP_TX_LOCAL_ADDRESS_GONE)).isZero();
    }

    @Test
    void peerThatMovesToTheMainSocketIsAnsweredThroughIt() {
        receiveOnSecondary(ipv6(CLIENT, NATIVE, 8)); // soft-state recovery: trusted at once, via local 1
        relay.tunWritten.forEach(ByteBuf::release);
        relay.tunWritten.clear();
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000); // now the main socket

        relay.readTun(ipv6(NATIVE, CLIENT, 8));

        DatagramPacket sent = relay.sentUdp();
        assertThat(sent).as("the latest address the peer reached wins").isNotNull();
        assertThat(sent.recipient()).isEqualTo(CLIENT_MAPPING);
        sent.release();
        assertThat(drain(secondary)).isEmpty();
    }

    @Test
    void addressGoneFallsBackToTheMainSocketAndIsCounted() {
        receiveOnSecondary(ipv6(CLIENT, NATIVE, 8));
        secondary.close().syncUninterruptibly(); // the address left the host: the transport closes its sockets

        relay.readTun(ipv6(NATIVE, CLIENT, 8));

        DatagramPacket sent = relay.sentUdp();
        assertThat(sent)
                .as("sent from the route's source rather than not at all")
                .isNotNull();
        assertThat(sent.recipient()).isEqualTo(CLIENT_MAPPING);
        sent.release();
        assertThat(relay.count(Counter.UDP_TX_LOCAL_ADDRESS_GONE)).isEqualTo(1);
        assertThat(relay.count(Counter.UDP_TX_PACKETS)).isEqualTo(1);
    }

    @Test
    void localChannelNeedsItsLoopWiredFirst() {
        EmbeddedChannel elsewhere = new EmbeddedChannel();
        try {
            assertThatThrownBy(() -> relay.dataPath.initLocalChannel(elsewhere, 2))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            elsewhere.finishAndReleaseAll();
        }
    }

    private void receiveOnSecondary(ByteBuf payload) {
        secondary.writeInbound(new DatagramPacket(payload, SECONDARY, CLIENT_MAPPING));
        secondary.runPendingTasks();
    }

    private static List<DatagramPacket> drain(EmbeddedChannel channel) {
        List<DatagramPacket> all = new ArrayList<>();
        DatagramPacket p;
        while ((p = channel.readOutbound()) != null) {
            all.add(p);
        }
        return all;
    }
}
