package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;

/**
 * How one event loop's datagrams leave its UDP channel: {@link #add} queues, {@link #flush} (once per read
 * burst) sends what is queued. {@link ChannelUdpSender} goes through the channel's Netty pipeline; a
 * transport may bring a leaner one (the relay's own sendmmsg on the socket). Each datagram is counted once,
 * when its fate is known: as sent ({@link DataPathCounters#sent}) when the kernel took it, or as the drop
 * {@code udp_write_failed} when it could not leave. Used on the loop's thread only.
 */
public interface UdpSender {
    /**
     * Queues {@code payload} for {@code ipv4}:{@code port}; takes ownership of it. {@code kind} (a bubble, a
     * released packet...; null for data) is counted with it if it leaves.
     */
    void add(ByteBuf payload, int ipv4, int port, Counter kind);

    /** Sends what is queued. */
    void flush();

    /** Makes the sender of one loop's channel, which counts its drops in that loop's counters. */
    @FunctionalInterface
    interface Factory {
        UdpSender create(Channel udp, DataPathCounters counters);
    }
}
