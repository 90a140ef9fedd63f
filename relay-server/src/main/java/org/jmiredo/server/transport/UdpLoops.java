package org.jmiredo.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event loops with UDP channels only, no TUN device: the I/O of the roles that need no tunnel, the
 * Teredo server (two addresses, RFC 4380 §5.3) and the mire. Same loops, socket options (SO_REUSEPORT,
 * DF off, recvmmsg batches, buffer sizes) and bind checks as the relay's {@link Transport}: with epoll,
 * one channel per loop on each address; with another transport, one channel on the first loop.
 */
public final class UdpLoops implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpLoops.class);

    private final TransportKind kind;
    private final TransportSettings settings;
    private final MultiThreadIoEventLoopGroup group;
    private final List<IoEventLoop> loops;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SocketBuffers buffers;

    private UdpLoops(TransportKind kind, TransportSettings settings, MultiThreadIoEventLoopGroup group) {
        this.kind = kind;
        this.settings = settings;
        this.buffers = new SocketBuffers(kind, settings);
        this.group = group;
        List<IoEventLoop> list = new ArrayList<>();
        for (EventExecutor executor : group) {
            list.add((IoEventLoop) executor);
        }
        this.loops = List.copyOf(list);
    }

    /**
     * Starts {@link TransportSettings#resolvedEventLoops()} loops of the best transport here (epoll on
     * Linux). Only the settings' datagram options are used; its TUN fields and bind address are not.
     */
    public static UdpLoops start(TransportSettings settings) {
        TransportKind kind = TransportKind.detect();
        int n = kind == TransportKind.EPOLL ? settings.resolvedEventLoops() : 1;
        return new UdpLoops(kind, settings, Transport.newGroup(kind, n));
    }

    /**
     * Binds one UDP channel per loop to {@code target} (one in all without epoll) and runs {@code setup}
     * on each before it is bound. Closed by {@link #close}.
     *
     * @return channel i on loop i
     * @throws TransportException with a one-line reason (address in use, not an address of this host)
     */
    public List<Channel> bindOnEveryLoop(InetSocketAddress target, Transport.ChannelSetup setup)
            throws TransportException {
        if (closed.get()) {
            throw new TransportException("the event loops are stopped");
        }
        List<Channel> bound = UdpBinder.bind(kind, loops, target, settings, buffers, setup);
        channels.addAll(bound);
        return bound;
    }

    /** SO_RCVBUF and SO_SNDBUF as the kernel gave them to the UDP sockets. */
    public SocketBuffers socketBuffers() {
        return buffers;
    }

    public TransportKind kind() {
        return kind;
    }

    /** The loops; with epoll, channel i of each {@link #bindOnEveryLoop} call runs on loop i. */
    public List<IoEventLoop> eventLoops() {
        return loops;
    }

    /** How many channels each {@link #bindOnEveryLoop} call binds: the loops with epoll, else 1. */
    public int channelsPerAddress() {
        return kind == TransportKind.EPOLL ? loops.size() : 1;
    }

    /** Closes every channel, then stops the loops. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Future<Void>> closing = new ArrayList<>();
        channels.forEach(c -> closing.add(c.close()));
        closing.forEach(f -> f.awaitUninterruptibly(5, TimeUnit.SECONDS));
        if (!group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS)) {
            LOG.warn("event loops did not stop within 5 s");
        }
    }
}
