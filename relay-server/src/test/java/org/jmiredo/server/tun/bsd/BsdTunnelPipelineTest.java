package org.jmiredo.server.tun.bsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.server.tun.linux.EchoPackets.echoRequest;
import static org.jmiredo.server.tun.linux.EchoPackets.v6;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.pipeline.RelayDataPath;
import org.jmiredo.server.tun.linux.EchoPackets;
import org.jmiredo.server.tun.linux.TunQueueOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The BSD tunnel under the real relay data path, on real fds: a socketpair as the tunnel (its relay end on an epoll
 * loop, as the daemon's is on kqueue) and a UDP channel on loopback on the same loop, wired as the transport wires
 * them. A packet from the native side to a destination outside the Teredo prefix makes the relay answer ICMPv6
 * address unreachable back into the tunnel (RFC 4380 §5.4.1, as Miredo), so a whole round trip, read, framing,
 * rules and framed write, runs without a datagram leaving loopback.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BsdTunnelPipelineTest {
    private static final int ICMPV6_DESTINATION_UNREACHABLE = 1;
    private static final int ADDRESS_UNREACHABLE = 3;

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final IoEventLoop loop = (IoEventLoop) group.next();
    private SocketPairTunnel pair;
    private RelayDataPath dataPath;
    private AfFramedQueue queue;
    private Channel udp;

    @AfterEach
    void tearDown() throws Exception {
        if (queue != null) {
            queue.closeAsync().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (udp != null) {
            udp.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (dataPath != null) {
            dataPath.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void aNativePacketOutsideThePrefixIsAnsweredThroughTheFramedTunnelAndOtherFamiliesAreCounted() throws Exception {
        pair = new SocketPairTunnel();
        queue = pair.tunnel(BsdFlavor.FREEBSD, new TunQueueOptions(64, 8, 1280));
        dataPath = new RelayDataPath(RelaySettings.defaults(), PeerTableSettings.defaults(), Clock.monotonic());
        udp = new Bootstrap()
                .group(loop)
                .channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        dataPath.initUdpChannel(channel, queue);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        assertThat(queue.register(loop, dataPath.tunReceiver(udp, queue), udp.alloc())
                        .awaitUninterruptibly(5, TimeUnit.SECONDS))
                .isTrue();

        byte[] ping = echoRequest(v6("2001:db8:6::20"), v6("2001:db8:7::1"), 9, 1, new byte[32]);
        pair.send(BsdFlavor.AF_INET, ping);
        pair.send(BsdFlavor.FREEBSD.afInet6(), ping);

        byte[] answer = pair.receive(10_000);
        assertThat(answer).as("an answer came back into the tunnel").isNotNull();
        ByteBuf frame = Unpooled.wrappedBuffer(answer);
        assertThat(frame.readInt()).as("its header: FreeBSD's AF_INET6").isEqualTo(28);
        assertThat(EchoPackets.icmpType(frame)).isEqualTo(ICMPV6_DESTINATION_UNREACHABLE);
        assertThat(frame.getUnsignedByte(frame.readerIndex() + 41)).isEqualTo((short) ADDRESS_UNREACHABLE);
        assertThat(EchoPackets.destination(frame)).isEqualTo(v6("2001:db8:6::20"));
        // The IPv4 frame came first, on the same loop: counted before the answer was written.
        DataPathCounters counters = dataPath.counters().getFirst();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counters.dropped(DropReason.DESTINATION_NOT_TEREDO) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5); // the loop's counters are read here without a lock: wait until the last one shows
        }
        assertThat(counters.dropped(DropReason.TUN_NOT_IPV6)).isEqualTo(1);
        assertThat(counters.dropped(DropReason.DESTINATION_NOT_TEREDO)).isEqualTo(1);
    }
}
