package org.jmiredo.server;

import io.netty.buffer.ByteBuf;
import org.jmiredo.server.sys.RawIpv6Socket;
import org.jmiredo.tun.TunQueue;

/**
 * The server's native IPv6 output on one event loop: each packet (bare IPv6, header included) goes to
 * the raw IPv6 socket, routed by its destination. Never takes ownership (the caller releases); a refused
 * write returns false and the caller counts it (NATIVE_WRITE_FAILED).
 */
final class NativeIpv6Output implements TunQueue {
    private final RawIpv6Socket.Sender sender;

    NativeIpv6Output(RawIpv6Socket.Sender sender) {
        this.sender = sender;
    }

    @Override
    public boolean write(ByteBuf packet) {
        return sender.send(packet) >= 0;
    }

    /** The output when native forwarding is off: the rules drop before it is reached, so it refuses. */
    static TunQueue refusing() {
        return packet -> false;
    }
}
