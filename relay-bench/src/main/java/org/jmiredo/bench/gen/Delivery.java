package org.jmiredo.bench.gen;

import org.HdrHistogram.Histogram;

/**
 * What one receiving thread saw of one direction: exact counts and one-way latency (receive time minus
 * the send time in the probe). Single writer; read after the thread has been joined.
 */
final class Delivery {
    /** Up to 60 s in nanoseconds, 3 significant digits. */
    final Histogram latency = new Histogram(60_000_000_000L, 3);

    long packets;
    long bytes;
    /** Delivered to another peer than the one the probe names: a relay routing bug, never expected. */
    long misdelivered;

    void record(int ipv6Bytes, long sentNanos, long nowNanos) {
        packets++;
        bytes += ipv6Bytes;
        long d = nowNanos - sentNanos;
        if (d >= 0 && d < 60_000_000_000L) {
            latency.recordValue(d);
        }
    }
}
