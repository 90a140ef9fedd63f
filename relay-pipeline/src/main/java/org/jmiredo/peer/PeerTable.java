package org.jmiredo.peer;

import static org.jmiredo.peer.SlotLayout.FRESH;
import static org.jmiredo.peer.SlotLayout.SHIFT;
import static org.jmiredo.peer.SlotLayout.STATE;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.jmiredo.proto.Teredo;

/**
 * The relay's peer list (RFC 4380 §5.2, §5.4): millions of entries with no Java object per peer, shared
 * by all event loops without a global lock.
 *
 * <p>The address space is split into a power of two of {@link Segment}s by the top 32 bits of a keyed
 * SipHash-1-3 of the address ({@link PeerHash}); the low 32 bits pick the home slot inside the segment.
 * Each segment has its own lock and arrays and holds at most its share of maxPeers (shares differ by at
 * most one and sum to maxPeers, so {@link #size()} never exceeds {@link #capacity()}). Because the hash
 * key is random per table, a client cannot choose addresses that pile into one segment or probe run.
 * The price of per-segment shares: eviction starts when the fullest segment is full, a little before
 * the table is (measured with 256 segments: after maxPeers distinct inserts, 99.8 % of them are present
 * at 10 M, 99.4 % at 1 M).
 *
 * <p>Memory: 32 bytes a slot, at most 3/4 of the slots used once a segment reaches its share, so
 * 42.7 bytes per peer in a full table (measured 42.67 at 10 M, 42.75 at 1 M, all included); a table far
 * below maxPeers has power-of-two segment arrays between 3/8 and 3/4 full (67 bytes per peer measured
 * with 1 M peers in a 10 M table). Nothing is allocated per peer except the pending queues. The slots
 * live off the Java heap, in one mapping asked for huge pages ({@link SlotMemory}); where the host
 * grants them, each 2 MiB is committed whole at its first write, so a large table soon holds all of
 * its 42.7 bytes x maxPeers however few peers it has.
 *
 * <p>Usage, on any thread:
 * <pre>{@code
 * long h = table.hash(hi, lo);            // or table.segment(hi, lo) and find(hi, lo): hashes twice
 * Segment seg = table.segmentFor(h);
 * seg.lock();
 * try {
 *     int slot = seg.find(hi, lo, h);
 *     if (slot < 0) slot = seg.insert(hi, lo, h, now);
 *     ... read and write fields of slot ...
 * } finally {
 *     seg.unlock();
 * }
 * }</pre>
 * A burst of lookups that mostly only read goes faster through {@link PeerLookups}: no lock, and the
 * cache misses of the whole burst in flight at once.
 */
public final class PeerTable implements AutoCloseable {
    /**
     * How long a peer's queue waits for the answer to its last bubble (or the client's test): two bubble spacings
     * (RFC 4380 §5.2.6 retries a bubble unanswered for 2 s). A queue exists only between a peer's first packet and
     * its answer, a round trip through its server; a peer that never answers used to hold its queue, and its share
     * of {@code peers.max-queued-peers}, until its entry expired (60 to 90 s with the default idle timeout) unless
     * a later packet found its four bubbles spent: one packet a minute to each of max-queued-peers silent Teredo
     * addresses (273 a second with the defaults), sent by any host on the IPv6 side, kept every new peer's first
     * packets out of the queue ({@code queue_peers_full}). Now the expiry releases such a queue within a second
     * of this wait (a pass looks at 4,096 queues a call, of the relay's ten a second); the entry and its bubble
     * budget stay.
     */
    public static final int QUEUE_WAIT_SECONDS = 2 * Teredo.BUBBLE_SPACING_SECONDS;
    /** Fewest slots one {@link #expire} call examines (unless the table has fewer). */
    static final int MIN_SWEEP = 4096;

    private final PeerTableSettings settings;
    private final PeerHash hash;
    private final Segment[] segments;
    /** Every segment's slots: one mapping, each segment's region a slice of it ({@link PeerLookups} reads it whole). */
    final MemorySegment slotMemory;

