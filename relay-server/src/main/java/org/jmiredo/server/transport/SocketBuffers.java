package org.jmiredo.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SO_RCVBUF and SO_SNDBUF of the UDP sockets: asks for the configured sizes, reads back what the kernel
 * gave, and says so once when it gave less. The receive buffer is what carries the relay through a
 * scheduling stall: at 250,000 datagrams/s, each small one charged about 832 bytes (its skb truesize),
 * 100 ms need 21 MB (BENCHMARKS.md, "Third iteration: loss at 90 % and startup").
 *
 * <p>Linux caps both at net.core.rmem_max / wmem_max; a process with CAP_NET_ADMIN may pass the cap with
 * SO_RCVBUFFORCE / SO_SNDBUFFORCE (socket(7)), which Netty has no option for, so they are set as raw
 * integer options. Linux then doubles the size granted (the other half is its bookkeeping): the datagrams'
 * kernel memory may reach twice the sizes this class reports.
 */
public final class SocketBuffers {
    private static final Logger LOG = LoggerFactory.getLogger(SocketBuffers.class);

    /** setsockopt(SOL_SOCKET = 1, SO_SNDBUFFORCE = 32 / SO_RCVBUFFORCE = 33), asm-generic/socket.h. */
    static final IntegerUnixChannelOption SO_SNDBUFFORCE = new IntegerUnixChannelOption("SO_SNDBUFFORCE", 1, 32);

    static final IntegerUnixChannelOption SO_RCVBUFFORCE = new IntegerUnixChannelOption("SO_RCVBUFFORCE", 1, 33);

    private final TransportKind kind;
    private final Direction receive;
    private final Direction send;

    SocketBuffers(TransportKind kind, TransportSettings settings) {
        this.kind = kind;
        this.receive = new Direction("receive", "SO_RCVBUF", "net.core.rmem_max", settings.socketReceiveBuffer());
        this.send = new Direction("send", "SO_SNDBUF", "net.core.wmem_max", settings.socketSendBuffer());
    }

    /** Sets both sizes on a new channel (before it is bound) and records what the kernel gave. */
    void apply(Channel channel) {
        set(channel, receive, SO_RCVBUFFORCE, ChannelOption.SO_RCVBUF);
        set(channel, send, SO_SNDBUFFORCE, ChannelOption.SO_SNDBUF);
    }

    /** The smallest SO_RCVBUF the kernel granted our sockets (comparable to the configured size); 0 before any. */
    public int receiveBufferBytes() {
        return receive.smallest.get() == Integer.MAX_VALUE ? 0 : receive.smallest.get();
    }

    /** The same for SO_SNDBUF. */
    public int sendBufferBytes() {
        return send.smallest.get() == Integer.MAX_VALUE ? 0 : send.smallest.get();
    }

    private void set(
            Channel channel, Direction direction, IntegerUnixChannelOption force, ChannelOption<Integer> plain) {
        if (direction.asked > 0 && !(kind == TransportKind.EPOLL && forced(channel, force, direction.asked))) {
            channel.config().setOption(plain, direction.asked);
        }
        // Linux reports twice the size it granted, and epoll passes that on; the JDK (NIO) halves it back.
        int got = channel.config().getOption(plain);
        int granted = kind == TransportKind.EPOLL ? got / 2 : got;
        direction.smallest.accumulateAndGet(granted, Math::min);
        if (direction.asked > 0 && granted < direction.asked && direction.warned.compareAndSet(false, true)) {
            LOG.warn(
                    "UDP socket {} buffer: asked for {} bytes ({}), the kernel gave {}: datagrams arriving during"
                            + " a stall of the event loop are dropped sooner (netstat -su: {} buffer errors). The kernel caps"
                            + " it at {} = {}: raise that sysctl, or run with CAP_NET_ADMIN (then {}FORCE passes the cap)",
                    direction.name,
                    direction.asked,
                    direction.option,
                    granted,
                    direction.name,
                    direction.sysctl,
                    sysctl(direction.sysctl),
                    direction.option);
        }
    }

    // EPERM without CAP_NET_ADMIN: then the plain option, capped by the sysctl.
    private static boolean forced(Channel channel, IntegerUnixChannelOption force, int size) {
        try {
            return channel.config().setOption(force, size);
        } catch (ChannelException e) {
            LOG.debug("{} refused ({}); using the capped option", force.name(), e.getMessage());
            return false;
        }
    }

    // Not Files.readString: it trusts the size procfs reports and returned only the first byte.
    private static String sysctl(String name) {
        try {
            return Files.readAllLines(Path.of("/proc/sys", name.split("\\.")))
                    .getFirst()
                    .trim();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static final class Direction {
        final String name;
        final String option;
        final String sysctl;
        final int asked;
        final AtomicInteger smallest = new AtomicInteger(Integer.MAX_VALUE);
        final AtomicBoolean warned = new AtomicBoolean();

        Direction(String name, String option, String sysctl, int asked) {
            this.name = name;
            this.option = option;
            this.sysctl = sysctl;
            this.asked = asked;
        }
    }
}
