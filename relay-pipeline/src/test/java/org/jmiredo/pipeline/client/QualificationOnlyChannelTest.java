package org.jmiredo.pipeline.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.client.ClientState;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.RouterSolicitation;
import org.jmiredo.proto.TeredoHeaders;
import org.jmiredo.testing.TrackingAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's channel with qualification only ({@link ClientDataPath#initQualificationOnly}) on an
 * {@link EmbeddedChannel}, against our server's rules behind a NAT at 198.51.100.20:40000: the RS it writes,
 * the RA it reads, what it reports, what it drops, and that it releases every buffer.
 */
class QualificationOnlyChannelTest {
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
    private final ServerSide server = new ServerSide(allocator);
    private final RecordingStatus status = new RecordingStatus();
    private final ClientDataPath dataPath =
            new ClientDataPath(ServerSide.SETTINGS, status, null, 0, Clock.monotonic(), null);
    private final List<String> reports = status.reports;
    private final List<ClientState> states = status.states;

    QualificationOnlyChannelTest() throws Exception {
        channel.config().setAllocator(allocator);
        dataPath.initQualificationOnly(channel);
        channel.register();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        allocator.assertAllReleased();
    }

    private long count(Counter counter) {
        return dataPath.counters().getFirst().get(counter);
    }

    @Test
    void r521TheChannelQualifiesThroughPrimaryAndSecondaryAndReportsTheAddress() {
        assertThat(states).containsExactly(ClientState.STARTING); // R-5.2.1-start: an RS at once
        DatagramPacket primaryRa = server.answer(channel);
        assertThat(primaryRa.sender().getAddress()).isEqualTo(Packets.ip(Packets.PRIMARY));
        channel.writeInbound(primaryRa);
        DatagramPacket secondaryRa = server.answer(channel); // R-5.2.1-secondary
        assertThat(secondaryRa.sender().getAddress()).isEqualTo(Packets.ip(Packets.SECONDARY));
        channel.writeInbound(secondaryRa);

        assertThat(states).containsExactly(ClientState.STARTING, ClientState.CHECKING, ClientState.QUALIFIED);
        assertThat(reports)
                .singleElement()
                .asString()
                .startsWith("qualified 2001:0:c633:6401:")
                .endsWith(":63bf:39cc:9beb");
        assertThat(count(Counter.ROUTER_SOLICITATIONS_TX)).isEqualTo(2);
        assertThat(count(Counter.ROUTER_ADVERTISEMENTS_RX)).isEqualTo(2);
        assertThat(count(Counter.UDP_RX_PACKETS)).isEqualTo(2);
    }

    /**
     * The RS as it leaves the channel: an authentication header without client ID or value (R-5.2.2-nullid)
     * with a nonce and confirmation 0 (R-5.2.2-confclient), no origin indication, then an ICMPv6 RS (hop limit
     * 255) from a link-local address with the cone bit clear (R5991-3.2-skip, R-5.2.1-rs) to ff02::2, sent to
     * the primary address's port 3544 (R-2.7-port).
     */
    @Test
    void r522NullidTheRsCarriesANonceOnlyAuthenticationHeaderAndAConeBitClearSource() {
        DatagramPacket rs = channel.readOutbound();
        try {
            assertThat(rs.recipient()).isEqualTo(new InetSocketAddress(Packets.ip(Packets.PRIMARY), 3544));
            ByteBuf payload = rs.content();
            int at = payload.readerIndex();
            assertThat(payload.getInt(at)).as("00 01, ID-len 0, AU-len 0").isEqualTo(0x0001_0000);
            assertThat(payload.getByte(at + 12)).as("confirmation").isZero();
            int ipv6 = at + TeredoHeaders.AUTH_FIXED_LENGTH;
            assertThat(payload.readableBytes()).isEqualTo(TeredoHeaders.AUTH_FIXED_LENGTH + RouterSolicitation.LENGTH);
            assertThat(Ipv6.hopLimit(payload, ipv6)).isEqualTo(255);
            assertThat(Ipv6.srcHi(payload, ipv6)).isEqualTo(Ipv6.LINK_LOCAL_HI);
            assertThat(RouterSolicitation.coneBit(payload, ipv6)).isFalse();
            assertThat(Ipv6.dstHi(payload, ipv6)).isEqualTo(0xff02_0000_0000_0000L);
            assertThat(Ipv6.dstLo(payload, ipv6)).isEqualTo(2);
            assertThat(Icmpv6.type(payload, ipv6 + Ipv6.HEADER_LENGTH)).isEqualTo(Icmpv6.TYPE_ROUTER_SOLICITATION);
            assertThat(RouterSolicitation.isValid(payload, ipv6, RouterSolicitation.LENGTH))
                    .isTrue();
        } finally {
            rs.release();
        }
    }

    @Test
    void r52QualfirstWithQualificationOnlyEverythingElseIsDroppedAndCounted() {
        ByteBuf bubble = Packets.bubble(Packets.CLIENT2, Packets.CLIENT);
        channel.writeInbound(new DatagramPacket(
                bubble,
                new InetSocketAddress(Packets.ip("192.168.77.2"), 40000),
                new InetSocketAddress(Packets.ip("198.51.100.10"), 3545)));
        assertThat(bubble.refCnt()).isZero();
        assertThat(dataPath.counters().getFirst().dropped(DropReason.NOT_QUALIFIED))
                .isEqualTo(1);
        DatagramPacket ra = server.answer(channel);
        ByteBuf replayed = ra.content().copy();
        channel.writeInbound(ra);
        // R-5.2.1-drop: the same RA again is not awaited any more
        channel.writeInbound(new DatagramPacket(replayed, ra.recipient(), ra.sender()));
        assertThat(dataPath.counters().getFirst().dropped(DropReason.INVALID_ROUTER_ADVERTISEMENT))
                .isEqualTo(1);
        assertThat(count(Counter.ROUTER_ADVERTISEMENTS_RX)).isEqualTo(1);
    }

    @Test
    void anRsTheSocketRefusesCountsOnlyAsUdpWriteFailedNotAsSent() throws Exception {
        EmbeddedChannel refusing = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        refusing.config().setAllocator(allocator);
        refusing.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IOException("the socket refused it"));
            }
        });
        ClientDataPath refused = new ClientDataPath(ServerSide.SETTINGS, status, null, 0, Clock.monotonic(), null);
        refused.initQualificationOnly(refusing);
        refusing.register(); // active: the first RS goes out at once, and is refused
        DataPathCounters counters = refused.counters().getFirst();
        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(1);
        assertThat(counters.get(Counter.ROUTER_SOLICITATIONS_TX)).isZero();
        assertThat(counters.get(Counter.UDP_TX_PACKETS)).isZero();
        assertThat(counters.get(Counter.UDP_TX_BYTES)).isZero();
        refusing.finishAndReleaseAll();
    }
}
