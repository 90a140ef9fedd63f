package org.jmiredo.e2e;

import java.util.Locale;

/**
 * The hosts of the Teredo lab (one network namespace each), as in the topology of LAB.md. The
 * namespace of a host is the run prefix plus its id, e.g. {@code jm3fa2c1-rly}.
 */
enum Host {
    /** Holds the bridges: br4 (the IPv4 "Internet"), br6 (native IPv6), brl (the NAT's LAN). */
    HUB,
    /** Teredo server (miredo-server) on two consecutive IPv4 addresses. */
    SRV,
    /** The Teredo relay under test: IPv4 and native IPv6, forwarding on. */
    RLY,
    /** A native IPv6 host that reaches 2001::/32 through the relay. */
    V6,
    /** A masquerading NAT router between br4 and the LAN. */
    NAT,
    /** A Teredo client behind the NAT. */
    LAN,
    /** A Teredo client with a public IPv4 address. */
    CLI;

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
