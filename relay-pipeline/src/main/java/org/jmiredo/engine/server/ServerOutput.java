package org.jmiredo.engine.server;

import io.netty.buffer.ByteBuf;
import org.jmiredo.metrics.Counter;

/**
 * Where the server rules put what they decide to send. The rules do no I/O: the Netty adapter
 * implements this over the two UDP sockets (primary and secondary address, both port 3544) and the
 * native IPv6 output (a raw IPv6 socket or a TUN queue, chosen by the daemon).
 */
public interface ServerOutput {
    /**
     * Sends a UDP payload from {@code from}'s address, port 3544, to {@code ipv4}:{@code port}. Takes
     * ownership of {@code payload}. Counts it once its fate is known: as sent, with {@code kind} (an RA, a
     * forwarded bubble...), when the kernel took it, else as the drop it was; so the rules count nothing.
     */
    void toUdp(ByteBuf payload, ServerEndpoint from, int ipv4, int port, Counter kind);

    /**
     * Sends an IPv6 packet (its readable bytes, nothing before or after) to the native IPv6 Internet by
     * normal routing (RFC 4380 §5.3.1). Takes ownership of {@code packet}.
     */
    void toNative(ByteBuf packet);
}
