package org.jmiredo.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A histogram of write latencies for one event loop, written by that loop's thread only, sampled: one
 * write in {@link #SAMPLE_EVERY} is timed (two {@link System#nanoTime()} calls, about 25 ns each here), so
 * the cost per packet stays near a nanosecond. Buckets double from 1 µs to about 1 s, which is what a
 * Prometheus histogram of syscall latencies needs; the last bucket is +Inf. Read at scrape time with
 * opaque loads, like {@link DataPathCounters}.
 */
public final class LatencyHistogram {
    /** Writes per timed write: a power of two. */
    public static final int SAMPLE_EVERY = 16;
    /** Upper bounds of the finite buckets, in nanoseconds: 1 µs, 2 µs, ... 2^20 µs (about 1 s). */
    public static final int FINITE_BUCKETS = 21;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    /** Buckets (non-cumulative), then +Inf, then the sum of the timed latencies in nanoseconds. */
    private final long[] values = new long[FINITE_BUCKETS + 2];

    private int tick;

    /** What {@link #start} returns for a write that is not timed. */
    public static final long NOT_TIMED = Long.MIN_VALUE;

    /**
     * Call before a write, and pass the result to {@link #stop} after it: the time now for one write in
     * {@link #SAMPLE_EVERY}, else {@link #NOT_TIMED} (no clock read).
     */
    public long start() {
        return (++tick & (SAMPLE_EVERY - 1)) == 0 ? System.nanoTime() : NOT_TIMED;
    }

    /** Records the write that {@link #start} returned {@code start} for, if it was timed. */
    public void stop(long start) {
        if (start != NOT_TIMED) {
            record(System.nanoTime() - start);
        }
    }

    public void record(long nanos) {
        long micros = (Math.max(0, nanos) + 999) / 1_000; // rounded up: 1.001 µs is above the 1 µs bound
        // Smallest i with micros <= 2^i: bucket i has the upper bound 2^i microseconds.
        int bucket = micros <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(micros - 1);
        int index = Math.min(bucket, FINITE_BUCKETS);
        SLOT.setOpaque(values, index, values[index] + 1);
        SLOT.setOpaque(values, FINITE_BUCKETS + 1, values[FINITE_BUCKETS + 1] + Math.max(0, nanos));
    }

    /** Upper bound of finite bucket {@code i} in seconds. */
    public static double upperBoundSeconds(int i) {
        return (1L << i) / 1e6;
    }

    /** Timed writes that fell in bucket {@code i} (non-cumulative); {@code FINITE_BUCKETS} is +Inf. */
    public long bucket(int i) {
        return (long) SLOT.getOpaque(values, i);
    }

    /** Sum of the timed latencies, in nanoseconds. */
    public long sumNanos() {
        return (long) SLOT.getOpaque(values, FINITE_BUCKETS + 1);
    }
}
