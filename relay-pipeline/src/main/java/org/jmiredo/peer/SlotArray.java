package org.jmiredo.peer;

import static org.jmiredo.peer.SlotLayout.KEY_LO;
import static org.jmiredo.peer.SlotLayout.QUEUED;
import static org.jmiredo.peer.SlotLayout.SHIFT;
import static org.jmiredo.peer.SlotLayout.STATE;
import static org.jmiredo.peer.SlotLayout.TIMES;
import static org.jmiredo.peer.SlotLayout.WORDS;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The hash-table mechanics of one {@link PeerTable.Segment}: open addressing over an array of 32-byte
 * slots (layout in {@link SlotLayout}), linear probing, empty = key word 0, deletion by backward shift
 * (no tombstones). The home slot is a multiply-shift of the low 32 hash bits by the capacity (Lemire, "A
 * fast alternative to the modulo reduction", 2016), so the capacity need not be a power of two: it
 * doubles from {@value #INITIAL_SLOTS} slots up to {@code ceil(share * 4 / 3)}, so the array is at most
 * 3/4 full and at 10 M peers costs 32 * 4/3 = 42.7 bytes per peer.
 *
 * <p>The array is the first {@code capacity} slots of this segment's region of the table's off-heap
 * {@link SlotMemory}, which has room for the largest capacity; the kernel commits it as it is written.
 *
 * <p>Its subclasses add the peer's fields ({@link PeerFields}), the queues ({@link SlotQueues}) and the public
 * methods ({@link PeerTable.Segment}); the lock is {@link SegmentLock}'s. Everything here runs under that lock.
 */
abstract class SlotArray extends SegmentLock {
    static final int INITIAL_SLOTS = 16;
    static final int EVICTIONS = 0;
    static final int EXPIRATIONS = 1;
    static final int QUEUE_DISCARDS = 2;
    private static final VarHandle SIZE;
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG;
    /** Words in a 64-byte cache line; the slot memory starts on a page, so lines start at multiples of it. */
    private static final int LINE_WORDS = 8;

    static {
        try {
            SIZE = MethodHandles.lookup().findVarHandle(SlotArray.class, "size", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final PeerHash hash;
    final int share;
    final int maxSlots;
    /** Room for maxSlots slots; the table is its first capacity slots, the rest is zero. */
    final MemorySegment slots;
    /** Where {@link #slots} starts in the table's whole slot memory, in words. */
    final long regionWord;

    int capacity;
    private int growAt;
    private int size;
    private final long[] counters = new long[3];
    /** The last key hashed under the lock, so find-then-insert and the queue calls hash it once. */
    private long cachedHi;

    private long cachedLo;
    private long cachedHash;

    /** The region: {@link #regionBytes}{@code (share)} zeroed bytes of {@code memory} from {@code offset}. */
    SlotArray(PeerHash hash, int share, MemorySegment memory, long offset) {
        this.hash = hash;
        this.share = share;
        this.maxSlots = maxSlots(share);
        this.slots = memory.asSlice(offset, regionBytes(share));
        this.regionWord = offset >> 3;
        setCapacity(Math.min(INITIAL_SLOTS, maxSlots));
    }

    static int maxSlots(int share) {
        return (int) ((share * 4L + 2) / 3);
    }

    /** The bytes of {@link SlotMemory} a segment holding {@code share} peers at most needs. */
    static long regionBytes(int share) {
        return (long) maxSlots(share) << (SHIFT + 3);
    }

    /** Word {@code index} of the slots (slot {@code i} starts at word {@code i << SHIFT}). */
    final long word(int index) {
        return slots.getAtIndex(WORD, index);
    }

    final void setWord(int index, long value) {
        slots.setAtIndex(WORD, index, value);
    }

    /** Releases the queue of the entry being removed (its QUEUED bit is set). */
    abstract void discardQueue(long hi, long lo);

    /** The capacity just grew by {@code slots}; called under the lock, after the rehash. */
    abstract void grew(int slots);

    final long hashOf(long hi, long lo) {
        if (hi != cachedHi || lo != cachedLo) {
            cachedHash = hash.hash(hi, lo);
            cachedHi = hi;
            cachedLo = lo;
        }
        return cachedHash;
    }

    /** Takes a hash the caller computed as the cached one, so the queue calls after a find do not hash again. */
    final void remember(long hi, long lo, long h) {
        cachedHi = hi;
        cachedLo = lo;
        cachedHash = h;
    }

    static int home(long hash, int capacity) {
        return (int) (((hash & 0xFFFF_FFFFL) * capacity) >>> 32);
    }

    final int probe(long hi, long lo, long hash) {
        MemorySegment s = slots;
        int cap = capacity;
        for (int i = home(hash, cap); ; ) {
            int b = i << SHIFT;
            long k = s.getAtIndex(WORD, b);
            if (k == hi && s.getAtIndex(WORD, b + KEY_LO) == lo) {
                return i;
            }
            if (k == 0) {
                return -1;
            }
            if (++i == cap) {
                i = 0;
            }
        }
    }

    /**
     * First step of {@link #probe} without the lock, for lookup {@code k} of a burst (its hash in
     * {@code burst.hash[k]}): takes the version ({@link SegmentLock#readStamp}) and then the capacity, and
     * notes where the probe starts in the table's slot memory: the home slot, and the first word of the line
     * after the home slot's line (most probes at 3/4 load go on past the home slot; a slot is half a line).
     * That line is found from the word's place in the memory, not from the slot index: a region of an odd
     * number of slots makes the next one start mid-line (at 10 M peers, 64 of the 256 segments), and there
     * {@code (i | 1) + 1} named the home line again for half the homes. Touches only this object, which is
     * in the cache: the burst then reads all those lines in a loop of a few instructions per lookup, so that
     * the CPU has many of them on their way at once.
     */
    final void beginUnlocked(PeerLookups burst, int k) {
        burst.stamp[k] = readStamp();
        int cap = capacity; // racy: validation fails if it changed; any value seen is within the region
        int i = home(burst.hash[k], cap);
        long next = ((regionWord + ((long) i << SHIFT)) | LINE_WORDS - 1) + 1;
        burst.capacity[k] = cap;
        burst.index[k] = i;
        burst.region[k] = regionWord;
        burst.ahead[k] = next < regionWord + ((long) cap << SHIFT) ? next : regionWord;
    }

    /** Adds an absent key (evicting or growing first if needed) and returns its slot. */
    final int add(long hi, long lo, long hash, int now) {
        if (size >= share) {
            evictOne(home(hash, capacity));
        } else if (size >= growAt && capacity < maxSlots) {
            grow();
        }
        int i = emptySlotFrom(home(hash, capacity));
        int b = i << SHIFT;
        setWord(b, hi);
        setWord(b + KEY_LO, lo);
        setWord(b + STATE, 0);
        setWord(b + TIMES, SlotLayout.initialTimes(now));
        SIZE.setOpaque(this, size + 1);
        return i;
    }

    /** The first empty slot at or (cyclically) after {@code i}. */
    private int emptySlotFrom(int i) {
        int cap = capacity;
        while (word(i << SHIFT) != 0) {
            if (++i == cap) {
                i = 0;
            }
        }
        return i;
    }

    final void removeAt(int slot) {
        int b = slot << SHIFT;
        if ((word(b + STATE) & QUEUED) != 0) {
            discardQueue(word(b), word(b + KEY_LO));
        }
        shiftBack(slot);
        SIZE.setOpaque(this, size - 1);
    }

    /** Empties every slot; the caller released their queues first. */
    final void clearSlots() {
        slots.asSlice(0, (long) capacity << (SHIFT + 3)).fill((byte) 0);
        SIZE.setOpaque(this, 0);
    }

    /**
     * Evicts an unused new peer near {@code start} if there is one, else the entry CLOCK picks from there
     * ({@link Eviction}).
     * {@code start} is the new key's home: a hand that went round the slots in order evicted the oldest
     * region first, while inserts land anywhere, so the slots just ahead of it filled up completely and every
     * backward shift walked a run of hundreds (10 to 30 us an insert into a full table of a million, against
     * 0.5 us; EvictionBench). Starting where the insert lands keeps the density even and the freed slot near.
     */
    private void evictOne(int start) {
        int victim = Eviction.unusedNewPeerFrom(this, start);
        if (victim < 0) {
            victim = Eviction.clockVictimFrom(this, start);
        }
        removeAt(victim);
        bump(EVICTIONS, 1);
    }

    /**
     * Backward-shift deletion (Knuth, TAOCP vol. 3, 6.4 Algorithm R): walk the run after the hole and
     * move each entry whose home is not cyclically in (hole, its position] into the hole.
     */
    private void shiftBack(int hole) {
        int cap = capacity;
        int i = hole;
        for (int j = i + 1 == cap ? 0 : i + 1; word(j << SHIFT) != 0; j = j + 1 == cap ? 0 : j + 1) {
            int bj = j << SHIFT;
            int k = home(hash.hash(word(bj), word(bj + KEY_LO)), cap);
            boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays) {
                copySlot(bj, i << SHIFT);
                i = j;
            }
        }
        clearSlot(i << SHIFT);
    }

    private void copySlot(int from, int to) {
        MemorySegment.copy(slots, (long) from << 3, slots, (long) to << 3, WORDS << 3);
    }

    private void clearSlot(int b) {
        setWord(b, 0);
        setWord(b + KEY_LO, 0);
        setWord(b + STATE, 0);
        setWord(b + TIMES, 0);
    }

    /**
     * Doubles the capacity (up to maxSlots), rehashing every entry in place: the old slots are copied
     * out to the heap and cleared, then reinserted. Amortized O(1) per insert; the largest single step
     * (the last one, at about 52 000 slots for 10 M peers in 256 segments) takes about a millisecond
     * under this segment's lock, once in the table's life.
     */
    private void grow() {
        long[] old = slots.asSlice(0, (long) capacity << (SHIFT + 3)).toArray(WORD);
        slots.asSlice(0, (long) old.length << 3).fill((byte) 0);
        int before = capacity;
        setCapacity((int) Math.min(2L * capacity, maxSlots));
        int cap = capacity;
        for (int b = 0; b < old.length; b += WORDS) {
            if (old[b] != 0) {
                long to = (long) emptySlotFrom(home(hash.hash(old[b], old[b + KEY_LO]), cap)) << (SHIFT + 3);
                MemorySegment.copy(old, b, slots, WORD, to, WORDS);
            }
        }
        grew(cap - before);
    }

    private void setCapacity(int slotCount) {
        capacity = slotCount;
        growAt = (int) (slotCount * 3L / 4);
    }

    /**
     * Examines up to {@code chunk} slots from {@code cursor.slot}, removing entries idle for more than
     * {@code idleSeconds}. After a removal the same index is examined again, since the backward shift may
     * have pulled a not-yet-examined entry into it; that re-examination is not charged to the chunk.
     * Returns true when the cursor passed the last slot of this segment.
     */
    final boolean sweep(Sweeper cursor, int chunk, int now, int idleSeconds) {
        int cap = capacity;
        int i = Math.min(cursor.slot, cap);
        int steps = 0;
        int removed = 0;
        while (i < cap && steps < chunk) {
            int b = i << SHIFT;
            if (word(b) != 0 && now - SlotLayout.lastActive(word(b + TIMES)) > idleSeconds) {
                removeAt(i);
                removed++;
            } else {
                i++;
                steps++;
            }
        }
        cursor.budget -= steps;
        cursor.removed += removed;
        cursor.slot = i;
        bump(EXPIRATIONS, removed);
        return i >= cap;
    }

    /** Test support: the home slot of an address at the current capacity. */
    final int homeOf(long hi, long lo) {
        return home(hash.hash(hi, lo), capacity);
    }

    /** Test support: the longest run of occupied slots (cyclic), what a probe or a backward shift may walk. */
    final int longestRun() {
        int cap = capacity;
        int longest = 0;
        int run = 0;
        for (int n = 0; n < 2 * cap; n++) {
            run = word((n % cap) << SHIFT) != 0 ? run + 1 : 0;
            longest = Math.max(longest, Math.min(run, cap));
        }
        return longest;
    }

    /** Test support: every entry reachable from its home, empty slots clean (also beyond capacity), size right. */
    final void checkSlots() {
        int occupied = 0;
        for (int i = 0; i < maxSlots; i++) {
            int b = i << SHIFT;
            if (word(b) == 0 || i >= capacity) {
                check(
                        word(b) == 0 && word(b + KEY_LO) == 0 && word(b + STATE) == 0 && word(b + TIMES) == 0,
                        "dirty empty slot " + i);
                continue;
            }
            occupied++;
            check(probe(word(b), word(b + KEY_LO), hash.hash(word(b), word(b + KEY_LO))) == i, "lost entry " + i);
        }
        check(occupied == size && size <= share && occupied < capacity, "size " + size + ", found " + occupied);
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    final int slotCapacity() {
        return capacity;
    }

    final int sizeOpaque() {
        return (int) SIZE.getOpaque(this);
    }

    final long counter(int which) {
        return (long) COUNTER.getOpaque(counters, which);
    }

    final void bump(int which, long delta) {
        if (delta != 0) {
            COUNTER.setOpaque(counters, which, counters[which] + delta);
        }
    }
}
