package org.jmiredo.proto;

/**
 * Whether an IPv6 address is of global scope, for the server's rule "if the destination IPv6 address is
 * not a global scope IPv6 address, the packet MUST NOT be forwarded" (RFC 4380 §5.3.1). Addresses are
 * held as two longs, as in {@link TeredoAddress}.
 */
public final class Ipv6Scope {
    private Ipv6Scope() {}

    /** ::ffff:0:0/96 (IPv4-mapped, RFC 4291 §2.5.5.2): the upper 32 bits of the lower half. */
    private static final long V4_MAPPED_LO_TOP = 0x0000_FFFFL;

    /**
     * False for: ::/96 (unspecified, loopback and the deprecated IPv4-compatible form, RFC 4291 §2.5.2,
     * §2.5.3, §2.5.5.1), ::ffff:0:0/96 (IPv4-mapped: an IPv4 host, not an IPv6 route), fe80::/10
     * (link-local), fec0::/10 (site-local, site scope, deprecated by RFC 3879) and ff00::/8 (every
     * multicast address: a Teredo server routes unicast only, whatever the multicast scope).
     * Everything else, unique local addresses included (RFC 4193 §3: global scope), is global.
     * Miredo excludes only ::, ::1, fe80::/10 and ff00::/8 (CONFORMANCE M6).
     */
    public static boolean isGlobal(long hi, long lo) {
        if (hi == 0) {
            long top = lo >>> 32;
            return top != 0 && top != V4_MAPPED_LO_TOP;
        }
        int first10 = (int) (hi >>> 54);
        return first10 != (0xFE80 >>> 6) && first10 != (0xFEC0 >>> 6) && !Ipv6.isMulticast(hi);
    }
}
