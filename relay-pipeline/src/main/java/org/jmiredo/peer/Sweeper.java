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

    /**
     * Most queues one call looks at in its pass over the queues ({@link #passOverQueues}): about 0.12 ms on the
     * build host, where a pass over 16,384 (the default peers.max-queued-peers) took 0.5 ms warm.
     */
    static final int QUEUE_PASS_BUDGET = 4096;

    /** The second the last pass over the queues started. */
    int queuesCheckedAt = -1;
    /** The segment the pass over the queues goes on with; -1 when no pass is under way. */
    int queueSegment = -1;

    /**
     * Advances over at most {@code maxSlots} slots, removing idle entries; returns how many it removed. The first
     * call of a second, when {@code queued} (some peer holds a queue), also starts a pass over the segments'
     * queues that releases those whose peers left their last bubble unanswered ({@link
     * PeerTable#QUEUE_WAIT_SECONDS}), one segment lock at a time; each call goes on with it for at most {@value
     * #QUEUE_PASS_BUDGET} queues, so a pass over a full queue budget takes a few of the relay's calls (ten a
     * second).
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
            if (queueSegment < 0 && queued && now != queuesCheckedAt) {
                queuesCheckedAt = now;
                queueSegment = 0;
            }
            if (queueSegment >= 0) {
                passOverQueues(segments, now);
            }
            return removed;
        } finally {
            running.unlock();
        }
    }

    private void passOverQueues(PeerTable.Segment[] segments, int now) {
        int seen = 0;
        while (queueSegment < segments.length && seen < QUEUE_PASS_BUDGET) {
            PeerTable.Segment s = segments[queueSegment++];
            s.lock();
            try {
                seen += s.discardUnansweredQueues(now, PeerTable.QUEUE_WAIT_SECONDS);
            } finally {
                s.unlock();
            }
        }
        if (queueSegment == segments.length) {
            queueSegment = -1;
        }
    }
}
