package org.jmiredo.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counters of one event loop. Only that loop's thread writes (plain add, then an opaque store, which
 * is an ordinary store on x86 and ARM), so the data path takes no lock and no atomic read-modify-write;
 * the metrics endpoint reads them with opaque loads at scrape time and sums the loops.
 */
public final class DataPathCounters {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int DROPS_BASE = Counter.values().length;

    private final long[] values = new long[DROPS_BASE + DropReason.values().length];
    private final LatencyHistogram tunWrites = new LatencyHistogram();
    private final LatencyHistogram udpFlushes = new LatencyHistogram();

    /** Latency of writes into the tunnel: one write(2) each, of a packet or of a GSO super-packet. */
    public LatencyHistogram tunWrites() {
        return tunWrites;
    }

    /** Latency of UDP flushes: one per read burst, each one sendmmsg(2) of the burst's datagrams. */
    public LatencyHistogram udpFlushes() {
        return udpFlushes;
    }

    public void add(Counter counter, long delta) {
        bump(counter.ordinal(), delta);
    }

    public void increment(Counter counter) {
        bump(counter.ordinal(), 1);
    }

    /**
     * One datagram of {@code bytes} UDP payload bytes left (the kernel took it): {@code udp_sent} and, unless
     * null, what it was ({@code kind}: a bubble, a released packet...) and what that is a part of. Counted when
     * its fate is known, so that a datagram counts once: as sent here, or as the drop {@code udp_write_failed}.
     */
    public void sent(Counter kind, int bytes) {
        bump(Counter.UDP_TX_PACKETS.ordinal(), 1);
        bump(Counter.UDP_TX_BYTES.ordinal(), bytes);
        if (kind != null) {
            bump(kind.ordinal(), 1);
            if (kind.partOf() != null) {
                bump(kind.partOf().ordinal(), 1);
            }
        }
    }

    public void drop(DropReason reason) {
        bump(DROPS_BASE + reason.ordinal(), 1);
    }

    public void drop(DropReason reason, long count) {
        bump(DROPS_BASE + reason.ordinal(), count);
    }

    public long get(Counter counter) {
        return (long) SLOT.getOpaque(values, counter.ordinal());
    }

    public long dropped(DropReason reason) {
        return (long) SLOT.getOpaque(values, DROPS_BASE + reason.ordinal());
    }

    private void bump(int index, long delta) {
        SLOT.setOpaque(values, index, values[index] + delta);
    }
}
