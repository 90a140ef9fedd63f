package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.jmiredo.metrics.DataPathCounters;

/**
 * How one event loop's datagrams leave its UDP channel: {@link #add} queues, {@link #flush} (once per read
 * burst) sends what is queued. {@link ChannelUdpSender} goes through the channel's Netty pipeline; a
 * transport may bring a leaner one (the relay's own sendmmsg on the socket). Every datagram that cannot
 * leave is counted as {@code udp_write_failed}. Used on the loop's thread only.
 */
public interface UdpSender {
    /** Queues {@code payload} for {@code ipv4}:{@code port}; takes ownership of it. */
    void add(ByteBuf payload, int ipv4, int port);

    /** Sends what is queued. */
    void flush();

    /** Makes the sender of one loop's channel, which counts its drops in that loop's counters. */
    @FunctionalInterface
    interface Factory {
        UdpSender create(Channel udp, DataPathCounters counters);
    }
}
