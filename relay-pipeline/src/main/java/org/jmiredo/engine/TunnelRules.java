package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;

/** The rules for packets read from the tunnel: the relay's {@link Transmission}, or the client's. */
public interface TunnelRules {
    /** Handles one IPv6 packet read from the tunnel. Takes ownership of {@code packet}. */
    void fromTunnel(ByteBuf packet, RelayOutput out);
}