    private final QueueBudget queues;
    private final Sweeper sweeper = new Sweeper();
    /**
     * Slots allocated over all segments, kept as they grow: the expiry reads it twenty times a second, and
     * summing 256 segments' fields each time cost about 2 % of the event loop's samples during a burst of
     * new peers (the handshake's perf and JFR profiles, BENCHMARKS.md fifth iteration).
     */
    private final AtomicLong slotsAllocated = new AtomicLong();

    public PeerTable(PeerTableSettings settings) {
        this(settings, PeerHash.random());
    }

    /** With a fixed hash key: tests only, where collisions must be reproducible. */
    PeerTable(PeerTableSettings settings, PeerHash hash) {
        this.settings = settings;
        this.hash = hash;
        this.queues = new QueueBudget(settings.queueBytesPerPeer(), settings.maxQueuedPeers());
        int count = SegmentShares.count(settings);
        if (SegmentShares.share(settings, count, 0) > SegmentShares.MAX_SHARE) {
            throw new IllegalArgumentException(
                    "more than " + SegmentShares.MAX_SHARE + " peers per segment: use more segments");
        }
        segments = new Segment[count];
        slotMemory = SlotMemory.reserve(slotBytes(settings));
        long offset = 0;
        for (int i = 0; i < count; i++) {
            int share = SegmentShares.share(settings, count, i);
            long bytes = SlotArray.regionBytes(share);
            segments[i] = new Segment(hash, queues, slotsAllocated, share, slotMemory, offset);
            slotsAllocated.addAndGet(segments[i].slotCapacity());
            offset += bytes;
        }
    }

    /**
     * The slot memory a table of these settings reserves, which a full table (or, with huge pages, a large one far
     * from full) commits: 42.7 bytes a peer of {@code maxPeers}. Without the pending queues.
     */
    public static long slotBytes(PeerTableSettings settings) {
        return SegmentShares.slotBytes(settings);
    }

    /** The keyed hash of an address, for {@link #segmentFor} and the hash-taking Segment methods. */
    public long hash(long hi, long lo) {
        return hash.hash(hi, lo);
    }

    /** The stripe owning this Teredo address (hi = bytes 0-7, lo = bytes 8-15). */
    public Segment segment(long hi, long lo) {
        return segmentFor(hash.hash(hi, lo));
    }

    /** The stripe owning the address whose {@link #hash} is {@code hash}. */
    public Segment segmentFor(long hash) {
        return segments[(int) (((hash >>> 32) * segments.length) >>> 32)];
    }

    /** Peers now: sum over segments of opaque reads, not a snapshot. */
    public int size() {
        int n = 0;
        for (Segment s : segments) {
            n += s.sizeOpaque();
        }
        return n;
    }

    public int capacity() {
        return settings.maxPeers();
    }

    /** Entries evicted because their segment held its share of maxPeers. */
    public long evictions() {
        return sum(s -> s.counter(SlotArray.EVICTIONS));
    }

    /** Entries removed by {@link #expire}. */
    public long expirations() {
        return sum(s -> s.counter(SlotArray.EXPIRATIONS));
    }

    /** Queued packets released because their entry was removed, evicted or expired, or at close. */
    public long queueDiscards() {
        return sum(s -> s.counter(SlotArray.QUEUE_DISCARDS));
    }

    /** A statistic summed over the segments: racy opaque reads, not a snapshot. */
    private long sum(ToLongFunction<Segment> each) {
        long n = 0;
        for (Segment s : segments) {
            n += each.applyAsLong(s);
        }
        return n;
    }

    /** Peers holding queued packets now. */
    public int queuedPeers() {
        return queues.peers();
    }

    /** The most peers that may hold queued packets at once ({@link PeerTableSettings#maxQueuedPeers}). */
    public int maxQueuedPeers() {
        return settings.maxQueuedPeers();
    }

    /**
     * Bytes the queues are charged now ({@link QueueCharge}): what their packets and bookkeeping take, at most
     * maxQueuedPeers x queueBytesPerPeer. Racy read of each segment's sum.
     */
    public long queuedBytes() {
        return sum(s -> s.queuedBytes());
    }

