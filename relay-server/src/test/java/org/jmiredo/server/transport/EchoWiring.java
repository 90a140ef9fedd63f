package org.jmiredo.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.jmiredo.pipeline.DataPathWiring;
import org.jmiredo.server.tun.linux.RecordingReceiver;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;

/**
 * A trivial data path: UDP datagrams are echoed to their sender (one flush per read burst), TUN packets are
 * recorded. Notes which loop handled what, and what the transport handed over.
 */
final class EchoWiring implements DataPathWiring {
    /** One echoed datagram: which channel (by its position) and whether it ran on that channel's loop. */
    record Hit(Channel channel, boolean onChannelLoop) {}

    final BlockingQueue<Hit> hits = new LinkedBlockingQueue<>();
    final BlockingQueue<RecordingReceiver.Seen> tunPackets = new LinkedBlockingQueue<>();
    final List<Channel> initialised = new CopyOnWriteArrayList<>();
    final List<Boolean> activeAtInit = new CopyOnWriteArrayList<>();
    final Map<Channel, TunQueue> queueAtInit = new ConcurrentHashMap<>();
    final Map<Channel, TunQueue> queueOfReceiver = new ConcurrentHashMap<>();
    /** The further sockets of a wildcard relay, with the local address index each was given. */
    final Map<Channel, Integer> locals = new ConcurrentHashMap<>();

    @Override
    public void initUdpChannel(Channel udp, TunQueue tun) {
        initialised.add(udp);
        activeAtInit.add(udp.isActive());
        if (tun != null) {
            queueAtInit.put(udp, tun);
        }
        udp.pipeline().addLast(new Echo());
    }

    @Override
    public void initLocalChannel(Channel udp, int local) {
        locals.put(udp, local);
        udp.pipeline().addLast(new Echo());
    }

    @Override
    public TunReceiver tunReceiver(Channel udp, TunQueue tun) {
        queueOfReceiver.put(udp, tun);
        return new RecordingReceiver(udp.eventLoop(), initialised.indexOf(udp), tunPackets);
    }

    final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            hits.add(new Hit(ctx.channel(), ctx.channel().eventLoop().inEventLoop()));
            ctx.write(new DatagramPacket(packet.content().retain(), packet.sender()));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush(); // one flush per burst: sendmmsg when several are queued
        }
    }
}
