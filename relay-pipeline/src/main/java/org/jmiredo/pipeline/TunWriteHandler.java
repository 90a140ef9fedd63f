package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last stage: writes each accepted IPv6 packet into this loop's tunnel queue. Also the pipeline's
 * backstop: anything unexpected that reaches it is released, and any exception is counted and logged at
 * debug only, so that no packet can throw out of the pipeline or flood the log.
 */
final class TunWriteHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TunWriteHandler.class);

    private final UdpTunOutput output;
    private final DataPathCounters counters;

    TunWriteHandler(UdpTunOutput output, DataPathCounters counters) {
        this.output = output;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf packet) {
            output.toTun(packet);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The end of a read burst: what the burst held for coalescing goes into the tunnel now. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        output.flushTun();
        ctx.fireChannelReadComplete();
    }

    /** Nothing stays held once the socket is closed (loop shutdown included). */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        output.flushTun();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        counters.drop(cause instanceof java.io.IOException ? DropReason.UDP_WRITE_FAILED : DropReason.INTERNAL_ERROR);
        LOG.debug("UDP pipeline error on {}", ctx.channel(), cause);
    }
}
