package org.jmiredo.peer;

/**
 * One segment's pending queues, keyed by peer address: open addressing over a power-of-two array of
 * queue objects ({@code null} = empty), linear probing, backward-shift deletion, at most half full.
 * Each queue keeps its own keyed hash, so moving entries never rehashes. Guarded by the segment lock.
 * Only peers with a queue are here (the slot's QUEUED bit says which), so the slot table never looks here
 * on the common path.
 */
final class PendingQueues {
    /**
     * Estimated heap bytes of one queue: the PendingQueue object (48); a queue of two packets or more also
     * has an ArrayDeque (24) and its array (40), not counted, as such queues are rare.
     */
    static final long BYTES_PER_QUEUE = 48;
    private static final PendingQueue[] NONE = new PendingQueue[0];

    private PendingQueue[] table = NONE;
    private int count;

    int count() {
        return count;
    }

    PendingQueue get(long hi, long lo, long hash) {
        PendingQueue[] t = table;
        if (t.length == 0) {
            return null;
        }
        int mask = t.length - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            PendingQueue q = t[i];
            if (q == null || (q.hi == hi && q.lo == lo)) {
                return q;
            }
        }
    }

    /** Adds {@code queue}, whose address must not be present yet. */
    void put(PendingQueue queue) {
        if ((count + 1) * 2 > table.length) {
            resize(Math.max(8, table.length * 2));
        }
        insert(table, queue);
        count++;
    }

    /** Removes and returns the queue of that address, or null. */
    PendingQueue remove(long hi, long lo, long hash) {
        PendingQueue[] t = table;
        if (t.length == 0) {
            return null;
        }
        int mask = t.length - 1;
        int i = (int) hash & mask;
        PendingQueue found;
        while ((found = t[i]) != null && (found.hi != hi || found.lo != lo)) {
            i = (i + 1) & mask;
        }
        if (found == null) {
            return null;
        }
        // Backward shift (Knuth, TAOCP vol. 3, 6.4 Algorithm R): pull later members of the run into the
        // hole unless their home lies cyclically in (hole, position].
        for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
            int home = (int) t[j].hash & mask;
            if (((j - home) & mask) >= ((j - i) & mask)) {
                t[i] = t[j];
                i = j;
            }
        }
        t[i] = null;
        count--;
        return found;
    }

    /** Removes every queue and releases its packets; returns the number of packets released. */
    int releaseAll() {
        int released = 0;
        PendingQueue[] t = table;
        for (int i = 0; i < t.length; i++) {
            if (t[i] != null) {
                released += t[i].releaseAll();
                t[i] = null;
            }
        }
        count = 0;
        return released;
    }

    long memoryBytes() {
        return 16 + 4L * table.length + BYTES_PER_QUEUE * count;
    }

    private void resize(int length) {
        PendingQueue[] grown = new PendingQueue[length];
        for (PendingQueue q : table) {
            if (q != null) {
                insert(grown, q);
            }
        }
        table = grown;
    }

    private static void insert(PendingQueue[] t, PendingQueue queue) {
        int mask = t.length - 1;
        int i = (int) queue.hash & mask;
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = queue;
    }
}