    /**
     * Bytes the table occupies now: every segment's slots in use and queue arrays (not the queued
     * ByteBufs, which belong to Netty's allocator), and the fixed
     * per-segment objects. Racy read; during a segment's resize the heap copy of its old slots is briefly
     * alive too and not counted.
     */
    public long memoryBytes() {
        // Per segment: the padded Segment object (~216), its counters array (40), its PendingQueues (24).
        long bytes = 16 + 4L * segments.length + 280L * segments.length;
        for (Segment s : segments) {
            bytes += s.memoryBytes();
        }
        return bytes;
    }

    /**
     * Removes entries idle for more than idleSeconds, where idle = now - max(lastRx, lastBubble, last
     * touch), releasing their queues; returns how many. Meant to be called about once per second.
     *
     * <p>Bounded work: one call advances over at most {@link #sweepBudget()} slots, that is
     * max(4096, ceil(allocated slots / max(1, idleSeconds / 2))) but never more than all of them, plus the
     * removals it finds, and holds each segment lock for at most {@value Sweeper#CHUNK} slot advances (a few
     * microseconds), so other event loops never wait long for it. A cursor carries over between calls;
     * with one call per second a lap takes at most idleSeconds / 2 seconds, so an entry goes between
     * idleSeconds and about 1.5 x idleSeconds after its last activity (one lap later if its segment resized
     * or entries shifted past the cursor meanwhile). Measured on the build host (warm JIT, about 5 ns a
     * slot): 1 M peers, 47 000 slots, 0.25 ms; 10 M peers, 445 000 slots, 2.5 to 4 ms. At that size run it
     * on a thread that is not an event loop, or slice it with {@link #expire(int, long)}. Returns 0 at once
     * if another thread is sweeping.
     */
    public int expire(int now) {
        return expire(now, sweepBudget());
    }

    /**
     * {@link #expire(int)} advancing over at most {@code maxSlots} slots (never more than one lap), for a
     * caller that prefers many small slices, e.g. an event loop calling every 50 ms with a twentieth of
     * {@link #sweepBudget()}.
     */
    public int expire(int now, long maxSlots) {
        return sweeper.run(
                segments, now, settings.idleSeconds(), Math.min(maxSlots, allocatedSlots()), queues.peers() > 0);
    }

    /** Slot advances one {@link #expire(int)} call makes (see there). */
    public long sweepBudget() {
        long slots = allocatedSlots();
        long perCall = Math.ceilDiv(slots, Math.max(1, settings.idleSeconds() / 2));
        return Math.min(slots, Math.max(MIN_SWEEP, perCall));
    }

    /**
     * Removes every entry and releases its queued packets (counted in {@link #queueDiscards}), one segment lock
     * at a time: for a client whose Teredo address changed, so that no trust from the old one lingers.
     */
    public void clear() {
        eachLocked(s -> {
            s.releaseAllQueues();
            s.clearSlots();
        });
    }

    /** Releases every queued ByteBuf; later {@link Segment#enqueue} calls refuse. Idempotent. */
    @Override
    public void close() {
        queues.close();
        eachLocked(Segment::releaseAllQueues);
    }

    /** Runs {@code action} on every segment in turn, under that segment's lock. */
    private void eachLocked(Consumer<Segment> action) {
        for (Segment s : segments) {
            s.lock();
            try {
                action.accept(s);
            } finally {
                s.unlock();
            }
        }
    }

    /** Slots allocated over all segments now. */
    long allocatedSlots() {
        return slotsAllocated.get();
    }

    // ---- test support ----

    int segmentCount() {
        return segments.length;
    }

    Segment segmentAt(int index) {
        return segments[index];
    }

    /** Checks every segment's structure under its lock; throws IllegalStateException on corruption. */
    void checkInvariants() {
        eachLocked(Segment::checkInvariants);
    }

