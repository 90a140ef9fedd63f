package org.jmiredo.pipeline.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.TeredoHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one inbound handler of a server or mire UDP channel: counts the datagram, parses its Teredo
 * headers (RFC 4380 §5.1.1: rule 1 of §5.3.1), hands it to the rules, counts the drop if any, releases
 * it, and flushes what the read burst sent in {@code channelReadComplete} (one sendmmsg per burst).
 * Nothing can throw out of it: a failure costs the datagram only, counted as an internal error.
 */
abstract class DecodingHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DecodingHandler.class);

    /** Reused for every datagram: handlers of one channel run on its event loop, one at a time. */
    private final TeredoHeaders headers = new TeredoHeaders();

    final DataPathCounters counters;

    DecodingHandler(DataPathCounters counters) {
        this.counters = counters;
    }

    /** Applies the rules to a datagram whose headers parsed; null when taken, else the drop reason. */
    abstract DropReason process(ByteBuf content, TeredoHeaders headers, int srcIpv4, int srcPort);

    /** Sends what the burst queued. */
    abstract void flush();

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg); // last handler: nothing else may arrive here
            return;
        }
        try {
            ByteBuf content = packet.content();
            counters.increment(Counter.UDP_RX_PACKETS);
            counters.add(Counter.UDP_RX_BYTES, content.readableBytes());
            DropReason reason = headers.parse(content);
            if (reason == null) {
                reason = process(
                        content, headers, SocketAddresses.ipv4(packet.sender()), SocketAddresses.port(packet.sender()));
            }
            if (reason != null) {
                counters.drop(reason);
            }
        } catch (RuntimeException e) {
            counters.drop(DropReason.INTERNAL_ERROR);
            LOG.debug("Teredo datagram error on {}", ctx.channel(), e);
        } finally {
            packet.release();
        }
    }

    @Override
    public final void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        counters.drop(cause instanceof java.io.IOException ? DropReason.UDP_WRITE_FAILED : DropReason.INTERNAL_ERROR);
        LOG.debug("UDP pipeline error on {}", ctx.channel(), cause);
    }
}
