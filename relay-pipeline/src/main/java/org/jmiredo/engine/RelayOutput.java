package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;

/**
 * Where the relay rules put what they decide to send. The rules do no I/O themselves: the Netty
 * adapters implement this, writing to the event loop's own UDP channel and TUN queue.
 */
public interface RelayOutput {
    /** Writes an IPv6 packet into the tunnel. Takes ownership of {@code packet}. */
    void toTun(ByteBuf packet);

    /** Sends a UDP payload to {@code ipv4}:{@code port}. Takes ownership of {@code payload}. */
    void toUdp(ByteBuf payload, int ipv4, int port);
}