    /**
     * One lock stripe: its own lock, slot array ({@link SlotArray}) and pending queues. Every method except
     * {@link #lock()}/{@link #unlock()} requires the lock held (checked by {@code assert}). Slot indexes
     * are valid only while it is held and only until the next {@link #insert}, {@link #remove} or
     * {@link PeerTable#expire}: those move entries.
     *
     * <p>The lock is a CAS lock in the segment object itself ({@link SegmentLock}: measured at half the
     * uncontended cost of a ReentrantLock, the same under contention, and no pointer to chase).
     */
    public static final class Segment extends SlotQueues {
        private final AtomicLong slotsAllocated;
        // Trailing padding: keeps the next heap object's fields off this segment's last cache line.
        long pad11, pad12, pad13, pad14, pad15, pad16, pad17, pad18;

        Segment(
                PeerHash hash,
                QueueBudget queues,
                AtomicLong slotsAllocated,
                int share,
                MemorySegment memory,
                long offset) {
            super(hash, queues, share, memory, offset);
            this.slotsAllocated = slotsAllocated;
        }

        public void lock() {
            acquire();
        }

        public void unlock() {
            release();
        }

        /** The slot of that address, or -1. */
        public int find(long hi, long lo) {
            assert held();
            return hi == 0 ? -1 : probe(hi, lo, hashOf(hi, lo));
        }

        /**
         * {@link #find(long, long)} given {@link PeerTable#hash}{@code (hi, lo)}: saves hashing again, here and
         * in the {@link #enqueue} or {@link #drainQueue} of that entry that may follow under the same lock.
         */
        public int find(long hi, long lo, long hash) {
            assert held() && hash == this.hash.hash(hi, lo);
            if (hi == 0) {
                return -1;
            }
            remember(hi, lo, hash);
            return probe(hi, lo, hash);
        }

        /**
         * Adds an entry the caller found absent: untrusted, no mapping, no bubbles, lastRx 0, last touch =
         * {@code now}, reference bit clear. When the segment holds its share of maxPeers it first evicts
         * one entry, releasing its queue: an untrusted entry not {@link #touch}ed since it was added or CLOCK
         * last passed it, or one {@link #insertFresh} made and nothing touched since, if one is among the first
         * slots from the new key's home on, else by CLOCK (second chance) from there: a walk that clears
         * reference bits and takes the first entry whose bit was already clear. {@link #touch} sets the bit and
         * insert does not, so an entry earns its second chance only by being used again, and a flood of one-shot
         * addresses (RFC 4380 §7.3.5), from the native side or forged matching sources, recycles its own entries
         * before it pushes out peers in active use (§5.2: drop the least recently used). Cost: amortized O(1),
         * at worst one lap.
         *
         * @throws IllegalArgumentException if {@code hi} is 0 (never a Teredo address; it marks empty slots)
         */
        public int insert(long hi, long lo, int now) {
            return insert(hi, lo, hi == 0 ? 0 : hashOf(hi, lo), now);
        }

        /** {@link #insert(long, long, int)} given {@link PeerTable#hash}{@code (hi, lo)}. */
        public int insert(long hi, long lo, long hash, int now) {
            if (hi == 0) {
                throw new IllegalArgumentException("hi == 0 is not a Teredo address");
            }
            assert held() && find(hi, lo, hash) < 0 : "already present";
            return add(hi, lo, hash, now);
        }

        /**
         * {@link #insert(long, long, long, int)} for a packet that trusts the peer at once but that anyone
         * could have forged, one per source: a source matching the mapping its address embeds ({@code
         * relay.unknown-peers = accept-matching}). The entry is FRESH ({@link SlotLayout}) until its first
         * {@link #touch}: evicted first, as an untrusted entry nobody used, so a flood of such packets from
         * forged sources recycles its own entries and leaves peers in use in place (RFC 4380 §7.3.5). The
         * caller must not touch it for that packet.
         */
        public int insertFresh(long hi, long lo, long hash, int now) {
            int slot = insert(hi, lo, hash, now);
            setWord((slot << SHIFT) + STATE, FRESH);
            return slot;
        }

        /** Removes the entry and releases its queued packets (RFC 4380 §5.4.1: deleted with the entry). */
        public void remove(int slot) {
            base(slot);
            removeAt(slot);
        }

        @Override
        void grew(int slots) {
            slotsAllocated.addAndGet(slots);
        }
    }
}
