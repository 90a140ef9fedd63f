package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;
import org.jmiredo.metrics.Counter;

/**
 * Where the relay rules put what they decide to send. The rules do no I/O themselves: the Netty
 * adapters implement this, writing to the event loop's own UDP channels and TUN queue.
 */
public interface RelayOutput {
    /** Writes an IPv6 packet into the tunnel. Takes ownership of {@code packet}. */
    void toTun(ByteBuf packet);

    /**
     * Sends a UDP payload to {@code ipv4}:{@code port} from the relay's local address {@code local} (an
     * index the transport gave the socket a packet arrived on, see {@link Reception#data}), or from the one
     * the route picks when {@code local} is {@link #ANY_LOCAL}. Takes ownership of {@code payload}. Counts
     * it once its fate is known: as sent, with {@code kind} (a bubble, a released packet...; null for data),
     * when the kernel took it, else as the drop it was; so the caller counts nothing.
     */
    void toUdp(ByteBuf payload, int ipv4, int port, int local, Counter kind);

    /** No particular local address: the relay's main socket, whose source the kernel's route picks. */
    int ANY_LOCAL = 0;

    /** The highest local address index: the peer table keeps it in 8 bits. */
    int MAX_LOCAL = 255;
}
