package org.jmiredo.engine.client;

import org.jmiredo.peer.PeerTable;
import org.jmiredo.proto.Teredo;

/**
 * The limit on what the client sends to test a peer, bubbles (RFC 4380 §5.2.6) and echo tests (§5.2.4 case
 * 2) alike: at least 2 s apart, at most 4 in 300 s without an answer. Kept in the peer entry's bubble time
 * and count, which an answer resets ({@link ClientReception}).
 */
final class ProbeBudget {
    /** Send one now (the entry counted it). */
    static final int SEND = 1;
    /** The last one left less than 2 s ago. */
    static final int WAIT = 2;
    /** Four went unanswered: the peer is unreachable for the rest of the window. */
    static final int SPENT = 3;

    private ProbeBudget() {}

    /** Under the segment lock: decides, and counts the probe when it is {@link #SEND}. */
    static int take(PeerTable.Segment segment, int slot, int now) {
        int count = segment.bubbleCount(slot);
        int last = segment.lastBubble(slot);
        if (count > 0 && now - last >= Teredo.BUBBLE_WINDOW_SECONDS) {
            count = 0;
        }
        if (count > 0 && now - last < Teredo.BUBBLE_SPACING_SECONDS) {
            return WAIT; // R-5.2.6-2s
        }
        if (count >= Teredo.MAX_BUBBLES) {
            return SPENT; // R-5.2.6-max4, R-5.2.4-c2retry
        }
        segment.setBubbles(slot, now, count + 1); // R-5.2.6-count
        return SEND;
    }
}
