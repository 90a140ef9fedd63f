package org.jmiredo.engine;

import org.jmiredo.proto.Teredo;

/**
 * The bound on the keyed indirect bubbles a relay sends to Teredo peers it has no entry for, whose data packet
 * came from a mapping their address does not embed (a client behind a symmetric NAT after our restart, see {@link
 * Reception}). Stateless towards the peer table: no entry, no lock, nothing a flood could fill. One event loop's
 * thread only (no synchronisation), fixed memory whatever the load: a per-second budget and a small direct-mapped
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
    private final int perSecond;
    /** The second's budget; null when {@code perSecond} is 0 (none are sent: 0 is not "unlimited" here). */
    private final PerSecondBudget budget;

    /** @param perSecond the most bubbles per clock second; 0 for none */
    public UnknownBubbles(int perSecond) {
        this.budget = perSecond == 0 ? null : new PerSecondBudget(perSecond);
        this.perSecond = perSecond;
    }

    public int perSecond() {
        return perSecond;
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
        if (budget == null || !budget.tryAcquire(now)) {
            return OVER_BUDGET;
        }
        recent[slot] = key | ((now + 1) & 0xFFFF_FFFFL);
        return SEND;
    }
}
