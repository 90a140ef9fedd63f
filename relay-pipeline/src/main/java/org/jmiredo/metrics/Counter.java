package org.jmiredo.metrics;

/** Data-path events counted per event loop, besides drops ({@link DropReason}). */
public enum Counter {
    /** Teredo datagrams received over UDP, and their UDP payload bytes. */
    UDP_RX_PACKETS,
    UDP_RX_BYTES,
    /** Reads of a UDP socket that failed (recvmmsg(2) errors other than "nothing to read"). */
    UDP_RX_ERRORS,
    /** IPv6 packets written to the tunnel (decapsulated), and their bytes. */
    TUN_TX_PACKETS,
    TUN_TX_BYTES,
    /**
     * Of the packets written to the tunnel, those that went inside GSO super-packets (TUN offloads), and the
     * super-packets themselves: each one write(2) in place of as many as it holds.
     */
    TUN_TX_COALESCED_PACKETS,
    TUN_TX_SUPER_PACKETS,
    /** IPv6 packets read from the tunnel, and their bytes. */
    TUN_RX_PACKETS,
    TUN_RX_BYTES,
    /** Teredo datagrams sent over UDP (data, bubbles, queued packets released), and payload bytes. */
    UDP_TX_PACKETS,
    UDP_TX_BYTES,
    /**
     * Of those, datagrams for a peer whose local address (the one of the relay's it reached) has no socket
     * any more, the address having left the host: sent from the address the route picks instead.
     */
    UDP_TX_LOCAL_ADDRESS_GONE,
    /** Bubbles received from peers (control only, never forwarded). */
    BUBBLES_RX,
    /** Indirect bubbles sent through a peer's server (RFC 4380 §5.4.1 case 3). */
    BUBBLES_TX_INDIRECT,
    /**
     * Of the indirect bubbles, those sent because a trusted peer's packet came from a mapping it is not
     * trusted at (dropped as {@link DropReason#MAPPING_MISMATCH}): its NAT rebound its flow to us, and the
     * peer's answer trusts the new mapping at once rather than after a lapse of trust. Each one a recovery
     * begun (or a forged packet's, within the peer's bubble budget).
     */
    BUBBLES_TX_REBOUND(BUBBLES_TX_INDIRECT),
    /**
     * Of the indirect bubbles, those sent to a Teredo peer without an entry whose packet came from a mapping its
     * address does not embed (dropped as {@link DropReason#MAPPING_MISMATCH}): a client behind a symmetric NAT
     * after the relay's restart; its answer, keyed to ours, makes it trusted at that mapping.
     */
    BUBBLES_TX_UNKNOWN(BUBBLES_TX_INDIRECT),
    /** Such bubbles withheld: the same peer was bubbled less than 2 s ago by this event loop. */
    BUBBLES_UNKNOWN_SPACED,
    /**
     * Such bubbles withheld, and those of unproved peers over their credit (both are what a forged packet can
     * cause): the relay's per-second budget ({@code relay.unknown-bubbles-per-second}), shared by every event loop.
     */
    BUBBLES_UNKNOWN_OVER_BUDGET,
    /** Such bubbles withheld: the peer's address names a server or mapping that is not global unicast. */
    BUBBLES_UNKNOWN_UNREACHABLE,
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
    QUEUE_RELEASED_PACKETS,
    /**
     * Packets towards a peer trusted without proof yet (a forged datagram can make one) beyond its credit, 3 bytes
     * per byte received from it: held in its queue until its keyed bubble answer (also counted in QUEUED_PACKETS),
     * or dropped under the queue's reason.
     */
    UNPROVED_OVER_CREDIT,
    /** Server: valid Router Solicitations received (RFC 4380 §5.3.2). */
    ROUTER_SOLICITATIONS_RX,
    /** Server: Router Advertisements sent; their rate is the rate of qualifications. */
    ROUTER_ADVERTISEMENTS_TX,
    /** Server: of those, sent from the other address than the RS arrived on (cone bit set, §5.3.2). */
    ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS(ROUTER_ADVERTISEMENTS_TX),
    /** Server: bubbles forwarded over UDP to a Teredo destination (§5.3.1). */
    SERVER_FORWARDED_BUBBLES,
    /** Server: ICMPv6 echo messages forwarded over UDP to a Teredo destination (§5.3.1). */
    SERVER_FORWARDED_ICMPV6,
    /** Server: ICMPv6 echo messages sent to native IPv6 (relay discovery, §5.2.9), and their bytes. */
    NATIVE_TX_PACKETS,
    NATIVE_TX_BYTES,
    /** Mire: ICMPv6 echo replies sent. */
    ECHO_REPLIES_TX,
    /** Client: Router Solicitations sent (qualification, retransmissions and refreshes, RFC 4380 §5.2.1). */
    ROUTER_SOLICITATIONS_TX,
    /** Client: Router Advertisements taken (each one a qualification step or a refresh answered). */
    ROUTER_ADVERTISEMENTS_RX,
    /** Client: direct IPv6 connectivity tests sent (ICMPv6 echo through the server, RFC 4380 §5.2.9). */
    ECHO_TESTS_TX,
    /** Client: of those, answered: the peer is trusted at the mapping (relay) the reply came from. */
    ECHO_TESTS_PASSED,
    /**
     * Client: direct bubbles not sent to the origin a datagram from our server indicated (RFC 4380 §5.2.3), the
     * client's budget of them a second ({@code client.origin-bubbles-per-second}) being used up.
     */
    ORIGIN_BUBBLES_RATE_LIMITED;

    /** The counter this one counts a part of, counted with it; null for most. */
    private final Counter partOf;

    Counter() {
        this(null);
    }

    Counter(Counter partOf) {
        this.partOf = partOf;
    }

    /** The counter that also counts what this one counts (an RA from the other address is an RA sent), or null. */
    public Counter partOf() {
        return partOf;
    }
}
