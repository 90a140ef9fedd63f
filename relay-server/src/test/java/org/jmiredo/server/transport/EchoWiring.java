package org.jmiredo.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.jmiredo.pipeline.DataPathWiring;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.pipeline.UdpIngress;
import org.jmiredo.pipeline.UdpIngressHandler;
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
    public UdpIngress initUdpChannel(Channel udp, TunQueue tun) {
        initialised.add(udp);
        activeAtInit.add(udp.isActive());
        if (tun != null) {
            queueAtInit.put(udp, tun);
        }
        return echo(udp);
    }

    @Override
    public UdpIngress initLocalChannel(Channel udp, int local) {
        locals.put(udp, local);
        return echo(udp);
    }

    private UdpIngress echo(Channel udp) {
        Echo echo = new Echo(udp);
        udp.pipeline().addLast(new UdpIngressHandler(echo));
        return echo;
    }

    @Override
    public TunReceiver tunReceiver(Channel udp, TunQueue tun) {
        queueOfReceiver.put(udp, tun);
        return new RecordingReceiver(udp.eventLoop(), initialised.indexOf(udp), tunPackets);
    }

    /** Sends each datagram back to its sender, through Netty (one flush per burst: sendmmsg when several). */
    final class Echo implements UdpIngress {
        private final Channel udp;

        Echo(Channel udp) {
            this.udp = udp;
        }

        @Override
        public void receive(ByteBuf datagram, int srcIpv4, int srcPort) {
            hits.add(new Hit(udp, udp.eventLoop().inEventLoop()));
            // A copy: the datagram's buffer is the reader's to reuse once this burst ends.
            udp.write(new DatagramPacket(datagram.copy(), SocketAddresses.of(srcIpv4, srcPort)));
            datagram.release();
        }

        @Override
        public void truncated(int length) {}

        @Override
        public void receiveFailed() {}

        @Override
        public void burstEnd() {
            udp.flush();
        }

        @Override
        public void failed(Throwable cause) {}
    }
}
