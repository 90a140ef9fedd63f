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
    /**
     * IPv6 header truncated, or its payload length exceeds the datagram (RFC 6081 §4), or is 0 while the
     * next header is not 59 (a packet that announces a header it does not carry).
     */
    MALFORMED_IPV6,
    /**
     * From UDP: a datagram larger than a receive slot (tun.mtu + 64 bytes, at least 1500), which the kernel
     * cut; nothing that large fits the tunnel (RFC 4380 §5.1.2 sizes Teredo packets by the tunnel's MTU).
     */
    UDP_TRUNCATED,
    /** Outer IPv4 source is not global unicast (RFC 4380 §5.2.4), or its port is 0, which no answer can reach. */
    NON_GLOBAL_SOURCE,
    /** From UDP: the IPv6 source is not a Teredo address (RFC 4380 §5.4.2). */
    SOURCE_NOT_TEREDO,
    /** From UDP: the embedded mapping differs from the outer IPv4/port, and no bubble proof (§5.4.2). */
    MAPPING_MISMATCH,
    /** From UDP: unknown peer and the configured policy drops it (§5.4.2 "may be silently discarded"). */
    UNKNOWN_PEER,
    /** A multicast IPv6 destination (as Miredo, M17); from the tunnel also a multicast source (Miredo too). */
    MULTICAST,
    /**
     * From UDP: a destination the relay never forwards to: a Teredo address (would loop), or one not of global scope
     * (link-local, loopback...), whatever {@code relay.served-prefixes} says.
     */
    DESTINATION_NOT_SERVED,
    /**
     * Relay, from UDP: a global destination outside the range the relay serves ({@code relay.served-prefixes}; by
     * default a unique local address, fc00::/7), RFC 4380 §5.4.2.
     */
    DESTINATION_OUT_OF_RANGE,
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
    /** The tunnel device refused the write (full or down). */
    TUN_WRITE_FAILED,
    /**
     * From the tunnel: a packet longer than one Teredo datagram carries (65,507 bytes: the device's MTU was raised
     * above it), or a read the kernel reported longer than any packet. Packets above tun.mtu are carried.
     */
    TUN_OVERSIZED,
    /** From the tunnel: offload metadata (virtio header) that contradicts its packet; a kernel or relay bug. */
    TUN_OFFLOAD_MALFORMED,
    /** From the tunnel: a super-packet of a kind the relay does not cut (IPv4, UFO, IPv6 extension headers). */
    TUN_OFFLOAD_UNSUPPORTED,
    /**
     * From the tunnel: a read whose address-family header (a BSD tunnel's 4 bytes in front of each packet) names
     * another family than IPv6, or a read too short to hold that header; only IPv6 passes.
     */
    TUN_NOT_IPV6,
    /** The UDP socket refused the write. */
    UDP_WRITE_FAILED,
    /** An exception in the data path (a bug): the packet was dropped, the loop carries on. */
    INTERNAL_ERROR,
    /** Server: neither a bubble nor ICMPv6, e.g. TCP or UDP; a server is not a relay (RFC 4380 §5.3.1 rule 2). */
    NOT_BUBBLE_OR_ICMPV6,
    /** Server: no acceptance rule of RFC 4380 §5.3.1 (4 to 6) matched, so rule 7 discards it. */
    NOT_ACCEPTED,
    /** Server: from one of its own addresses and port 3544, or towards them: a UDP loop (Miredo, CONFORMANCE M2). */
    LOCAL_LOOP,
    /** Server: to ff02::2 or its own link-local address but not a Router Solicitation (as Miredo, M5). */
    UNHANDLED_LOCAL,
    /** Server: an RS that fails the RFC 4861 §6.1.1 checks (checksum, code, hop limit 255, link-local source). */
    INVALID_ROUTER_SOLICITATION,
    /** Server: an RS not answered because the configured RA-per-second budget was used up. */
    RA_RATE_LIMITED,
    /** Server: an RS not answered because its source IPv4 (a reflection's victim?) used up its own RA budget. */
    RA_DESTINATION_LIMITED,
    /**
     * Server: a bubble or echo message for a Teredo destination not forwarded because the whole server's budget of
     * forwarded packets a second was used up ({@code server.forward-per-second}).
     */
    FORWARD_RATE_LIMITED,
    /**
     * Server: a bubble or echo message for a Teredo destination not forwarded because the IPv4 address it embeds (a
     * reflection's victim?) used up its own budget ({@code server.forward-per-destination}).
     */
    FORWARD_DESTINATION_LIMITED,
    /**
     * Server: the IPv6 destination is not of global scope (link-local, multicast, loopback...), RFC 4380 §5.3.1.
     * Client: a native peer (the source from UDP, the destination from the tunnel) that is not.
     */
    NOT_GLOBAL_SCOPE,
    /** Server: a non-bubble whose IPv6 payload exceeds the configured limit, 88 bytes as Miredo (M1). */
    PAYLOAD_TOO_LARGE,
    /** Server: ICMPv6 other than echo request/reply, or a bubble towards native IPv6: not relayed (RFC 4380 §5.3). */
    NOT_RELAYED,
    /** Server: more bytes after the IPv6 packet (RFC 6081 trailers) than the configured limit. */
    TRAILER_TOO_LONG,
    /** Server: the native IPv6 output (raw socket or TUN) refused the write. */
    NATIVE_WRITE_FAILED,
    /** Mire: nothing to answer (not a valid echo request, or not a bubble on the service port). */
    NOT_ANSWERED,
    /**
     * Client: a Router Advertisement the qualification does not take: not awaited, or failing a check of RFC
     * 4380 §5.2.1/§5.2.2 (origin indication, nonce, destination, one prefix option, prefix and server).
     */
    INVALID_ROUTER_ADVERTISEMENT,
    /** Client: anything but a Router Advertisement while the client carries no data (only qualification is built). */
    NOT_QUALIFIED,
    /**
     * Client: a packet from a native host, held while the echo test towards that host ran (RFC 4380 §5.2.3
     * case 6), that came from another IPv4/port than the test's reply: not from the relay that serves the host.
     */
    UNTESTED_MAPPING,
    /**
     * Client: a packet from a native source speaking first (RFC 4380 §5.2.3 case 6) not held, because the client's
     * budget of echo tests for such sources a second ({@code client.echo-tests-per-second}) was used up: no test
     * was sent for it.
     */
    ECHO_TEST_RATE_LIMITED;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The Prometheus label value. */
    public String label() {
        return label;
    }
}
