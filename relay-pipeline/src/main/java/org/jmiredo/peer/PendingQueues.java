package org.jmiredo.peer;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One segment's pending queues: the packets held for untrusted peers while the relay waits for their bubble
 * replies (RFC 4380 §5.4.1 case 3: "MAY queue", SHOULD send them once trusted, SHOULD delete them with the
 * entry). Keyed by peer address, open addressing over power-of-two tables, linear probing, backward-shift
 * deletion, at most half full. No object per queue: every new peer of a burst has one. An entry is four
 * longs of {@link #keys} (address, hash, bytes charged) and two references of {@link #packets} (the oldest
 * packet; a deque for the others, made only for a second packet), so finding and removing one touches two
 * cache lines. A queue is charged what it costs ({@link QueueCharge}): {@link QueueCharge#PER_QUEUE} from its
 * creation, and each packet its allocator slot and heap. Each entry keeps its key's hash, so moving entries
 * never rehashes. Guarded by the segment lock. Only peers with a queue are here (the slot's QUEUED bit says
 * which), so the slot table never looks here on the common path. Owns its ByteBufs.
 */
final class PendingQueues {
    /** Bytes of one entry: four longs, two references (compressed). */
    static final int BYTES_PER_ENTRY = 4 * 8 + 2 * 4;

    private static final int LO = 1;
    private static final int HASH = 2;
    private static final int BYTES = 3;
    private static final long[] NO_KEYS = new long[0];
    private static final Object[] NO_PACKETS = new Object[0];
    private static final VarHandle CHARGED;

    static {
        try {
            CHARGED = MethodHandles.lookup().findVarHandle(PendingQueues.class, "charged", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Entry i at {@code i << 2}: address high word (0 = empty: a Teredo prefix is never 0), low word, hash, bytes. */
    private long[] keys = NO_KEYS;
    /** Entry i at {@code i << 1}: its oldest packet, then the deque of the others (or null). */
    private Object[] packets = NO_PACKETS;

    private int count;
    /** Bytes charged to all queues here (their {@code BYTES} summed): written under the lock, read opaque. */
    private long charged;

    int count() {
        return count;
    }

    long chargedBytes() {
        return (long) CHARGED.getOpaque(this);
    }

    private void charge(long bytes) {
        CHARGED.setOpaque(this, charged + bytes);
    }

    /** The index of that address's queue, or -1; valid until the next {@link #add} or removal. */
    int find(long hi, long lo, long hash) {
        long[] k = keys;
        if (k.length == 0) {
            return -1;
        }
        int mask = capacity() - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            long h = k[i << 2];
            if (h == 0) {
                return -1;
            }
            if (h == hi && k[(i << 2) + LO] == lo) {
                return i;
            }
        }
    }

    /** Adds an empty queue for an address not present yet; returns its index, as {@link #find} would. */
    int add(long hi, long lo, long hash) {
        if ((count + 1) * 2 > capacity()) {
            resize(Math.max(8, capacity() * 2));
        }
        int i = freeIndex(keys, hash);
        keys[i << 2] = hi;
        keys[(i << 2) + LO] = lo;
        keys[(i << 2) + HASH] = hash;
        keys[(i << 2) + BYTES] = QueueCharge.PER_QUEUE;
        charge(QueueCharge.PER_QUEUE);
        count++;
        return i;
    }

    /**
     * Appends {@code packet} (taking ownership) unless queue {@code i} would then be charged more than {@code limit}
     * bytes ({@link QueueCharge#of}).
     */
    boolean offer(int i, ByteBuf packet, int limit) {
        int cost = QueueCharge.of(packet);
        long before = keys[(i << 2) + BYTES];
        if (cost > limit - before) {
            return false;
        }
        if (packets[i << 1] == null) {
            packets[i << 1] = packet;
        } else {
            rest(i, true).addLast(packet);
        }
        keys[(i << 2) + BYTES] = before + cost;
        charge(cost);
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
        ByteBuf first = (ByteBuf) packets[i << 1];
        ArrayDeque<ByteBuf> rest = rest(i, false);
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
        return drain(hi, lo, hash, ByteBuf::release);
    }

    /** Removes every queue and releases its packets; returns the number of packets released. */
    int releaseAll() {
        int released = 0;
        for (int i = 0; i < capacity(); i++) {
            if (keys[i << 2] != 0) {
                released += release((ByteBuf) packets[i << 1], rest(i, false));
                clear(i);
            }
        }
        count = 0;
        charge(-charged);
        return released;
    }

    long memoryBytes() {
        return 16 + (long) BYTES_PER_ENTRY * capacity();
    }

    /** Entries the table has room for; a scan visits indexes 0 to this, exclusive. */
    int capacity() {
        return keys.length >> 2;
    }

    /** Entry {@code i}'s address high word, 0 when the entry is empty (for a scan; see {@link #capacity}). */
    long hiAt(int i) {
        return keys[i << 2];
    }

    long loAt(int i) {
        return keys[(i << 2) + LO];
    }

    long hashAt(int i) {
        return keys[(i << 2) + HASH];
    }

    /** Queue {@code i}'s packets after the first; made if {@code create}, else null when there are none. */
    @SuppressWarnings("unchecked")
    private ArrayDeque<ByteBuf> rest(int i, boolean create) {
        Object rest = packets[(i << 1) + 1];
        if (rest == null && create) {
            rest = new ArrayDeque<ByteBuf>(4);
            packets[(i << 1) + 1] = rest;
        }
        return (ArrayDeque<ByteBuf>) rest;
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
        charge(-keys[(i << 2) + BYTES]);
        int mask = capacity() - 1;
        for (int j = (i + 1) & mask; keys[j << 2] != 0; j = (j + 1) & mask) {
            int home = (int) keys[(j << 2) + HASH] & mask;
            if (((j - home) & mask) >= ((j - i) & mask)) {
                System.arraycopy(keys, j << 2, keys, i << 2, 4);
                System.arraycopy(packets, j << 1, packets, i << 1, 2);
                i = j;
            }
        }
        clear(i);
        count--;
    }

    private void clear(int i) {
        Arrays.fill(keys, i << 2, (i + 1) << 2, 0L);
        packets[i << 1] = null;
        packets[(i << 1) + 1] = null;
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        Object[] oldPackets = packets;
        keys = new long[capacity << 2];
        packets = new Object[capacity << 1];
        for (int from = 0; from < oldKeys.length >> 2; from++) {
            if (oldKeys[from << 2] != 0) {
                int to = freeIndex(keys, oldKeys[(from << 2) + HASH]);
                System.arraycopy(oldKeys, from << 2, keys, to << 2, 4);
                System.arraycopy(oldPackets, from << 1, packets, to << 1, 2);
            }
        }
    }

    private static int freeIndex(long[] k, long hash) {
        int mask = (k.length >> 2) - 1;
        int i = (int) hash & mask;
        while (k[i << 2] != 0) {
            i = (i + 1) & mask;
        }
        return i;
    }
}
