package org.jmiredo.peer;

/**
 * The 32-byte slot: four consecutive longs of a segment's {@code long[]}, slot {@code i} at {@code i << 2}.
 * <pre>
 * w0 KEY_HI  address bytes 0-7 (prefix | server IPv4); 0 = empty slot (a Teredo prefix is never 0)
 * w1 KEY_LO  address bytes 8-15 (flags | ~port | ~client IPv4)
 * w2 STATE   mapped IPv4 (63-32) | mapped port (31-16) | local address (15-8) | FRESH (7) | UNPROVED (6)
 *            | bubble count (5-3) | REFERENCED (2) | QUEUED (1) | TRUSTED (0)
 * w3 TIMES   lastActive (63-32) | rx age (31-16) | bubble age (15-0)
 * </pre>
 * RFC 4380 §5.2 lists the fields of a peer entry; the relay needs the mapping, the trusted flag, the
 * last receive time and the bubble count and time (§5.4.1 case 3, Miredo's retry limits). The "last
 * transmit time" is folded into {@code lastActive}: the only use the relay has for it is idleness. The
 * local address is which of the relay's own IPv4 addresses the peer's mapping was learned on (an index the
 * transport gives, 0 = unknown): a relay bound to 0.0.0.0 answers from it, or a NAT that filters by source
 * would drop the answer. It is part of the mapping and changes with it.
 *
 * <p>Times. {@code lastActive} is the latest of lastRx, lastBubble and every touch, exact, in seconds;
 * idleness is {@code now - lastActive}. lastRx and lastBubble are stored as ages below lastActive
 * (16 bits each) so three times fit in one word. An age saturates at {@link #AGE_MAX} (about 18.2 hours):
 * a time older than that reads back as exactly {@code lastActive - AGE_MAX}, still more than 18 hours
 * old, which answers every comparison the relay makes (2 s, 30 s, 300 s) the same way. The value 0 is
 * stored as {@link #AGE_NEVER} and reads back as 0 ("never"), the value a new entry starts with.
 * lastActive only ever moves forward: setting a field to an older time never makes an entry look idler.
 *
 * <p>Bits. REFERENCED is CLOCK's: set by every use ({@code touch}), cleared as the hand passes. FRESH marks an
 * entry made by a packet that anyone could have forged and that trusted it at once (a source matching the
 * mapping its address embeds, {@code relay.unknown-peers = accept-matching}): set by {@code insertFresh},
 * cleared by the first use, never set again, so a FRESH entry is never REFERENCED. It tells such a one-shot
 * entry from a trusted peer in use whose REFERENCED bit CLOCK cleared (both show TRUSTED set and REFERENCED
 * clear), which eviction must not confuse ({@code SlotArray.unusedNewPeerFrom}).
 *
 * <p>UNPROVED marks an entry trusted by such a packet that no bubble exchange has proved yet: set with FRESH, but
 * kept after the first use, cleared only when the peer answers one of our keyed bubbles (M15). Until then what
 * the relay sends it is bounded by the bytes it sent us ({@link ProofCredits}); the bubble count needs 3 bits
 * only (at most {@code Teredo.MAX_BUBBLES}, 4), so the bit is the count's former fourth.
 */
final class SlotLayout {
    static final int SHIFT = 2;
    static final int WORDS = 1 << SHIFT;
    static final int KEY_HI = 0;
    static final int KEY_LO = 1;
    static final int STATE = 2;
    static final int TIMES = 3;

    static final long TRUSTED = 1L;
    static final long QUEUED = 1L << 1;
    static final long REFERENCED = 1L << 2;
    static final long FRESH = 1L << 7;
    static final long UNPROVED = 1L << 6;
    static final int BUBBLES_SHIFT = 3;
    static final int MAX_BUBBLES = 7;
    static final long BUBBLES_MASK = (long) MAX_BUBBLES << BUBBLES_SHIFT;
    static final int PORT_SHIFT = 16;
    static final int IPV4_SHIFT = 32;
    static final int LOCAL_SHIFT = 8;
    static final int MAX_LOCAL = 0xFF; // RelayOutput.MAX_LOCAL
    static final long MAPPING_MASK = 0xFFFF_FFFF_FFFF_FF00L;

    static final int RX_AGE_SHIFT = 16;
    static final int BUBBLE_AGE_SHIFT = 0;
    static final int AGE_NEVER = 0xFFFF;
    static final int AGE_MAX = 0xFFFE;

    private SlotLayout() {}

    // ---- w2 ----

    static int mappedIpv4(long state) {
        return (int) (state >>> IPV4_SHIFT);
    }

    static int mappedPort(long state) {
        return (int) (state >>> PORT_SHIFT) & 0xFFFF;
    }

    static int localAddress(long state) {
        return (int) (state >>> LOCAL_SHIFT) & MAX_LOCAL;
    }

    static long withMapping(long state, int ipv4, int port, int local) {
        return (state & ~MAPPING_MASK)
                | ((long) ipv4 << IPV4_SHIFT)
                | ((long) (port & 0xFFFF) << PORT_SHIFT)
                | ((long) (local & MAX_LOCAL) << LOCAL_SHIFT);
    }

    static int bubbleCount(long state) {
        return (int) ((state & BUBBLES_MASK) >>> BUBBLES_SHIFT);
    }

    /** Counts outside 0..7 are clamped: the relay's limits (Miredo: 4 per 300 s) are below 7. */
    static long withBubbleCount(long state, int count) {
        long c = Math.clamp(count, 0, MAX_BUBBLES);
        return (state & ~BUBBLES_MASK) | (c << BUBBLES_SHIFT);
    }

    // ---- w3 ----

    static long initialTimes(int now) {
        return ((long) now << 32) | ((long) AGE_NEVER << RX_AGE_SHIFT) | AGE_NEVER;
    }

    static int lastActive(long times) {
        return (int) (times >>> 32);
    }

    /** lastRx ({@link #RX_AGE_SHIFT}) or lastBubble ({@link #BUBBLE_AGE_SHIFT}) as an absolute time. */
    static int time(long times, int ageShift) {
        int age = (int) (times >>> ageShift) & 0xFFFF;
        return age == AGE_NEVER ? 0 : lastActive(times) - age;
    }

    static long withTime(long times, int ageShift, int time) {
        long raised = raise(times, time);
        int age = time == 0 ? AGE_NEVER : clampAge(lastActive(raised) - time);
        return (raised & ~(0xFFFFL << ageShift)) | ((long) age << ageShift);
    }

    /** Moves lastActive forward to {@code now} (if later), keeping both absolute times by growing the ages. */
    static long raise(long times, int now) {
        int active = lastActive(times);
        int forward = now - active; // wrap-safe: clock values are within 2^31 s of each other
        if (forward <= 0) {
            return times;
        }
        int rxAge = grow((int) (times >>> RX_AGE_SHIFT) & 0xFFFF, forward);
        int bubbleAge = grow((int) times & 0xFFFF, forward);
        return ((long) now << 32) | ((long) rxAge << RX_AGE_SHIFT) | bubbleAge;
    }

    private static int grow(int age, int forward) {
        return age == AGE_NEVER ? AGE_NEVER : clampAge((long) age + forward);
    }

    private static int clampAge(long age) {
        return Math.clamp(age, 0, AGE_MAX);
    }
}
