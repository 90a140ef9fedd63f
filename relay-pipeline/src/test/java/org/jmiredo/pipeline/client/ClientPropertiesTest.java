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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jmiredo.engine.Clock;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.pipeline.ChannelUdpSender;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.testing.TrackingAllocator;

/**
 * Datagrams built from hostile parts (any sender, origin indication or not, any addresses, bubbles, echo
 * messages, RAs, other next headers, cut or padded, raw bytes) through a qualified client's real channel.
 * Whatever comes in: the client never fails internally, releases the datagram and everything it allocated,
 * writes into the tunnel only packets for its own address, and answers with at most two datagrams, never to a
 * non-global IPv4 (R-5.2.3-format, R-5.2.3-dst, R-5.2.4-g4, R-5.2.6).
 */
class ClientPropertiesTest {
    static final String[] SENDERS = {
        PRIMARY, SECONDARY, NAT, RELAY, "198.51.100.30", "10.1.2.3", "192.88.99.1", "203.0.113.7"
    };
    static final int[] PORTS = {3544, 3545, NAT_PORT, 50000, 0};
    static final int[] NEXT_HEADERS = {59, 58, 58, 58, 17, 6};
    static final int[] ICMP_TYPES = {128, 129, 134, 1, 133};

    private final RecordingStatus status = new RecordingStatus();

    private long[] address(int which) {
        return switch (which) {
            case 0, 1 -> status.address;
            case 2 -> NATIVE;
            case 3 -> teredo("203.0.113.120", 0, "198.51.100.30", 50000);
            case 4 -> CLIENT2;
            case 5 -> v6("fe80::1");
            case 6 -> v6("ff02::1");
            case 7 -> teredo(PRIMARY, 0, "10.0.0.1", 40000);
            default -> v6("::1");
        };
    }

    @Property(tries = 400)
    void anyDatagramIsReleasedDeliveredOnlyToUsAndAnsweredBoundedly(
            @ForAll @IntRange(max = 7) int sender,
            @ForAll @IntRange(max = 4) int port,
            @ForAll boolean origin,
            @ForAll @IntRange(max = 7) int originSender,
            @ForAll @IntRange(max = 4) int originPort,
            @ForAll @IntRange(max = 8) int src,
            @ForAll @IntRange(max = 8) int dst,
            @ForAll @IntRange(max = 5) int nextHeader,
            @ForAll @IntRange(max = 4) int icmpType,
            @ForAll @IntRange(max = 64) int dataLength,
            @ForAll @IntRange(max = 50) int cut,
            @ForAll @Size(max = 60) byte[] raw,
            @ForAll boolean asRaw)
            throws Exception {
        TrackingAllocator allocator = new TrackingAllocator();
        EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        channel.config().setAllocator(allocator);
        List<ByteBuf> tun = new ArrayList<>();
        ClientDataPath dataPath = new ClientDataPath(
                ServerSide.SETTINGS,
                status,
                new PeerTableSettings(64, 1, 60, 4096, 8),
                10,
                Clock.monotonic(),
                ChannelUdpSender::new);
        channel.pipeline().addLast(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel udp) { // as the transport does: registered, not yet active
                dataPath.initUdpChannel(udp, packet -> tun.add(packet.copy()));
            }
        });
        channel.register();
        try {
            new ServerSide(allocator).qualify(channel);
            assertThat(status.address).as("qualified").isNotNull();
            ByteBuf datagram = asRaw
                    ? channel.alloc().heapBuffer().writeBytes(raw)
                    : build(address(src), address(dst), nextHeader, icmpType, dataLength);
            if (!asRaw && origin) {
                datagram = withOrigin(datagram, SENDERS[originSender], PORTS[originPort]);
            }
            datagram.writerIndex(Math.max(datagram.readerIndex(), datagram.writerIndex() - cut % 8));
            channel.writeInbound(new DatagramPacket(
                    datagram,
                    new InetSocketAddress(ip("192.168.77.2"), 40000),
                    new InetSocketAddress(ip(SENDERS[sender]), PORTS[port])));

            assertThat(datagram.refCnt()).as("released").isZero();
            assertThat(dataPath.counters().getFirst().dropped(DropReason.INTERNAL_ERROR))
                    .isZero();
            assertThat(tun.size()).isLessThanOrEqualTo(1);
            for (ByteBuf packet : tun) {
                assertThat(Ipv6.dstHi(packet, 0)).isEqualTo(status.address[0]);
                assertThat(Ipv6.dstLo(packet, 0)).isEqualTo(status.address[1]);
            }
            List<DatagramPacket> sent = new ArrayList<>();
            for (Object msg; (msg = channel.readOutbound()) != null; ) {
                sent.add((DatagramPacket) msg);
            }
            try {
                assertThat(sent.size()).as("answers to one datagram").isLessThanOrEqualTo(2);
                for (DatagramPacket out : sent) {
                    assertThat(Ipv4.isGlobalUnicast(SocketAddresses.ipv4(out.recipient())))
                            .isTrue();
                    assertThat(out.recipient().getPort()).isNotZero();
                }
            } finally {
                sent.forEach(DatagramPacket::release);
            }
        } finally {
            tun.forEach(ByteBuf::release);
            channel.finishAndReleaseAll();
            dataPath.close();
        }
        allocator.assertAllReleased();
    }

    private static ByteBuf build(long[] src, long[] dst, int nextHeader, int icmpType, int dataLength) {
        int nh = NEXT_HEADERS[nextHeader];
        if (nh == 59) {
            return bubble(src, dst);
        }
        if (nh == 58) {
            ByteBuf echo = echo(src, dst, ICMP_TYPES[icmpType] == 129, dataLength);
            echo.setByte(Ipv6.HEADER_LENGTH, ICMP_TYPES[icmpType]); // checksum now wrong for other types
            return echo;
        }
        return ipv6(src, dst, nh, 64, dataLength);
    }
}
