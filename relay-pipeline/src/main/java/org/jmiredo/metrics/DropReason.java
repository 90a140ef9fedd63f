package org.jmiredo.metrics;

import java.util.Locale;

/**
 * Why a packet was not delivered. A bounded set: each value is one {@code reason} label value of
 * {@code jmiredo_dropped_packets_total}. Every drop on the data path is counted under exactly one.
 */
public enum DropReason {
    /** UDP payload is neither IPv6 nor starts with a Teredo header (RFC 4380 §5.1.1). */
    NOT_TEREDO,
    /** Authentication or origin indication header truncated. */
    MALFORMED_TEREDO,
    /** IPv6 header truncated, or its payload length exceeds the datagram (RFC 6081 §4). */
    MALFORMED_IPV6,
    /** Outer IPv4 source is not global unicast (RFC 4380 §5.2.4). */
    NON_GLOBAL_SOURCE,
    /** From UDP: the IPv6 source is not a Teredo address (RFC 4380 §5.4.2). */
    SOURCE_NOT_TEREDO,
    /** From UDP: the embedded mapping differs from the outer IPv4/port, and no bubble proof (§5.4.2). */
    MAPPING_MISMATCH,
    /** From UDP: unknown peer and the configured policy drops it (§5.4.2 "may be silently discarded"). */
    UNKNOWN_PEER,
    /** A multicast IPv6 destination (as Miredo, M17). */
    MULTICAST,
    /** From UDP: a destination the relay does not forward (a Teredo address: would loop). */
    DESTINATION_NOT_SERVED,
    /** From the tunnel: the destination is not a Teredo address (§5.4.1). */
    DESTINATION_NOT_TEREDO,
    /** From the tunnel: an IPv4 embedded in the destination is not global unicast (§5.4.1). */
    NON_GLOBAL_DESTINATION,
    /** From the tunnel: the peer did not answer its bubbles in time; ICMPv6 unreachable returned. */
    PEER_UNREACHABLE,
    /** From the tunnel: the per-peer queue awaiting a bubble reply is full (§5.4.1 queue limit). */
    QUEUE_FULL,
    /** From the tunnel: no room for another peer awaiting a bubble reply. */
    QUEUE_PEERS_FULL,
    /** Queued packets thrown away with their expired peer entry (§5.4.1). */
    QUEUE_EXPIRED,
    /** The tunnel device refused the write (full or down). */
    TUN_WRITE_FAILED,
    /** The UDP socket refused the write. */
    UDP_WRITE_FAILED,
    /** A packet larger than the tunnel MTU. */
    TOO_BIG;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The Prometheus label value. */
    public String label() {
        return label;
    }
}
