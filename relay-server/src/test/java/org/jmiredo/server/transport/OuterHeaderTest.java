package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.UdpSender;
import org.jmiredo.server.sys.Privileges;
import org.jmiredo.server.sys.RawUdpCapture;
import org.junit.jupiter.api.Test;

/** The outer IPv4 header of every Teredo datagram, as the UDP sockets of every role (UdpBinder) set it. */
class OuterHeaderTest {
    @Test
    void noDontFragmentAndNoEcn_R_5_1_2_df_R9601_6_1_3_ecn() throws Exception {
        TransportKind kind = TransportKind.detect();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, kind.ioHandlerFactory());
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channelFactory(kind.datagramChannelFactory())
                    .handler(new ChannelInboundHandlerAdapter());
            DatagramOptions.apply(bootstrap, kind, TransportSettings.defaults());
            Channel channel =
                    bootstrap.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

            // RFC 9601 §6.1.3: an encapsulator that does not propagate ECN zeroes the outer ECN bits; we never
            // copy the inner traffic class out, and the socket's TOS (DSCP and ECN) stays 0.
            assertThat(channel.config().getOption(ChannelOption.IP_TOS)).isZero();
            if (kind == TransportKind.EPOLL) {
                // RFC 4380 §5.1.2: IP_PMTUDISC_OMIT, so the kernel never sets DF (nor takes a learned path MTU).
                assertThat(channel.config().getOption(DatagramOptions.IP_MTU_DISCOVER))
                        .isEqualTo(DatagramOptions.IP_PMTUDISC_OMIT);
            }
            channel.close().sync();
        } finally {
            group.shutdownGracefully().sync();
        }
    }

    /**
     * The same two rows on the wire: an IPv6 packet whose traffic class is 0xFF (DSCP 63, ECN CE) sent by the
     * relay's sender (sendmmsg for a direct buffer, Netty's write for a heap one) leaves in IPv4 datagrams whose
     * TOS is 0 and whose DF flag is clear, as a raw socket on the receiving side reads them (R-5.1.2-df,
     * R9601-6.1.3-ecn: nothing of the inner traffic class is copied out).
     */
    @Test
    void onTheWireNoDontFragmentAndNoEcnWhateverTheInnerTrafficClass() throws Exception {
        Privileges.assumeNetAdmin(); // root: the raw socket needs CAP_NET_RAW
        EventLoopGroup group = Transport.newGroup(TransportKind.EPOLL, 1);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                RawUdpCapture capture = RawUdpCapture.open(receiver.getLocalPort())) {
            Channel channel = relaySocket(group);
            DataPathCounters counters = new DataPathCounters();
            channel.eventLoop()
                    .submit(() -> {
                        UdpSender sender = MmsgUdpSender.factory(new UdpGso(UdpGsoMode.OFF))
                                .create(channel, counters);
                        sender.add(
                                ipv6WithTrafficClassFf(PooledByteBufAllocator.DEFAULT.directBuffer(1280)),
                                0x7F00_0001,
                                receiver.getLocalPort(),
                                null);
                        sender.add(
                                ipv6WithTrafficClassFf(Unpooled.buffer(1280)),
                                0x7F00_0001,
                                receiver.getLocalPort(),
                                null);
                        sender.flush();
                    })
                    .get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 2; i++) {
                byte[] datagram = capture.next(10);
                assertThat(datagram).as("datagram %d captured", i).isNotNull();
                assertThat(datagram[1] & 0xFF).as("TOS: DSCP and ECN").isZero();
                assertThat((datagram[6] & 0xFF) << 8 & 0x4000).as("DF").isZero();
                assertThat(datagram.length).isEqualTo(20 + 8 + 1280);
            }
            assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * R-5.2.4-g4def, R-5.4.1-g4: a directed broadcast of an attached subnet is not global unicast, and no check
     * of ours knows the host's subnets: the kernel refuses it (EACCES) because our sockets never set SO_BROADCAST.
     * Shown with lo's 127.255.255.255 (127/8 is attached): counted as udp_write_failed, nothing on the wire,
     * while a unicast datagram right after it leaves.
     */
    @Test
    void aDirectedBroadcastOfAnAttachedSubnetNeverLeaves() throws Exception {
        Privileges.assumeNetAdmin(); // root: the raw socket needs CAP_NET_RAW
        EventLoopGroup group = Transport.newGroup(TransportKind.EPOLL, 1);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                RawUdpCapture capture = RawUdpCapture.open(receiver.getLocalPort())) {
            Channel channel = relaySocket(group);
            assertThat(channel.config().getOption(ChannelOption.SO_BROADCAST)).isFalse();
            DataPathCounters counters = new DataPathCounters();
            int port = receiver.getLocalPort();
            channel.eventLoop()
                    .submit(() -> {
                        UdpSender sender = MmsgUdpSender.factory(new UdpGso(UdpGsoMode.OFF))
                                .create(channel, counters);
                        sender.add(
                                ipv6WithTrafficClassFf(PooledByteBufAllocator.DEFAULT.directBuffer(1280)),
                                0x7FFF_FFFF,
                                port,
                                null);
                        sender.flush();
                        sender.add(
                                ipv6WithTrafficClassFf(PooledByteBufAllocator.DEFAULT.directBuffer(1280)),
                                0x7F00_0001,
                                port,
                                null);
                        sender.flush();
                    })
                    .get(10, TimeUnit.SECONDS);
            byte[] first = capture.next(10);
            assertThat(first).as("the unicast datagram").isNotNull();
            assertThat(first[19] & 0xFF)
                    .as("its destination's last byte: 127.0.0.1, not .255")
                    .isEqualTo(1);
            assertThat(capture.next(1)).as("nothing else").isNull();
            assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(1);
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** A UDP socket on 127.0.0.1 with the options the relay's sockets get. */
    private static Channel relaySocket(EventLoopGroup group) throws InterruptedException {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channelFactory(TransportKind.EPOLL.datagramChannelFactory())
                .handler(new ChannelInboundHandlerAdapter());
        DatagramOptions.apply(bootstrap, TransportKind.EPOLL, TransportSettings.defaults());
        return bootstrap.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** A 1280-byte IPv6 packet (no next header) with traffic class 0xFF. */
    private static ByteBuf ipv6WithTrafficClassFf(ByteBuf buf) {
        return buf.writeInt(0x6FF0_0000)
                .writeShort(1240)
                .writeByte(59)
                .writeByte(64)
                .writeZero(1280 - 8);
    }
}
