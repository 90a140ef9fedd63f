package org.jmiredo.pipeline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.CLIENT;
import static org.jmiredo.engine.server.Packets.NAT;
import static org.jmiredo.engine.server.Packets.NAT_PORT;
import static org.jmiredo.engine.server.Packets.bubble;
import static org.jmiredo.engine.server.Packets.echo;
import static org.jmiredo.engine.server.Packets.ip;
import static org.jmiredo.engine.server.Packets.ipv6;
import static org.jmiredo.engine.server.Packets.teredo;
import static org.jmiredo.engine.server.Packets.v6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.testing.TrackingAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The teredo-mire equivalent: a stateless echo responder reached over Teredo. */
class MireTest {
    static final String MIRE_IP = "198.51.100.50";
    /** The mire's own Teredo address: its IPv4 as "server", mapped at its IPv4, peer port 3545. */
    static final long[] MIRE = teredo(MIRE_IP, 0, MIRE_IP, MireDataPath.PEER_PORT);

    final TrackingAllocator allocator = new TrackingAllocator();
    final EmbeddedChannel service = channel();
    final EmbeddedChannel peer = channel();
    final MireDataPath mire = new MireDataPath();

    {
        mire.initChannels(service, peer);
    }

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        return channel;
    }

    @AfterEach
    void close() {
        assertThat(service.<Object>readOutbound())
                .as("the service port never sends")
                .isNull();
        sent().forEach(DatagramPacket::release);
        service.finishAndReleaseAll();
        peer.finishAndReleaseAll();
        allocator.assertAllReleased();
    }

    void receive(EmbeddedChannel on, ByteBuf payload, String ipv4, int port) {
        int local = on == service ? 3544 : MireDataPath.PEER_PORT;
        on.writeInbound(new DatagramPacket(
                payload, new InetSocketAddress(ip(MIRE_IP), local), new InetSocketAddress(ip(ipv4), port)));
        assertThat(payload.refCnt()).as("released").isZero();
    }

    List<DatagramPacket> sent() {
        List<DatagramPacket> all = new ArrayList<>();
        DatagramPacket p;
        while ((p = peer.readOutbound()) != null) {
            all.add(p);
        }
        return all;
    }

    long dropped(DropReason reason) {
        return mire.counters().stream().mapToLong(c -> c.dropped(reason)).sum();
    }

    long count(Counter counter) {
        return mire.counters().stream().mapToLong(c -> c.get(counter)).sum();
    }

    /** An indirect bubble to the service port gets a bubble back from the peer port, addresses swapped. */
    @Test
    void indirectBubbleIsAnsweredFromThePeerPort() {
        receive(service, bubble(CLIENT, MIRE), NAT, NAT_PORT);

        List<DatagramPacket> sent = sent();
        assertThat(sent).hasSize(1);
        ByteBuf reply = sent.get(0).content();
        assertThat(sent.get(0).recipient()).isEqualTo(new InetSocketAddress(ip(NAT), NAT_PORT));
        assertThat(reply.readableBytes()).isEqualTo(40);
        assertThat(Ipv6.isBubble(reply, 0)).isTrue();
        assertThat(new long[] {Ipv6.srcHi(reply, 0), Ipv6.srcLo(reply, 0)}).isEqualTo(MIRE);
        assertThat(new long[] {Ipv6.dstHi(reply, 0), Ipv6.dstLo(reply, 0)}).isEqualTo(CLIENT);
        sent.forEach(DatagramPacket::release);
        assertThat(count(Counter.BUBBLES_TX_DIRECT)).isEqualTo(1);
    }

    /** An echo request to the peer port gets its echo reply: addresses swapped, same id/seq/data, checksum right. */
    @Test
    void echoRequestIsAnsweredToTheSendersMapping() {
        ByteBuf request = echo(CLIENT, MIRE, false, 32);
        byte[] requestBytes = ByteBufUtil.getBytes(request);
        // trailing bytes after the IPv6 packet (RFC 6081) are not echoed
        ByteBuf datagram =
                io.netty.buffer.Unpooled.buffer().writeBytes(request).writeBytes(new byte[] {1, 4, 0, 0, 0, 0});
        request.release();
        receive(peer, datagram, "203.0.113.77", 50000);

        List<DatagramPacket> sent = sent();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).recipient())
                .as("the datagram's source, not the embedded mapping")
                .isEqualTo(new InetSocketAddress(ip("203.0.113.77"), 50000));
        byte[] reply = ByteBufUtil.getBytes(sent.get(0).content());
        assertThat(reply).hasSize(requestBytes.length);
        assertThat(reply[7] & 0xFF).as("hop limit").isEqualTo(255);
        assertThat(Arrays.copyOfRange(reply, 8, 24)).isEqualTo(Arrays.copyOfRange(requestBytes, 24, 40));
        assertThat(Arrays.copyOfRange(reply, 24, 40)).isEqualTo(Arrays.copyOfRange(requestBytes, 8, 24));
        assertThat(reply[40] & 0xFF).isEqualTo(Icmpv6.TYPE_ECHO_REPLY);
        assertThat(Arrays.copyOfRange(reply, 44, reply.length))
                .isEqualTo(Arrays.copyOfRange(requestBytes, 44, requestBytes.length));
        assertThat(Packets.oracleChecksum(reply)).isZero();
        sent.forEach(DatagramPacket::release);
        assertThat(count(Counter.ECHO_REPLIES_TX)).isEqualTo(1);
    }

    /** Direct bubbles to the peer port are taken silently, as Miredo's mire does. */
    /** A reply the peer socket refuses (send queue above its high-water mark) is a drop, not a reply sent. */
    @Test
    void aReplyTheSocketRefusesIsNotCountedAsSent() {
        peer.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 8));
        peer.write(Unpooled.buffer(16).writeZero(16)); // held unflushed: the channel is unwritable
        receive(service, bubble(CLIENT, MIRE), NAT, NAT_PORT);
        assertThat(dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(1);
        assertThat(count(Counter.BUBBLES_TX_DIRECT)).as("bubbles sent").isZero();
    }

    @Test
    void directBubblesAreTakenSilently() {
        receive(peer, bubble(CLIENT, MIRE), NAT, NAT_PORT);
        assertThat(sent()).isEmpty();
        assertThat(count(Counter.BUBBLES_RX)).isEqualTo(1);
        assertThat(Arrays.stream(DropReason.values()).mapToLong(this::dropped).sum())
                .isZero();
    }

    /** Nothing else is answered: bad checksum, echo reply, TCP, echo on the service port, multicast, non-global sender. */
    @Test
    void nothingElseIsAnswered() {
        ByteBuf badChecksum = echo(CLIENT, MIRE, false, 8);
        badChecksum.setByte(43, badChecksum.getByte(43) ^ 0x10);
        receive(peer, badChecksum, NAT, NAT_PORT);
        receive(peer, echo(CLIENT, MIRE, true, 8), NAT, NAT_PORT);
        receive(peer, ipv6(CLIENT, MIRE, 6, 64, 20), NAT, NAT_PORT);
        receive(service, echo(CLIENT, MIRE, false, 8), NAT, NAT_PORT);
        receive(peer, echo(CLIENT, v6("ff02::1"), false, 8), NAT, NAT_PORT);
        receive(service, bubble(CLIENT, v6("ff02::1")), NAT, NAT_PORT);
        receive(peer, echo(CLIENT, MIRE, false, 8), "10.0.0.1", NAT_PORT);

        assertThat(sent()).isEmpty();
        assertThat(dropped(DropReason.NOT_ANSWERED)).isEqualTo(6);
        assertThat(dropped(DropReason.NON_GLOBAL_SOURCE)).isEqualTo(1);
    }
}
