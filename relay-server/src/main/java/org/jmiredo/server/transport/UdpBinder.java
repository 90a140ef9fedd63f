package org.jmiredo.server.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.IoEventLoop;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Binds the UDP channels of one address: one per event loop with epoll (SO_REUSEPORT), one otherwise. */
final class UdpBinder {
    private UdpBinder() {}

    static List<Channel> bind(
            TransportKind kind,
            List<IoEventLoop> loops,
            InetSocketAddress target,
            TransportSettings settings,
            SocketBuffers buffers,
            Transport.ChannelSetup setup)
            throws TransportException {
        if (target.getPort() != 0) {
            probeFree(target);
        }
        return bindBeside(kind, loops, target, settings, buffers, setup);
    }

    /**
     * As {@link #bind}, without the check that no other socket holds the port: for an address of the host
     * beside our own sockets on 0.0.0.0 and the same port, which the check would take for another owner.
     */
    static List<Channel> bindBeside(
            TransportKind kind,
            List<IoEventLoop> loops,
            InetSocketAddress target,
            TransportSettings settings,
            SocketBuffers buffers,
            Transport.ChannelSetup setup)
            throws TransportException {
        int count = kind == TransportKind.EPOLL ? loops.size() : 1;
        List<Channel> channels = new ArrayList<>(count);
        InetSocketAddress address = target;
        try {
            for (int i = 0; i < count; i++) {
                Channel channel = bindOne(kind, loops.get(i), i, address, settings, buffers, setup);
                channels.add(channel);
                // Port 0: the first socket got a port from the kernel; the others join it.
                address = new InetSocketAddress(
                        target.getAddress(), ((InetSocketAddress) channel.localAddress()).getPort());
            }
        } catch (TransportException | RuntimeException e) {
            channels.forEach(c -> c.close().awaitUninterruptibly());
            throw e;
        }
        return channels;
    }

    private static Channel bindOne(
            TransportKind kind,
            IoEventLoop loop,
            int index,
            InetSocketAddress address,
            TransportSettings settings,
            SocketBuffers buffers,
            Transport.ChannelSetup setup)
            throws TransportException {
        AtomicReference<Throwable> setupFailure = new AtomicReference<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(kind.datagramChannelFactory())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        // Runs when the channel is registered, before bind: the pipeline is complete before the
                        // first datagram can arrive.
                        try {
                            buffers.apply(channel);
                            setup.initChannel(channel, index);
                        } catch (RuntimeException | Error e) {
                            setupFailure.set(e); // Netty would only log it and close the channel
                            throw e;
                        }
                    }
                });
        DatagramOptions.apply(bootstrap, kind, settings);
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            bound.channel().close();
            Throwable failed = setupFailure.get();
            if (failed != null) {
                throw new TransportException("cannot set up the UDP channel's pipeline: " + failed, failed);
            }
            throw bindFailure(address, bound.cause());
        }
        return bound.channel();
    }

    /**
     * Fails clearly if another socket holds the port. Our sockets use SO_REUSEPORT, so without this check a
     * second relay of the same user would silently join the group and take part of the traffic: a plain
     * socket (no SO_REUSEPORT) cannot bind then.
     */
    static void probeFree(InetSocketAddress target) throws TransportException {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(target);
        } catch (IOException e) {
            throw bindFailure(target, e);
        }
    }

    static TransportException bindFailure(InetSocketAddress address, Throwable cause) {
        String where = "UDP " + address.getAddress().getHostAddress() + ":" + address.getPort();
        String text =
                cause == null ? "unknown error" : cause.getMessage() != null ? cause.getMessage() : cause.toString();
        if (text.contains("Address already in use")) {
            return new TransportException(where + " is in use", cause);
        }
        if (text.contains("Cannot assign requested address")) {
            return new TransportException(
                    where + ": " + address.getAddress().getHostAddress() + " is not an address of this host", cause);
        }
        if (text.contains("Permission denied")) {
            return new TransportException(
                    where + ": permission denied (ports below 1024 need root or" + " CAP_NET_BIND_SERVICE)", cause);
        }
        return new TransportException("cannot bind " + where + ": " + text, cause);
    }
}
