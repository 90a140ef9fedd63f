package org.jmiredo.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.jmiredo.peer.PeerTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A new peer into a full table of a million, so that every insert evicts one: with every entry trusted (a
 * busy relay at capacity: the search for an unused new peer finds none and CLOCK decides) or none (a
 * native flood: that search finds one at once). {@link #insertForged}: what the reception does for a packet
 * from a source matching the mapping its address embeds (accept-matching), one per forged source, into
 * the same table: FRESH, trusted, mapped, not touched; after the first lap the search finds such an entry.
 */
@State(Scope.Thread)
public class EvictionBench {
    private static final int PEERS = 1_000_000;

    @Param({"true", "false"})
    boolean trusted;

    PeerTable table;
    int next;

    @Setup(Level.Trial)
    public void fill() {
        table = PeerTableBench.newTable(PEERS);
        if (trusted) {
            PeerKeys.fillTrusted(table, PEERS, PeerTableBench.NOW);
        } else {
            for (int i = 0; i < PEERS; i++) {
                insert(i);
            }
        }
        next = PEERS;
    }

    @TearDown(Level.Trial)
    public void drop() {
        table.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int insertEvicting() {
        return insert(next++);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int insertForged() {
        return insert(next++, true);
    }

    private int insert(int i) {
        return insert(i, false);
    }

    /** {@code forged}: as the reception's accept-matching insert; else plain, trusted if the table is. */
    private int insert(int i, boolean forged) {
        long lo = PeerKeys.lo(i);
        long h = table.hash(PeerKeys.HI, lo);
        PeerTable.Segment s = table.segmentFor(h);
        s.lock();
        try {
            if (!forged) {
                int slot = s.insert(PeerKeys.HI, lo, h, PeerTableBench.NOW);
                if (trusted) {
                    s.setTrusted(slot, true);
                }
                return slot;
            }
            int slot = s.insertFresh(PeerKeys.HI, lo, h, PeerTableBench.NOW);
            s.setTrusted(slot, true);
            s.setMapping(slot, PeerKeys.mappedIpv4(i), PeerKeys.mappedPort(i), 0);
            s.setLastRx(slot, PeerTableBench.NOW);
            return slot;
        } finally {
            s.unlock();
        }
    }
}
