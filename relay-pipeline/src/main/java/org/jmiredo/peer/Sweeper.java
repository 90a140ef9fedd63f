package org.jmiredo.peer;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The incremental expiry sweep of a {@link PeerTable} and where it stands. One thread sweeps at a time
 * (a try-lock: a second caller returns at once); segment locks are taken one chunk at a time.
 */
final class Sweeper {
    /** Most slot advances under one segment lock: a few microseconds of holding. */
    static final int CHUNK = 512;

    private final ReentrantLock running = new ReentrantLock();
    /** Cursor: segment index and slot index within it, carried over between calls. */
    int segment;
    int slot;
    /** Slot advances left in the current call. */
    long budget;
    /** Entries removed in the current call. */
    int removed;

    /** The last second whose call released unanswered queues ({@link PeerTable#QUEUE_WAIT_SECONDS}). */
    int queuesCheckedAt = -1;

    /**
     * Advances over at most {@code maxSlots} slots, removing idle entries; returns how many it removed. The first
     * call of a second also releases the queues whose peers left their last bubble unanswered, when {@code queued}
     * (some peer holds a queue): a pass over the segments' queues only, one segment lock at a time.
     */
    int run(PeerTable.Segment[] segments, int now, int idleSeconds, long maxSlots, boolean queued) {
        if (!running.tryLock()) {
            return 0;
        }
        try {
            budget = maxSlots;
            removed = 0;
            while (budget > 0) {
                PeerTable.Segment s = segments[segment];
                s.lock();
                boolean done;
                try {
                    done = s.sweep(this, (int) Math.min(budget, CHUNK), now, idleSeconds);
                } finally {
                    s.unlock();
                }
                if (done) {
                    slot = 0;
                    segment = (segment + 1) & (segments.length - 1);
                }
            }
            if (queued && now != queuesCheckedAt) {
                queuesCheckedAt = now;
                discardUnansweredQueues(segments, now);
            }
            return removed;
        } finally {
            running.unlock();
        }
    }

    private static void discardUnansweredQueues(PeerTable.Segment[] segments, int now) {
        for (PeerTable.Segment s : segments) {
            s.lock();
            try {
                s.discardUnansweredQueues(now, PeerTable.QUEUE_WAIT_SECONDS);
            } finally {
                s.unlock();
            }
        }
    }
}
