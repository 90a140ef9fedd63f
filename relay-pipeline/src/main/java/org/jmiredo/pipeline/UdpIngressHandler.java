package org.jmiredo.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * The one inbound handler of a UDP channel whose datagrams Netty reads: hands each to the channel's
 * {@link UdpIngress} and tells it where each read burst ends. It is the pipeline's last handler: anything
 * else that arrives is released, and exceptions go to the ingress, so nothing throws out of the pipeline.
 */
public final class UdpIngressHandler extends ChannelInboundHandlerAdapter {
    private final UdpIngress ingress;

    public UdpIngressHandler(UdpIngress ingress) {
        this.ingress = ingress;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            ingress.receive(
                    packet.content(), SocketAddresses.ipv4(packet.sender()), SocketAddresses.port(packet.sender()));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ingress.burstEnd();
        ctx.fireChannelReadComplete();
    }

    /** Nothing stays held once the socket is closed (loop shutdown included). */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ingress.burstEnd();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ingress.failed(cause);
    }
}
