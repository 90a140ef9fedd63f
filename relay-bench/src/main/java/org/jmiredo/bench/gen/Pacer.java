package org.jmiredo.bench.gen;

import java.util.concurrent.locks.LockSupport;

/**
 * Spaces batches so that packet {@code k} leaves no earlier than {@code start + k / rate}: an open-loop
 * schedule, so a slow receiver cannot slow the offered load down (no coordinated omission). Rate 0 means
 * as fast as the socket takes them.
 */
final class Pacer {
    private final double nanosPerPacket;
    private final long start;

    Pacer(double rate, long start) {
        this.nanosPerPacket = rate > 0 ? 1e9 / rate : 0;
        this.start = start;
    }

    /** Waits until packet {@code k} is due; parks when more than 60 µs early, spins the rest. */
    void awaitDue(long k) {
        if (nanosPerPacket == 0) {
            return;
        }
        long due = start + (long) (k * nanosPerPacket);
        long early;
        while ((early = due - System.nanoTime()) > 0) {
            if (early > 60_000) {
                LockSupport.parkNanos(early - 50_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
