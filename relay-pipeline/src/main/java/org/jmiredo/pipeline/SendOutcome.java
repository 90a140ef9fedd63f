package org.jmiredo.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.DefaultChannelPromise;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;

/**
 * The promise of one datagram written through a channel's pipeline, and its own listener: counts the datagram
 * as sent once Netty's write succeeded, or as the drop {@code udp_write_failed} once the kernel refused it (a
 * firewall's EPERM, no route) or the channel closed first. So a refused datagram counts once, where a void
 * promise would have it counted as sent when written and as failed when refused. One object per datagram, on
 * the paths that already make a {@link io.netty.channel.socket.DatagramPacket} per datagram. Netty notifies
 * it on the channel's event loop, the writer of {@code counters}.
 */
public final class SendOutcome extends DefaultChannelPromise implements ChannelFutureListener {
    private final DataPathCounters counters;
    private final Counter kind;
    private final int bytes;

    public SendOutcome(Channel channel, DataPathCounters counters, Counter kind, int bytes) {
        super(channel);
        this.counters = counters;
        this.kind = kind;
        this.bytes = bytes;
        addListener(this);
    }

    @Override
    public void operationComplete(ChannelFuture future) {
        if (future.isSuccess()) {
            counters.sent(kind, bytes);
        } else {
            counters.drop(DropReason.UDP_WRITE_FAILED);
        }
    }
}
