package org.jmiredo.pipeline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.*;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmiredo.metrics.Counter;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.pipeline.ChannelUdpSender;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Teredo;
import org.jmiredo.testing.TrackingAllocator;
import org.jmiredo.tun.TunReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A qualified client's real channel and tunnel path when a refresh finds a new NAT mapping (R-5.2.5-mapping):
 * the peers trusted under the old address are forgotten, so the next packet to one of them waits for bubbles
 * from the new mapping instead of going out at once to a NAT that was opened for the old one (Miredo resets
 * its peer list on every new address). A refresh that finds the same mapping keeps them.
 */
class ClientNewMappingTest {
    private static final InetSocketAddress LOCAL = new InetSocketAddress(ip("192.168.77.2"), 40000);
    private static final InetSocketAddress PEER = new InetSocketAddress(ip("198.51.100.10"), 3545);

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final EmbeddedChannel udp = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
    private final ServerSide server = new ServerSide(allocator);
    private final List<ByteBuf> tunWrites = new ArrayList<>();
    private final ClientDataPath path;
    private final TunReceiver tun;
    private long millis = 5_000_000;
    private int now = 1_000;
    private final RecordingStatus status = new RecordingStatus();

    ClientNewMappingTest() throws Exception {
        udp.config().setAllocator(allocator);
        path = new ClientDataPath(
                ServerSide.SETTINGS,
                status,
                new PeerTableSettings(64, 1, 300, 4096, 8),
                10,
                () -> now,
                () -> millis,
                ChannelUdpSender::new);
        udp.pipeline().addLast(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) { // as the transport does: registered, not yet active
                path.initUdpChannel(channel, packet -> tunWrites.add(packet.copy()));
            }
        });
        udp.register();
        udp.freezeTime();
        tun = path.tunReceiver(udp, packet -> true);
        server.qualify(udp);
    }

    @AfterEach
    void release() {
        tunWrites.forEach(ByteBuf::release);
        udp.finishAndReleaseAll();
        path.close();
        allocator.assertAllReleased();
    }

    @Test
    void r525MappingANewMappingForgetsThePeersTrustedUnderTheOldAddress() {
        long[] first = status.address;
        trustPeerAndRefresh(NAT_PORT + 1);
        assertThat(status.address).as("a new address").isNotEqualTo(first);

        List<DatagramPacket> sent = fromTunnelToPeer();
        assertThat(sent)
                .as("a direct and an indirect bubble, no data")
                .hasSize(2)
                .allSatisfy(
                        d -> assertThat(Ipv6.isBubble(d.content(), d.content().readerIndex()))
                                .isTrue());
        assertThat(counter(Counter.QUEUED_PACKETS))
                .as("the packet waits for the peer's answer")
                .isOne();
        assertThat(path.peers().size()).as("only the peer just asked for").isOne();
        sent.forEach(DatagramPacket::release);
    }

    @Test
    void r525MappingTheSameMappingKeepsItsPeers() {
        long[] first = status.address;
        trustPeerAndRefresh(NAT_PORT);
        assertThat(status.address).isEqualTo(first);

        List<DatagramPacket> sent = fromTunnelToPeer();
        assertThat(sent).as("the data, at once").hasSize(1);
        assertThat(sent.getFirst().recipient()).isEqualTo(PEER);
        assertThat(Ipv6.isBubble(
                        sent.getFirst().content(), sent.getFirst().content().readerIndex()))
                .isFalse();
        sent.forEach(DatagramPacket::release);
    }

    /**
     * The Teredo peer CLIENT2 sends us data from its own mapping (trusted, R-5.2.3-c3); the refresh RS leaves, the
     * peer is heard from again, and the server's RA shows the NAT mapped us to {@code natPort}.
     */
    private void trustPeerAndRefresh(int natPort) {
        fromPeer();
        assertThat(tunWrites).as("the peer's packet delivered").hasSize(1);
        now += 31;
        millis += 31_000;
        udp.advanceTimeBy(31, TimeUnit.SECONDS);
        udp.runPendingTasks();
        DatagramPacket rs = udp.readOutbound();
        assertThat(rs).as("the refresh RS").isNotNull();
        ByteBuf ra = server.answer(rs.content(), ipv4(PRIMARY), natPort);
        rs.release();
        fromPeer(); // heard within the last 30 s when the RA comes
        udp.writeInbound(new DatagramPacket(ra, LOCAL, SocketAddresses.of(ipv4(PRIMARY), Teredo.SERVICE_PORT)));
        assertThat((Object) udp.readOutbound()).as("nothing else sent").isNull();
    }

    private void fromPeer() {
        udp.writeInbound(new DatagramPacket(ipv6(CLIENT2, status.address, 17, 64, 8), LOCAL, PEER));
    }

    private List<DatagramPacket> fromTunnelToPeer() {
        long before = counter(Counter.QUEUED_PACKETS);
        tun.packetRead(ipv6(status.address, CLIENT2, 17, 64, 8));
        tun.readComplete();
        assertThat(counter(Counter.QUEUED_PACKETS) - before).isLessThanOrEqualTo(1);
        List<DatagramPacket> sent = new ArrayList<>();
        for (Object msg; (msg = udp.readOutbound()) != null; ) {
            sent.add((DatagramPacket) msg);
        }
        return sent;
    }

    private long counter(Counter which) {
        return path.counters().getFirst().get(which);
    }
}
