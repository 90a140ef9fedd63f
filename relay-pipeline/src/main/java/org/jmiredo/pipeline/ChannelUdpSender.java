package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;

/**
 * Sends through the channel's pipeline: a {@link DatagramPacket} per datagram, queued in Netty's outbound
 * buffer until the flush (epoll then sends them with one sendmmsg, and waits for the socket when it is
 * full). Each write's promise counts its datagram when Netty knows its fate ({@link SendOutcome}). Any
 * transport. The channel must be on the loop that writes {@code counters}.
 */
public final class ChannelUdpSender implements UdpSender {
    private final Channel udp;
    private final DataPathCounters counters;
    private final SocketAddressCache addresses = new SocketAddressCache();

    public ChannelUdpSender(Channel udp, DataPathCounters counters) {
        this.udp = udp;
        this.counters = counters;
    }

    @Override
    public void add(ByteBuf payload, int ipv4, int port, Counter kind) {
        SendOutcome outcome = new SendOutcome(udp, counters, kind, payload.readableBytes());
        udp.write(new DatagramPacket(payload, addresses.get(ipv4, port)), outcome);
    }

    @Override
    public void flush() {
        udp.flush();
    }
}
