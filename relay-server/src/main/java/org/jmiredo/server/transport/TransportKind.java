package org.jmiredo.server.transport;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDatagramChannel;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * The Netty transport: epoll on Linux, kqueue on BSD/macOS, NIO elsewhere. Epoll and kqueue also serve the
 * tunnel's fd on the same loop (an {@code EpollIoHandle}, a {@code KQueueIoHandle}: {@link TunnelPlatform}); NIO
 * cannot (a TUN fd is no {@code SelectableChannel}). Teredo runs over IPv4, so sockets are INET.
 */
public enum TransportKind {
    EPOLL {
        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
            return () -> new EpollDatagramChannel(SocketProtocolFamily.INET);
        }
    },
    KQUEUE {
        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return KQueueIoHandler.newFactory();
        }

        @Override
        public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
            return () -> new KQueueDatagramChannel(SocketProtocolFamily.INET);
        }
    },
    NIO {
        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
            return () -> new NioDatagramChannel(SocketProtocolFamily.INET);
        }
    };

    public abstract IoHandlerFactory ioHandlerFactory();

    /** Creates the unbound IPv4 UDP channels of this transport. */
    public abstract ChannelFactory<? extends DatagramChannel> datagramChannelFactory();

    /** The best transport this JVM and OS offer: epoll, else kqueue, else NIO. */
    public static TransportKind detect() {
        if (Epoll.isAvailable()) {
            return EPOLL;
        }
        if (KQueue.isAvailable()) {
            return KQUEUE;
        }
        return NIO;
    }
}
