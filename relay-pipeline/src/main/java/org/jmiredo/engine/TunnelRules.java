package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;

/**
 * The rules for packets read from the tunnel: the relay's {@link Transmission}, or the client's.
 *
 * <p>A read burst may look its destination peers up first, all at once ({@link #clearLookups}, {@link
 * #lookAhead} for each packet, {@link #lookUp}), then hand each packet to {@link #fromTunnel(ByteBuf, int,
 * RelayOutput)} with its lookup, in order. Rules that gain nothing from it keep the defaults: no lookup
 * ahead, each packet on its own.
 */
public interface TunnelRules {
    /** Handles one IPv6 packet read from the tunnel, looked up alone. Takes ownership of {@code packet}. */
    void fromTunnel(ByteBuf packet, RelayOutput out);

    /**
     * {@link #fromTunnel(ByteBuf, RelayOutput)} given what {@link #lookAhead} returned for {@code packet}
     * after {@link #lookUp} (-1: none, looked up here). Takes ownership of {@code packet}.
     */
    default void fromTunnel(ByteBuf packet, int lookup, RelayOutput out) {
        fromTunnel(packet, out);
    }

    /** Starts the lookups of a new burst. */
    default void clearLookups() {}

    /**
     * Adds the lookup of {@code packet}'s destination peer to the burst and returns its index, or -1 when
     * there is none to make (the packet is dropped before any lookup, or the burst is full). Keeps no
     * reference to {@code packet}, which stays the caller's; it may cut it to its IPv6 length, as the
     * rules would.
     */
    default int lookAhead(ByteBuf packet) {
        return -1;
    }

    /** Looks up every peer {@link #lookAhead} added, all at once. */
    default void lookUp() {}
}
