package org.jmiredo.fuzz;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A scenario's socket refusing datagrams, as the kernel does at the flush (a firewall's EPERM, no route): the
 * datagrams {@code refuse} picks are released and their promises fail at the next flush, so that the data path's
 * counting at a datagram's fate (sent XOR {@code udp_write_failed}) is checked. Counts what it refused in a step,
 * and how many of those {@code control} says were control messages (bubbles, echo tests) rather than data.
 */
final class RefusedWrites extends ChannelOutboundHandlerAdapter {
    private final BooleanSupplier refuse;
    private final Predicate<DatagramPacket> control;
    private final List<ChannelPromise> pending = new ArrayList<>();
    int count;
    int controls;

    RefusedWrites(BooleanSupplier refuse, Predicate<DatagramPacket> control) {
        this.refuse = refuse;
        this.control = control;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!refuse.getAsBoolean()) {
            ctx.write(msg, promise);
            return;
        }
        count++;
        if (control.test((DatagramPacket) msg)) {
            controls++;
        }
        ReferenceCountUtil.release(msg);
        pending.add(promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        for (ChannelPromise promise : pending) {
            promise.setFailure(new IOException("refused by the fuzz input"));
        }
        pending.clear();
        ctx.flush();
    }

    /** A new step: nothing refused yet. Every refusal of the last one must have been flushed. */
    void reset() {
        RelayScenario.check(pending.isEmpty(), pending.size() + " datagrams written but never flushed");
        count = 0;
        controls = 0;
    }
}
