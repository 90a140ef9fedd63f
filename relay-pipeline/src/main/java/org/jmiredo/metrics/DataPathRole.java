package org.jmiredo.metrics;

import java.util.Locale;
import java.util.Set;

/**
 * The data paths a daemon can run, each counting a subset of {@link Counter} and {@link DropReason}: a
 * daemon exposes only its own roles' series, each from start (a drop reason at 0, so that rate() has a
 * first sample). The switches have no default: a new counter or reason does not compile until someone
 * says which roles count it.
 */
public enum DataPathRole {
    /** {@code jmiredo relay}: UDP and TUN, the peer table. */
    RELAY,
    /** {@code jmiredo server}: RS/RA, bubbles and small ICMPv6 between two UDP addresses and a raw socket. */
    SERVER,
    /** {@code jmiredo mire}: echo replies over Teredo. */
    MIRE,
    /** {@code jmiredo client}: qualification and maintenance (RS/RA with its server). */
    CLIENT;

    private static final Set<DataPathRole> ALL = Set.of(values());

    /** The daemon command that runs the role: relay, server, mire. */
    public String command() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean counts(Counter counter) {
        return roles(counter).contains(this);
    }

    public boolean counts(DropReason reason) {
        return roles(reason).contains(this);
    }

    private static Set<DataPathRole> roles(Counter counter) {
        return switch (counter) {
            case UDP_RX_PACKETS, UDP_RX_BYTES, UDP_TX_PACKETS, UDP_TX_BYTES -> ALL;
            case TUN_TX_COALESCED_PACKETS,
                    TUN_TX_SUPER_PACKETS,
                    UDP_TX_LOCAL_ADDRESS_GONE,
                    BUBBLES_TX_UNKNOWN,
                    BUBBLES_UNKNOWN_SPACED,
                    BUBBLES_UNKNOWN_OVER_BUDGET,
                    BUBBLES_UNKNOWN_UNREACHABLE,
                    UNPROVED_OVER_CREDIT -> Set.of(RELAY);
            // The client has a tunnel, a peer table and bubbles of its own (RFC 4380 §5.2.3, §5.2.4).
            case TUN_TX_PACKETS,
                    TUN_TX_BYTES,
                    TUN_RX_PACKETS,
                    TUN_RX_BYTES,
                    BUBBLES_TX_INDIRECT,
                    BUBBLES_TX_REBOUND,
                    BUBBLES_RATE_LIMITED,
                    ICMP_ERRORS_TX,
                    ICMP_ERRORS_RATE_LIMITED,
                    PEERS_TRUSTED,
                    QUEUED_PACKETS,
                    QUEUE_RELEASED_PACKETS -> Set.of(RELAY, CLIENT);
            // Only the relay's and the client's sockets are read by the transport's own recvmmsg (epoll); the
            // other roles' by Netty.
            case UDP_RX_ERRORS -> Set.of(RELAY, CLIENT);
            // The mire answers a bubble with a direct bubble (MireRules).
            case BUBBLES_RX, BUBBLES_TX_DIRECT -> Set.of(RELAY, MIRE, CLIENT);
            case ROUTER_SOLICITATIONS_RX,
                    ROUTER_ADVERTISEMENTS_TX,
                    ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS,
                    SERVER_FORWARDED_BUBBLES,
                    SERVER_FORWARDED_ICMPV6,
                    NATIVE_TX_PACKETS,
                    NATIVE_TX_BYTES -> Set.of(SERVER);
            case ECHO_REPLIES_TX -> Set.of(MIRE);
            case ROUTER_SOLICITATIONS_TX,
                    ROUTER_ADVERTISEMENTS_RX,
                    ECHO_TESTS_TX,
                    ECHO_TESTS_PASSED,
                    ORIGIN_BUBBLES_RATE_LIMITED -> Set.of(CLIENT);
        };
    }

    private static Set<DataPathRole> roles(DropReason reason) {
        return switch (reason) {
            // The Teredo header decoding and the outer source check are shared; every path writes UDP.
            case NOT_TEREDO, MALFORMED_TEREDO, MALFORMED_IPV6, NON_GLOBAL_SOURCE, UDP_WRITE_FAILED, INTERNAL_ERROR ->
                ALL;
            case MAPPING_MISMATCH, NON_GLOBAL_DESTINATION -> Set.of(RELAY, SERVER, CLIENT);
            case SOURCE_NOT_TEREDO,
                    UNKNOWN_PEER,
                    MULTICAST,
                    DESTINATION_NOT_SERVED,
                    PEER_UNREACHABLE,
                    QUEUE_FULL,
                    TUN_WRITE_FAILED,
                    TUN_OVERSIZED,
                    TUN_NOT_IPV6,
                    UDP_TRUNCATED -> Set.of(RELAY, CLIENT);
            case DESTINATION_NOT_TEREDO,
                    DESTINATION_OUT_OF_RANGE,
                    QUEUE_PEERS_FULL,
                    TUN_OFFLOAD_MALFORMED,
                    TUN_OFFLOAD_UNSUPPORTED -> Set.of(RELAY);
            case NOT_GLOBAL_SCOPE -> Set.of(SERVER, CLIENT);
            case NOT_BUBBLE_OR_ICMPV6,
                    NOT_ACCEPTED,
                    LOCAL_LOOP,
                    UNHANDLED_LOCAL,
                    INVALID_ROUTER_SOLICITATION,
                    RA_RATE_LIMITED,
                    RA_DESTINATION_LIMITED,
                    FORWARD_RATE_LIMITED,
                    FORWARD_DESTINATION_LIMITED,
                    PAYLOAD_TOO_LARGE,
                    NOT_RELAYED,
                    TRAILER_TOO_LONG,
                    NATIVE_WRITE_FAILED -> Set.of(SERVER);
            case NOT_ANSWERED -> Set.of(MIRE);
            case INVALID_ROUTER_ADVERTISEMENT, NOT_QUALIFIED, UNTESTED_MAPPING, ECHO_TEST_RATE_LIMITED ->
                Set.of(CLIENT);
        };
    }
}
