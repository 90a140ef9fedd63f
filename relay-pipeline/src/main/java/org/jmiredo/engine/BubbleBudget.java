package org.jmiredo.engine;

import org.jmiredo.peer.PeerTable;
import org.jmiredo.proto.Teredo;

/**
 * The limit on what a relay or client sends to test one peer (Miredo's CountBubble): bubbles (RFC 4380
 * §5.2.6, §5.4.1) and the client's echo tests (§5.2.4 case 2) alike, at least {@value
 * Teredo#BUBBLE_SPACING_SECONDS} s apart, at most {@value Teredo#MAX_BUBBLES} in {@value
 * Teredo#BUBBLE_WINDOW_SECONDS} s without an answer. Kept in the peer entry's bubble time and count, which an
 * answer resets (the receptions' trust).
 */
public final class BubbleBudget {
    /** Send one now (the entry counted it). */
    public static final int SEND = 1;
    /** The last one left less than 2 s ago. */
    public static final int WAIT = 2;
    /** Four went unanswered: the peer is unreachable for the rest of the window. */
    public static final int SPENT = 3;

    private BubbleBudget() {}

    /** Under the segment lock: decides, and counts the bubble when it is {@link #SEND}. */
    public static int take(PeerTable.Segment segment, int slot, int now) {
        int count = segment.bubbleCount(slot);
        int last = segment.lastBubble(slot);
        int decision = decide(count, last, now);
        if (decision == SEND) {
            boolean windowOver = now - last >= Teredo.BUBBLE_WINDOW_SECONDS;
            segment.setBubbles(slot, now, windowOver ? 1 : count + 1); // R-5.2.6-count
        }
        return decision;
    }

    /**
     * Under the segment lock: for a bubble no lapse of trust asked for, sent because a trusted peer's packet
     * came from a mapping it is not trusted at (its NAT rebound the flow to us). True, and counted, when {@link
     * #reboundAllowed}.
     */
    public static boolean takeRebound(PeerTable.Segment segment, int slot, int now) {
        return reboundAllowed(segment.bubbleCount(slot), segment.lastBubble(slot), now)
                && take(segment, slot, now) == SEND;
    }

    /**
     * Whether {@link #takeRebound} would send, for an entry with {@code count} bubbles counted, the last at {@code
     * last}: as {@link #take}, and also {@value Teredo#BUBBLE_SPACING_SECONDS} s after the last bubble when an
     * answer gave the count back. Otherwise forged packets from new mappings, each answered by the real peer,
     * would make one bubble per round trip; this way they make at most one per 2 s while the peer answers, four
     * per 300 s once it does not. Writes nothing, so a lock-free copy of the entry can be asked.
     */
    public static boolean reboundAllowed(int count, int last, int now) {
        return now - last >= Teredo.BUBBLE_SPACING_SECONDS && decide(count, last, now) == SEND;
    }

    /**
     * What {@link #take} would decide for an entry with {@code count} bubbles counted, the last at {@code last};
     * writes nothing, so a lock-free copy of the entry can be asked.
     */
    public static int decide(int count, int last, int now) {
        if (count > 0 && now - last >= Teredo.BUBBLE_WINDOW_SECONDS) {
            return SEND; // the window is over: the count starts again
        }
        if (count > 0 && now - last < Teredo.BUBBLE_SPACING_SECONDS) {
            return WAIT; // R-5.2.6-2s
        }
        return count >= Teredo.MAX_BUBBLES ? SPENT : SEND; // R-5.2.6-max4, R-5.2.4-c2retry
    }
}
