package org.jmiredo.peer;

import static org.jmiredo.peer.SlotLayout.FRESH;
import static org.jmiredo.peer.SlotLayout.REFERENCED;
import static org.jmiredo.peer.SlotLayout.SHIFT;
import static org.jmiredo.peer.SlotLayout.STATE;
import static org.jmiredo.peer.SlotLayout.TRUSTED;

/**
 * Which entry a full segment gives up for a new one ({@link SlotArray}'s eviction, RFC 4380 §5.2: drop the least
 * recently used; §7.3.5: limit the state new peers take): an unused new peer near where the insert lands, else the
 * entry CLOCK picks from there. Under the segment's lock.
 */
final class Eviction {
    /** How many slots from its start eviction searches for an unused new peer before it runs CLOCK. */
    static final int NEW_PEER_SCAN = 16;

    private Eviction() {}

    /**
     * RFC 4380 §7.3.5: a relay protects itself "by limiting the amount of state used for 'new' peers". A
     * native host sending to many Teredo addresses fills the table with untrusted entries that nobody uses
     * again; with CLOCK alone, a trusted peer in active use whose packets are further apart than the flood
     * takes to wear its second chance (pings every 200 ms, at 20,000 new peers a second in a 1,024-peer
     * table) is evicted and bubbled again over and over. A spoofer sending one packet from each of many
     * forged sources whose outer address matches the mapping their Teredo address embeds does the same from
     * the other side with trusted entries ({@code relay.unknown-peers = accept-matching} trusts them at
     * once). So an entry goes first, if one is within {@value #NEW_PEER_SCAN} slots (a bounded look, and
     * under such a flood nearly every slot is one), when it is
     * <ul>
     * <li>untrusted and not used since it was added or CLOCK last passed it, or
     * <li>FRESH: made by such a packet and not used since, trusted though it is.
     * </ul>
     * A trusted entry that was used once is never taken here, whatever CLOCK did to its bit: the protection
     * peers in use have against a flood of either kind.
     */
    static int unusedNewPeerFrom(SlotArray slots, int start) {
        int cap = slots.capacity;
        int h = start;
        for (int n = Math.min(NEW_PEER_SCAN, cap); n > 0; n--, h++) {
            if (h >= cap) {
                h = 0;
            }
            int b = h << SHIFT;
            if (slots.word(b) != 0) {
                long st = slots.word(b + STATE);
                if ((st & (TRUSTED | REFERENCED)) == 0 || (st & FRESH) != 0) { // a native flood's test first
                    return h;
                }
            }
        }
        return -1;
    }

    /**
     * CLOCK (second chance) from {@code start}: walks the slots clearing reference bits and picks the first
     * entry whose bit was already clear. Terminates within one lap, since a lap clears every bit.
     */
    static int clockVictimFrom(SlotArray slots, int start) {
        int cap = slots.capacity;
        int h = start;
        for (; ; ) {
            if (h >= cap) {
                h = 0;
            }
            int b = h << SHIFT;
            if (slots.word(b) != 0) {
                long st = slots.word(b + STATE);
                if ((st & REFERENCED) == 0) {
                    return h;
                }
                slots.setWord(b + STATE, st & ~REFERENCED);
            }
            h++;
        }
    }
}
