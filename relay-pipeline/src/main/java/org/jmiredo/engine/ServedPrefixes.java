package org.jmiredo.engine;

import java.util.List;
import org.jmiredo.proto.Ipv6Prefix;

/**
 * The range of native destinations the relay serves to its Teredo peers (RFC 4380 §5.4.2: "the Teredo relay
 * SHOULD check that the destination IPv6 address is inside the range served by the relay"; {@code
 * relay.served-prefixes}). Immutable; a reload makes a new one, carried to every loop in {@link RelaySettings}.
 *
 * <p>Empty (the default): every destination except unique local addresses (fc00::/7, RFC 4193), which are the
 * operator's own network's, never reached from the Internet through a relay; destinations that are not global
 * (link-local, loopback, multicast) and Teredo ones are refused before, as {@code destination_not_served}. A
 * list: only the destinations inside one of its prefixes, a unique local one too if a prefix covers it.
 *
 * <p>Per packet: the default is one shift and compare; a list is a scan of one array holding (address, mask)
 * of each prefix as four longs, in the order written (put the busiest first), no allocation, no lock.
 */
public final class ServedPrefixes {
    /** At most this many prefixes: a small scan per packet (aggregate longer lists into shorter prefixes). */
    public static final int MAX = 64;

    /** fc00::/7 (RFC 4193 §3.1): its first 7 bits. */
    private static final long UNIQUE_LOCAL_TOP7 = 0xFC00L >>> 9;

    private static final ServedPrefixes DEFAULT = new ServedPrefixes(List.of());

    /** Per prefix: address hi, address lo, mask hi, mask lo. Empty for the default. */
    private final long[] ranges;

    private final List<Ipv6Prefix> prefixes;

    private ServedPrefixes(List<Ipv6Prefix> prefixes) {
        if (prefixes.size() > MAX) {
            throw new IllegalArgumentException("at most " + MAX + " served prefixes, got " + prefixes.size());
        }
        this.prefixes = List.copyOf(prefixes);
        this.ranges = new long[prefixes.size() * 4];
        for (int i = 0; i < prefixes.size(); i++) {
            Ipv6Prefix p = prefixes.get(i);
            ranges[4 * i] = p.hi();
            ranges[4 * i + 1] = p.lo();
            ranges[4 * i + 2] = Ipv6Prefix.maskHi(p.length());
            ranges[4 * i + 3] = Ipv6Prefix.maskLo(p.length());
        }
    }

    /** The default: every destination but unique local addresses (fc00::/7). */
    public static ServedPrefixes defaults() {
        return DEFAULT;
    }

    /** Only destinations inside {@code prefixes}; an empty list is the default ({@link #defaults()}). */
    public static ServedPrefixes of(List<Ipv6Prefix> prefixes) {
        return prefixes.isEmpty() ? DEFAULT : new ServedPrefixes(prefixes);
    }

    /** Whether the relay forwards Teredo peers' packets to {@code hi:lo} (a global unicast destination). */
    public boolean serves(long hi, long lo) {
        long[] r = ranges;
        if (r.length == 0) {
            return (hi >>> 57) != UNIQUE_LOCAL_TOP7;
        }
        for (int i = 0; i < r.length; i += 4) {
            if ((hi & r[i + 2]) == r[i] && (lo & r[i + 3]) == r[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** The prefixes as configured; empty for the default. */
    public List<Ipv6Prefix> prefixes() {
        return prefixes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServedPrefixes s && s.prefixes.equals(prefixes);
    }

    @Override
    public int hashCode() {
        return prefixes.hashCode();
    }

    @Override
    public String toString() {
        return prefixes.isEmpty() ? "every global destination but fc00::/7" : prefixes.toString();
    }
}
