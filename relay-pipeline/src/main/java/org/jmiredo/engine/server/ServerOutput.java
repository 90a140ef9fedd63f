package org.jmiredo.engine.server;

import io.netty.buffer.ByteBuf;

/**
 * Where the server rules put what they decide to send. The rules do no I/O: the Netty adapter
 * implements this over the two UDP sockets (primary and secondary address, both port 3544) and the
 * native IPv6 output (a raw IPv6 socket or a TUN queue, chosen by the daemon).
 */
public interface ServerOutput {
    /**
     * Sends a UDP payload from {@code from}'s address, port 3544, to {@code ipv4}:{@code port}. Takes
     * ownership of {@code payload}. Returns false when the socket refused it at once (its send queue full,
     * counted there), so that the rules do not count it as sent. A refusal the kernel reports only when the
     * burst is flushed (a directed broadcast, an address removed under the daemon) is counted by the
     * channel's handler as {@code udp_write_failed}; the rules have counted that one as sent already.
     */
    boolean toUdp(ByteBuf payload, ServerEndpoint from, int ipv4, int port);

    /**
     * Sends an IPv6 packet (its readable bytes, nothing before or after) to the native IPv6 Internet by
     * normal routing (RFC 4380 §5.3.1). Takes ownership of {@code packet}.
     */
    void toNative(ByteBuf packet);
}
