package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Ipv4;

/**
 * First stage of the UDP-to-tunnel path: counts the datagram, drops it unless its IPv4 source is global
 * unicast and its payload parses as Teredo (RFC 4380 §5.1.1, R-5.4.2-valid), and passes the
 * {@link DatagramPacket} on with its parse in the channel's {@link DecodedDatagram}.
 */
final class TeredoDecoder extends ChannelInboundHandlerAdapter {
    private final DecodedDatagram decoded;
    private final DataPathCounters counters;

    TeredoDecoder(DecodedDatagram decoded, DataPathCounters counters) {
        this.decoded = decoded;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf content = packet.content();
        counters.increment(Counter.UDP_RX_PACKETS);
        counters.add(Counter.UDP_RX_BYTES, content.readableBytes());
        InetSocketAddress sender = packet.sender();
        int srcIpv4 = SocketAddresses.ipv4(sender);
        DropReason reason;
        if (srcIpv4 == 0 || !Ipv4.isGlobalUnicast(srcIpv4)) {
            reason = DropReason.NON_GLOBAL_SOURCE;
        } else {
            reason = decoded.headers.parse(content);
        }
        if (reason != null) {
            counters.drop(reason);
            packet.release();
            return;
        }
        decoded.srcIpv4 = srcIpv4;
        decoded.srcPort = sender.getPort();
        ctx.fireChannelRead(packet);
    }
}
