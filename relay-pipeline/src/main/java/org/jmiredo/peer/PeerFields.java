package org.jmiredo.peer;

import static org.jmiredo.peer.SlotLayout.BUBBLE_AGE_SHIFT;
import static org.jmiredo.peer.SlotLayout.FRESH;
import static org.jmiredo.peer.SlotLayout.QUEUED;
import static org.jmiredo.peer.SlotLayout.REFERENCED;
import static org.jmiredo.peer.SlotLayout.RX_AGE_SHIFT;
import static org.jmiredo.peer.SlotLayout.SHIFT;
import static org.jmiredo.peer.SlotLayout.STATE;
import static org.jmiredo.peer.SlotLayout.TIMES;
import static org.jmiredo.peer.SlotLayout.TRUSTED;
import static org.jmiredo.peer.SlotLayout.UNPROVED;

import java.lang.foreign.MemorySegment;

/**
 * What a {@link PeerTable.Segment}'s slot says about its peer (RFC 4380 §5.2.1's fields: mapping, trust, times,
 * bubbles; and the credits of peers trusted without proof), read and written under the segment's lock; the words
 * are laid out in {@link SlotLayout}.
 */
abstract class PeerFields extends SlotArray {
    private final ProofCredits credits = new ProofCredits();

    PeerFields(PeerHash hash, int share, MemorySegment memory, long offset) {
        super(hash, share, memory, offset);
    }

    /**
     * Marks the entry used at {@code now}: sets its CLOCK reference bit, clears FRESH ({@link PeerTable.Segment#insertFresh}),
     * moves its last touch forward.
     */
    public void touch(int slot, int now) {
        int b = base(slot);
        setWord(b + STATE, (word(b + STATE) & ~FRESH) | REFERENCED);
        setWord(b + TIMES, SlotLayout.raise(word(b + TIMES), now));
    }

    public int mappedIpv4(int slot) {
        return SlotLayout.mappedIpv4(word(base(slot) + STATE));
    }

    public int mappedPort(int slot) {
        return SlotLayout.mappedPort(word(base(slot) + STATE));
    }

    /** Which of the relay's local addresses the mapping was learned on; 0 = unknown (see SlotLayout). */
    public int localAddress(int slot) {
        return SlotLayout.localAddress(word(base(slot) + STATE));
    }

    /** The peer's mapping, and the local address index (0..255, masked) it reached the relay on. */
    public void setMapping(int slot, int ipv4, int port, int local) {
        int b = base(slot);
        setWord(b + STATE, SlotLayout.withMapping(word(b + STATE), ipv4, port, local));
    }

    public boolean trusted(int slot) {
        return (word(base(slot) + STATE) & TRUSTED) != 0;
    }

    public void setTrusted(int slot, boolean trusted) {
        int b = base(slot);
        setWord(b + STATE, trusted ? word(b + STATE) | TRUSTED : word(b + STATE) & ~TRUSTED);
    }

    /** Whether the entry is trusted without proof yet (UNPROVED in {@link SlotLayout}, {@link ProofCredits}). */
    public boolean unproved(int slot) {
        return (word(base(slot) + STATE) & UNPROVED) != 0;
    }

    public void setUnproved(int slot, boolean unproved) {
        int b = base(slot);
        setWord(b + STATE, unproved ? word(b + STATE) | UNPROVED : word(b + STATE) & ~UNPROVED);
    }

    /** The segment's credits of unproved peers, under its lock only. */
    public ProofCredits credits() {
        assert held();
        return credits;
    }

    /** When a packet from the peer was last accepted; 0 = never. Exact within 18 h (see SlotLayout). */
    public int lastRx(int slot) {
        return SlotLayout.time(word(base(slot) + TIMES), RX_AGE_SHIFT);
    }

    public void setLastRx(int slot, int now) {
        int b = base(slot);
        setWord(b + TIMES, SlotLayout.withTime(word(b + TIMES), RX_AGE_SHIFT, now));
    }

    /** When the last bubble towards the peer left; 0 = never. */
    public int lastBubble(int slot) {
        return SlotLayout.time(word(base(slot) + TIMES), BUBBLE_AGE_SHIFT);
    }

    /** Bubbles sent in the current retry window, 0 to 7. */
    public int bubbleCount(int slot) {
        return SlotLayout.bubbleCount(word(base(slot) + STATE));
    }

    /** Sets the last bubble time and the count, clamped to 0 to 7. */
    public void setBubbles(int slot, int lastBubble, int count) {
        int b = base(slot);
        setWord(b + STATE, SlotLayout.withBubbleCount(word(b + STATE), count));
        setWord(b + TIMES, SlotLayout.withTime(word(b + TIMES), BUBBLE_AGE_SHIFT, lastBubble));
    }

    public boolean hasQueue(int slot) {
        return (word(base(slot) + STATE) & QUEUED) != 0;
    }

    /** The array index of an occupied slot (asserting the lock and the slot), else out of bounds. */
    final int base(int slot) {
        assert held() : "segment lock not held";
        assert slot >= 0 && slot < capacity && word(slot << SHIFT) != 0 : "no entry at slot " + slot;
        return slot << SHIFT;
    }
}
