package org.jmiredo.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.jmiredo.engine.Reception;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Ipv6;

/**
 * Second stage: bubbles (RFC 4380 §2.8) are control traffic. They update the peer entry, may release
 * queued packets, and end here (R-5.4.2-bubble); everything else goes on to the peer lookup.
 */
final class BubbleHandler extends ChannelInboundHandlerAdapter {
    private final DecodedDatagram decoded;
    private final Reception reception;
    private final UdpTunOutput output;
    private final DataPathCounters counters;
    private final int local;

    /** {@code local}: the index of the local address this channel is bound to (RelayOutput.ANY_LOCAL: 0.0.0.0). */
    BubbleHandler(DecodedDatagram decoded, Reception reception, UdpTunOutput output, DataPathCounters counters,
            int local) {
        this.local = local;
        this.decoded = decoded;
        this.reception = reception;
        this.output = output;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)
                || !Ipv6.isBubble(packet.content(), decoded.headers.ipv6Offset())) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            DropReason reason = reception.bubble(
                    packet.content(), decoded.headers, decoded.srcIpv4, decoded.srcPort, local, output);
            if (reason != null) {
                counters.drop(reason);
            }
        } finally {
            packet.release();
        }
    }
}
