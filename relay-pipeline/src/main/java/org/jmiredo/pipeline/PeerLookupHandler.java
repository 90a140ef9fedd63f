package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.jmiredo.engine.Reception;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;

/**
 * Third stage: the peer-table lookup and the reception rules (RFC 4380 §5.4.2). An accepted packet goes
 * on as a {@link ByteBuf} narrowed to the IPv6 packet itself (headers and RFC 6081 trailers cut off, no
 * copy); the datagram's other parts are dropped with it.
 */
final class PeerLookupHandler extends ChannelInboundHandlerAdapter {
    private final DecodedDatagram decoded;
    private final Reception reception;
    private final UdpTunOutput output;
    private final DataPathCounters counters;
    private final int local;

    /** {@code local}: as for {@link BubbleHandler}. */
    PeerLookupHandler(DecodedDatagram decoded, Reception reception, UdpTunOutput output, DataPathCounters counters,
            int local) {
        this.local = local;
        this.decoded = decoded;
        this.reception = reception;
        this.output = output;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf content = packet.content();
        DropReason reason;
        try {
            reason = reception.data(content, decoded.headers, decoded.srcIpv4, decoded.srcPort, local, output);
        } catch (RuntimeException e) {
            packet.release();
            throw e;
        }
        if (reason != null) {
            counters.drop(reason);
            packet.release();
            return;
        }
        int at = decoded.headers.ipv6Offset();
        content.setIndex(at, at + decoded.headers.ipv6Length());
        ctx.fireChannelRead(content);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        try {
            output.flush(); // one flush per read burst: the queued datagrams leave in one sendmmsg
        } finally {
            ctx.fireChannelReadComplete(); // the TUN writer's held packets leave at the burst's end, whatever happened
        }
    }
}
