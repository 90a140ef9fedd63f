package org.jmiredo.proto;

import java.security.SecureRandom;

/**
 * The IPv6 source of the bubbles the relay sends, chosen much as Miredo does (CONFORMANCE M14): fe80::/64
 * plus a 64-bit keyed hash, here of the whole destination address (Miredo: of its mapping only). A reply
 * bubble comes back addressed to that source, so it can be checked without any state: only someone who
 * saw our bubble to that address knows the hash. RFC 4380 §5.4.1 case 3 only asks for "a local IPv6
 * address".
 *
 * <p>The key is 128 random bits per process, so the addresses mean nothing across restarts and cannot be
 * predicted by an off-path sender. Immutable: one instance may be shared by every event loop.
 */
public final class BubbleSource {
    /** The upper 64 bits of every source this class makes: fe80::/64. */
    public static final long LINK_LOCAL_HI = Ipv6.LINK_LOCAL_HI;

    /**
     * The 'u' (0x02) and 'g' (0x01) bits of the first interface-identifier byte (address byte 8) in
     * modified EUI-64 form (RFC 4291 §2.5.1, appendix A), cleared: the identifier is local and unicast.
     * The same bits as {@link Teredo#FLAG_UG} in a Teredo address.
     */
    static final long UG_BITS = 0x0300_0000_0000_0000L;

    private final long k0;
    private final long k1;

    /** A source with a fixed key; for tests, and for a key kept outside this process. */
    public BubbleSource(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** A source with a fresh 128-bit key from a new {@link SecureRandom}: one per process. */
    public static BubbleSource random() {
        return random(new SecureRandom());
    }

    /** A source with a fresh 128-bit key from {@code random}. */
    public static BubbleSource random(SecureRandom random) {
        return new BubbleSource(random.nextLong(), random.nextLong());
    }

    /**
     * The interface identifier (lower 64 bits) of the source for a bubble to the Teredo address
     * {@code peerHi}:{@code peerLo}; the upper 64 bits are {@link #LINK_LOCAL_HI}. Keyed on the whole
     * address, not only its mapping (Miredo hashes the mapping): otherwise a sender who made us bubble
     * towards an address of its own choosing with the victim's mapping would learn the answer that
     * hijacks the victim's entry.
     */
    public long interfaceId(long peerHi, long peerLo) {
        return SipHash.hash16(k0, k1, peerHi, peerLo) & ~UG_BITS;
    }

    /**
     * True when {@code dstHi}:{@code dstLo}, a reply's destination, is the source we used for a bubble to the
     * reply's source {@code peerHi}:{@code peerLo}: a peer answers by swapping the two addresses.
     */
    public boolean answers(long dstHi, long dstLo, long peerHi, long peerLo) {
        return dstHi == LINK_LOCAL_HI && dstLo == interfaceId(peerHi, peerLo);
    }
}
