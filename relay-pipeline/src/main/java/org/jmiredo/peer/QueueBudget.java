package org.jmiredo.peer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The table-wide bound on peers holding queued packets (RFC 4380 §5.4.1: "limit the number of queued
 * packets", a DoS concern per §7.3.5). Shared by all segments, so it is the one atomic counter the table
 * has; it is touched only when a queue is created or deleted, never on the ordinary forwarding path.
 */
final class QueueBudget {
    final int bytesPerPeer;
    private final int maxPeers;
    private final AtomicInteger peers = new AtomicInteger();
    private volatile boolean closed;

    QueueBudget(int bytesPerPeer, int maxPeers) {
        this.bytesPerPeer = bytesPerPeer;
        this.maxPeers = maxPeers;
    }

    /** Claims room for one more queue; false when {@code maxPeers} already hold one or the table is closed. */
    boolean tryReserve() {
        for (; ; ) {
            int n = peers.get();
            if (closed || n >= maxPeers) {
                return false;
            }
            if (peers.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        peers.decrementAndGet();
    }

    int peers() {
        return peers.get();
    }

    void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }
}
