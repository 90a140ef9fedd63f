package org.jmiredo.metrics;

/** Data-path events counted per event loop, besides drops ({@link DropReason}). */
public enum Counter {
    /** Teredo datagrams received over UDP, and their UDP payload bytes. */
    UDP_RX_PACKETS,
    UDP_RX_BYTES,
    /** IPv6 packets written to the tunnel (decapsulated), and their bytes. */
    TUN_TX_PACKETS,
    TUN_TX_BYTES,
    /** IPv6 packets read from the tunnel, and their bytes. */
    TUN_RX_PACKETS,
    TUN_RX_BYTES,
    /** Teredo datagrams sent over UDP (data, bubbles, queued packets released), and payload bytes. */
    UDP_TX_PACKETS,
    UDP_TX_BYTES,
    /** Bubbles received from peers (control only, never forwarded). */
    BUBBLES_RX,
    /** Indirect bubbles sent through a peer's server (RFC 4380 §5.4.1 case 3). */
    BUBBLES_TX_INDIRECT,
    /** Direct bubbles sent to a peer's mapping (restricted relays, §5.4.1). */
    BUBBLES_TX_DIRECT,
    /** Bubbles not sent because of the spacing or the 4-per-300-s limit. */
    BUBBLES_RATE_LIMITED,
    /** ICMPv6 errors written back to the tunnel. */
    ICMP_ERRORS_TX,
    /** ICMPv6 errors suppressed by the rate limit. */
    ICMP_ERRORS_RATE_LIMITED,
    /** Peers that became trusted (bubble answered, or soft-state recovery). */
    PEERS_TRUSTED,
    /** Packets queued while awaiting a bubble reply, and released when the peer became trusted. */
    QUEUED_PACKETS,
    QUEUE_RELEASED_PACKETS
}
