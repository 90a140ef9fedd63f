package org.jmiredo.peer;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One segment's pending queues: the packets held for untrusted peers while the relay waits for their bubble
 * replies (RFC 4380 §5.4.1 case 3: "MAY queue", SHOULD send them once trusted, SHOULD delete them with the
 * entry). Keyed by peer address, open addressing over parallel arrays of power-of-two length, linear probing,
 * backward-shift deletion, at most half full. No object per queue: every new peer of a burst has one, and its
 * one packet sits in {@link #firsts}; a deque is made only for a second packet. Each entry keeps its key's hash,
 * so moving entries never rehashes. Guarded by the segment lock. Only peers with a queue are here (the slot's
 * QUEUED bit says which), so the slot table never looks here on the common path. Owns its ByteBufs.
 */
final class PendingQueues {
    /**
     * The least a packet is charged: about what a small queued packet really costs (its ByteBuf object,
     * the allocator's bookkeeping and the deque slot, besides its bytes). Without it a flood of tiny
     * packets would hold several times the memory that the byte limit is meant to bound.
     */
    static final int MIN_PACKET_COST = 128;
    /** Bytes of one entry across the arrays: two key longs, hash, bytes, two references (compressed). */
    static final int BYTES_PER_ENTRY = 8 + 8 + 4 + 4 + 4 + 4;
    private static final long[] NO_KEYS = new long[0];

    /** Address high words; 0 = empty (a Teredo address's high word is never 0). */
    private long[] his = NO_KEYS;
    private long[] los = NO_KEYS;
    /** The low half of each key's hash: its home at any length. */
    private int[] hashes;
    /** Bytes charged to each queue (at least {@link #MIN_PACKET_COST} per packet). */
    private int[] bytes;
    /** The oldest packet of each queue. */
    private ByteBuf[] firsts;
    /** The packets after the first, oldest first; null until a queue gets a second packet. */
    private ArrayDeque<ByteBuf>[] rests;
    private int count;

    static int cost(ByteBuf packet) {
        return Math.max(packet.readableBytes(), MIN_PACKET_COST);
    }

    int count() {
        return count;
    }

    /** The index of that address's queue, or -1; valid until the next {@link #add} or removal. */
    int find(long hi, long lo, long hash) {
        long[] h = his;
        if (h.length == 0) {
            return -1;
        }
        int mask = h.length - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            if (h[i] == 0) {
                return -1;
            }
            if (h[i] == hi && los[i] == lo) {
                return i;
            }
        }
    }

    /** Adds an empty queue for an address not present yet; returns its index, as {@link #find} would. */
    int add(long hi, long lo, long hash) {
        if ((count + 1) * 2 > his.length) {
            resize(Math.max(8, his.length * 2));
        }
        int i = freeIndex(his, (int) hash);
        his[i] = hi;
        los[i] = lo;
        hashes[i] = (int) hash;
        count++;
        return i;
    }

    /** Appends {@code packet} (taking ownership) unless queue {@code i} would exceed {@code limit} bytes. */
    boolean offer(int i, ByteBuf packet, int limit) {
        int cost = cost(packet);
        if (cost > limit - bytes[i]) {
            return false;
        }
        if (firsts[i] == null) {
            firsts[i] = packet;
        } else {
            if (rests[i] == null) {
                rests[i] = new ArrayDeque<>(4);
            }
            rests[i].addLast(packet);
        }
        bytes[i] += cost;
        return true;
    }

    /**
     * Removes that address's queue and hands its packets to {@code sink} oldest first (RFC 4380 §5.4.1 says
     * nothing of order; sending them as written keeps TCP happy, unlike Miredo, which sends newest first);
     * returns how many. The queue is removed before the sink first runs; if the sink throws, the packets not
     * yet handed over are released, then the exception propagates. 0 when there is no such queue.
     */
    int drain(long hi, long lo, long hash, Consumer<ByteBuf> sink) {
        int i = find(hi, lo, hash);
        if (i < 0) {
            return 0;
        }
        ByteBuf first = firsts[i];
        ArrayDeque<ByteBuf> rest = rests[i];
        remove(i);
        int handed = 0;
        try {
            if (first != null) {
                handed++;
                sink.accept(first);
            }
            ByteBuf packet;
            while (rest != null && (packet = rest.pollFirst()) != null) {
                handed++;
                sink.accept(packet);
            }
        } finally {
            release(null, rest);
        }
        return handed;
    }

    /** Removes that address's queue and releases its packets; returns how many (0 without a queue). */
    int discard(long hi, long lo, long hash) {
        int i = find(hi, lo, hash);
        if (i < 0) {
            return 0;
        }
        ByteBuf first = firsts[i];
        ArrayDeque<ByteBuf> rest = rests[i];
        remove(i);
        return release(first, rest);
    }

    /** Removes every queue and releases its packets; returns the number of packets released. */
    int releaseAll() {
        int released = 0;
        for (int i = 0; i < his.length; i++) {
            if (his[i] != 0) {
                released += release(firsts[i], rests[i]);
                clear(i);
            }
        }
        count = 0;
        return released;
    }

    long memoryBytes() {
        return 16 + (long) BYTES_PER_ENTRY * his.length;
    }

    private static int release(ByteBuf first, ArrayDeque<ByteBuf> rest) {
        int released = 0;
        if (first != null) {
            first.release();
            released++;
        }
        ByteBuf packet;
        while (rest != null && (packet = rest.pollFirst()) != null) {
            packet.release();
            released++;
        }
        return released;
    }

    /**
     * Empties entry {@code i}. Backward shift (Knuth, TAOCP vol. 3, 6.4 Algorithm R): later members of its
     * run move into the hole unless their home lies cyclically in (hole, position].
     */
    private void remove(int i) {
        int mask = his.length - 1;
        for (int j = (i + 1) & mask; his[j] != 0; j = (j + 1) & mask) {
            int home = hashes[j] & mask;
            if (((j - home) & mask) >= ((j - i) & mask)) {
                move(j, i);
                i = j;
            }
        }
        clear(i);
        count--;
    }

    private void move(int from, int to) {
        his[to] = his[from];
        los[to] = los[from];
        hashes[to] = hashes[from];
        bytes[to] = bytes[from];
        firsts[to] = firsts[from];
        rests[to] = rests[from];
    }

    private void clear(int i) {
        his[i] = 0;
        los[i] = 0;
        bytes[i] = 0;
        firsts[i] = null;
        rests[i] = null;
    }

    @SuppressWarnings("unchecked")
    private void resize(int length) {
        long[] oldHis = his;
        long[] oldLos = los;
        int[] oldHashes = hashes;
        int[] oldBytes = bytes;
        ByteBuf[] oldFirsts = firsts;
        ArrayDeque<ByteBuf>[] oldRests = rests;
        his = new long[length];
        los = new long[length];
        hashes = new int[length];
        bytes = new int[length];
        firsts = new ByteBuf[length];
        rests = (ArrayDeque<ByteBuf>[]) new ArrayDeque<?>[length];
        for (int from = 0; from < oldHis.length; from++) {
            if (oldHis[from] != 0) {
                int to = freeIndex(his, oldHashes[from]);
                his[to] = oldHis[from];
                los[to] = oldLos[from];
                hashes[to] = oldHashes[from];
                bytes[to] = oldBytes[from];
                firsts[to] = oldFirsts[from];
                rests[to] = oldRests[from];
            }
        }
    }

    private static int freeIndex(long[] h, int hash) {
        int mask = h.length - 1;
        int i = hash & mask;
        while (h[i] != 0) {
            i = (i + 1) & mask;
        }
        return i;
    }
}
