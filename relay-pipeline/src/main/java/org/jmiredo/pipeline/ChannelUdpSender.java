package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

/**
 * Sends through the channel's pipeline: a {@link DatagramPacket} per datagram, queued in Netty's outbound
 * buffer until the flush (epoll then sends them with one sendmmsg, and waits for the socket when it is
 * full). A failed write reaches the pipeline's exception handler, which counts it. Any transport.
 */
public final class ChannelUdpSender implements UdpSender {
    private final Channel udp;
    private final SocketAddressCache addresses = new SocketAddressCache();

    public ChannelUdpSender(Channel udp) {
        this.udp = udp;
    }

    @Override
    public void add(ByteBuf payload, int ipv4, int port) {
        udp.write(new DatagramPacket(payload, addresses.get(ipv4, port)), udp.voidPromise());
    }

    @Override
    public void flush() {
        udp.flush();
    }
}
