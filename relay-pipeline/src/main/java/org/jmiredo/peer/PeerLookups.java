package org.jmiredo.peer;

import static org.jmiredo.peer.SlotLayout.BUBBLES_MASK;
import static org.jmiredo.peer.SlotLayout.BUBBLE_AGE_SHIFT;
import static org.jmiredo.peer.SlotLayout.KEY_LO;
import static org.jmiredo.peer.SlotLayout.MAPPING_MASK;
import static org.jmiredo.peer.SlotLayout.QUEUED;
import static org.jmiredo.peer.SlotLayout.REFERENCED;
import static org.jmiredo.peer.SlotLayout.RX_AGE_SHIFT;
import static org.jmiredo.peer.SlotLayout.SHIFT;
import static org.jmiredo.peer.SlotLayout.STATE;
import static org.jmiredo.peer.SlotLayout.TIMES;
import static org.jmiredo.peer.SlotLayout.TRUSTED;
import static org.jmiredo.peer.SlotLayout.UNPROVED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A burst of lock-free lookups in a {@link PeerTable}, for the datagrams of one receive burst or the
 * packets of one tunnel read burst: one per event loop and direction, reused burst after burst, so
 * nothing is allocated per lookup.
 *
 * <p>Why a burst: at millions of peers nearly every lookup misses the cache, and one lookup (SipHash,
 * probe) is too long for the CPU to reach the next one's load while the first misses, and a segment lock
 * is a locked instruction that orders the loads around it. {@link #run} therefore hashes every key, then
 * starts every probe without a lock (the home slot's line and the next are requested), then finishes
 * each, so the burst's memory latencies overlap instead of adding up (BENCHMARKS.md, "Sixth iteration").
 *
 * <p>What a lookup gives is an optimistic read ({@link SegmentLock}): a copy of the entry's words, which
 * means something only while {@link #current} is true, that is while no writer has held the segment's lock
 * since the read. The caller checks it right before acting on the copy, so a torn read, or one made stale
 * by another loop or by an earlier datagram of the same burst, is never acted on: the caller takes the
 * lock and looks up again instead. Single thread: the owning event loop.
 *
 * <pre>{@code
 * lookups.clear();
 * int k = lookups.add(hi, lo);      // for each datagram of the burst
 * lookups.run();
 * if (lookups.current(k) && lookups.present(k)) { ... read the copy ... } else { ... lock, find ... }
 * }</pre>
 */
public final class PeerLookups {
    /** Lookups per burst: recvmmsg bursts are cut into runs of this many (measured at 32 in PeerTableBench). */
    public static final int MAX = 32;

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG;

    private final PeerTable table;
    private final MemorySegment memory;
    private int count;
    /** Folds the reads {@link #run} makes only to start a cache miss, so the JIT keeps them. */
    private long sink;
    // Lookup k: the key, its hash, the segment version, capacity and home slot the probe starts from,
    // where the segment's region starts in the slot memory and the word index of the next line after the
    // home slot (in words), the slot found (-1 = absent) and the copy of its STATE and TIMES words.
    // Primitives only: a reference stored per lookup would cost a GC barrier each.
    final long[] hi = new long[MAX];
    final long[] lo = new long[MAX];
    final long[] hash = new long[MAX];
    final long[] stamp = new long[MAX];
    final int[] capacity = new int[MAX];
    final int[] index = new int[MAX];
    final long[] region = new long[MAX];
    final long[] ahead = new long[MAX];
    final int[] slot = new int[MAX];
    final long[] state = new long[MAX];
    final long[] times = new long[MAX];

    public PeerLookups(PeerTable table) {
        this.table = table;
        this.memory = table.slotMemory;
    }

    /** Forgets the previous burst. */
    public void clear() {
        count = 0;
    }

    /** Lookups added since {@link #clear}. */
    public int size() {
        return count;
    }

    public boolean full() {
        return count == MAX;
    }

    /**
     * Adds the lookup of a Teredo address ({@code hi} is never 0) and returns its index in the burst.
     *
     * @throws IllegalStateException if the burst is {@link #full}
     */
    public int add(long hi, long lo) {
        if (count == MAX) {
            throw new IllegalStateException("burst full");
        }
        if (hi == 0) {
            throw new IllegalArgumentException("hi == 0 is not a Teredo address");
        }
        this.hi[count] = hi;
        this.lo[count] = lo;
        return count++;
    }

    /**
     * Looks up every address added: hash each and note where its probe starts, then read the first line
     * of every probe (and the next), then finish each probe (see the class comment). The second pass only
     * starts the misses: what it reads is folded into {@link #sink}, not kept per lookup, and the probe
     * reads its home key again (from the cache by then). Keeping that word in an array per lookup cost
     * about 7 % of the lookups a second, at 1,000 peers as at 10 M (median of alternating pairs in JMH;
     * BENCHMARKS.md, "Twelfth iteration: lookups at 10 M").
     */
    public void run() {
        int n = count;
        for (int k = 0; k < n; k++) {
            hash[k] = table.hash(hi[k], lo[k]);
            table.segmentFor(hash[k]).beginUnlocked(this, k);
        }
        MemorySegment m = memory;
        long next = 0;
        for (int k = 0; k < n; k++) {
            next += m.getAtIndex(WORD, region[k] + ((long) index[k] << SHIFT));
            next ^= m.getAtIndex(WORD, ahead[k]);
        }
        for (int k = 0; k < n; k++) {
            slot[k] = finish(m, k);
        }
        sink ^= next;
    }

    /**
     * Walks lookup {@code k}'s probe on from its home slot and returns the slot holding the key, copying
     * its STATE and TIMES words, or -1 if absent. It reads whatever racing writers left, possibly a mix of
     * two states (even of two capacities, if the segment grew), so its result means something only while
     * {@link #current} is true; it never fails on such a mix: every index is below the capacity it saw,
     * within the segment's region, and it gives up after one lap.
     */
    private int finish(MemorySegment m, int k) {
        long base = region[k];
        int cap = capacity[k];
        int i = index[k];
        for (int n = 0; n < cap; n++) {
            long b = base + ((long) i << SHIFT);
            long key = m.getAtIndex(WORD, b);
            if (key == hi[k] && m.getAtIndex(WORD, b + KEY_LO) == lo[k]) {
                state[k] = m.getAtIndex(WORD, b + STATE);
                times[k] = m.getAtIndex(WORD, b + TIMES);
                return i;
            }
            if (key == 0) {
                return -1;
            }
            if (++i == cap) {
                i = 0;
            }
        }
        return -1;
    }

    /** The table's keyed hash of address {@code k}, for the Segment methods that take one. */
    public long hash(int k) {
        return hash[k];
    }

    /**
     * True if the copy of lookup {@code k} is its segment's state now: no writer has held the segment's
     * lock since the read. Only then may {@link #present} and the fields be acted on.
     */
    public boolean current(int k) {
        return table.segmentFor(hash[k]).validate(stamp[k]);
    }

    /** Whether the address had an entry (meaningful while {@link #current}). */
    public boolean present(int k) {
        return slot[k] >= 0;
    }

    public boolean trusted(int k) {
        return (state[k] & TRUSTED) != 0;
    }

    /** Whether the entry is trusted without proof yet, as {@link PeerTable.Segment#unproved}: its sends are counted. */
    public boolean unproved(int k) {
        return (state[k] & UNPROVED) != 0;
    }

    public int mappedIpv4(int k) {
        return SlotLayout.mappedIpv4(state[k]);
    }

    public int mappedPort(int k) {
        return SlotLayout.mappedPort(state[k]);
    }

    /** The relay address the entry's mapping was learned on ({@link PeerTable.Segment#localAddress}). */
    public int localAddress(int k) {
        return SlotLayout.localAddress(state[k]);
    }

    /** The entry's last receive time (0: never), as {@link PeerTable.Segment#lastRx}. */
    public int lastRx(int k) {
        return SlotLayout.time(times[k], RX_AGE_SHIFT);
    }

    /** The entry's bubbles in the current retry window, as {@link PeerTable.Segment#bubbleCount}. */
    public int bubbleCount(int k) {
        return SlotLayout.bubbleCount(state[k]);
    }

    /** When the last bubble towards the peer left (0: never), as {@link PeerTable.Segment#lastBubble}. */
    public int lastBubble(int k) {
        return SlotLayout.time(times[k], BUBBLE_AGE_SHIFT);
    }

    /**
     * True if {@link PeerTable.Segment#touch}{@code (slot, now)} would change none of the entry's words: its
     * reference bit is set and its last touch is at {@code now} or later (another loop's clock may run a
     * little ahead). Then using the entry needs no lock. At most the first use in each second misses this.
     */
    public boolean touchedAt(int k, int now) {
        return (state[k] & REFERENCED) != 0 && now - SlotLayout.lastActive(times[k]) <= 0;
    }

    /**
     * True if the entry already shows a packet accepted now from this mapping, so accepting another
     * changes none of its words: trusted, mapped to exactly {@code ipv4:port} on {@code local}, received
     * from and touched at {@code now} (its reference bit set), no bubble counted, nothing queued, proved (an
     * unproved peer's packets earn it credit, under the lock). Then a
     * packet from it needs no lock at all. At most the first packet of a peer in each second misses this.
     */
    public boolean acceptedAt(int k, int ipv4, int port, int local, int now) {
        long s = state[k];
        long t = times[k];
        long mapping = SlotLayout.withMapping(0, ipv4, port, local) & MAPPING_MASK;
        return (s & (TRUSTED | REFERENCED | QUEUED | BUBBLES_MASK | UNPROVED)) == (TRUSTED | REFERENCED)
                && (s & MAPPING_MASK) == mapping
                && SlotLayout.lastActive(t) == now
                && SlotLayout.time(t, RX_AGE_SHIFT) == now;
    }
}
