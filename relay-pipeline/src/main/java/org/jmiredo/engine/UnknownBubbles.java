package org.jmiredo.engine;

import org.jmiredo.proto.Teredo;

/**
 * The bound on the keyed indirect bubbles a relay sends to Teredo peers it has no entry for, whose data packet
 * came from a mapping their address does not embed (a client behind a symmetric NAT after our restart, see {@link
 * Reception}). Stateless towards the peer table: no entry, no lock, nothing a flood could fill. One event loop's
 * thread only (no synchronisation but the budget's), fixed memory whatever the load: the relay's per-second budget,
 * shared by every loop without a lock ({@link PerSecondBudget}), and per loop a small direct-mapped
 * memory of the peers bubbled in the last {@value Teredo#BUBBLE_SPACING_SECONDS} s, so that a busy client's
 * packets in flight during the round trip make one bubble, not one each. A slot another peer took meanwhile only
 * costs one more bubble, within the budget.
 */
public final class UnknownBubbles {
    /** Send one now (counted in the budget and remembered). */
    public static final int SEND = 0;
    /** This peer was bubbled by this event loop less than 2 s ago. */
    public static final int SPACED = 1;
    /** The second's budget is spent (or 0: none are sent). */
    public static final int OVER_BUDGET = 2;

    /** Slots of the memory: 32 KiB per event loop. */
    private static final int SLOTS = 1 << 12;

    /** Per slot: the peer hash's high 32 bits, and 1 + the second it was bubbled (0 = empty). */
    private final long[] recent = new long[SLOTS];
    /** The relay's budget, shared by the loops; 0 per second sends none (0 is not "unlimited" here). */
    private final PerSecondBudget budget;

    /** @param perSecond the most bubbles per clock second, with a budget of its own; 0 for none */
    public UnknownBubbles(int perSecond) {
        this(new PerSecondBudget(perSecond));
    }

    /** @param budget the relay's, shared with the other event loops' instances; 0 per second for none */
    public UnknownBubbles(PerSecondBudget budget) {
        this.budget = budget;
    }

    /**
     * Whether the peer whose table hash is {@code hash} gets a bubble at second {@code now}: {@link #SEND} (then
     * counted and remembered), {@link #SPACED} or {@link #OVER_BUDGET}. Writes nothing but this object.
     */
    public int take(long hash, int now) {
        int slot = (int) hash & (SLOTS - 1);
        long key = hash & 0xFFFF_FFFF_0000_0000L;
        long seen = recent[slot];
        int at = (int) seen;
        if (at != 0 && (seen & 0xFFFF_FFFF_0000_0000L) == key && now - (at - 1) < Teredo.BUBBLE_SPACING_SECONDS) {
            return SPACED;
        }
        if (!budget.tryAcquireOrNone(now)) {
            return OVER_BUDGET;
        }
        recent[slot] = key | ((now + 1) & 0xFFFF_FFFFL);
        return SEND;
    }
}
