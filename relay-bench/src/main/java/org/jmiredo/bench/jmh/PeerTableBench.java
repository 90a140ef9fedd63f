package org.jmiredo.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.jmiredo.peer.PeerLookups;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Peer table at relay scale (issue 5): insert into an empty table sized for {@code peers}, lookup of a
 * present peer (hash, segment lock, probe) for its latency, batches of lookups for the throughput one
 * event loop gets, and one expiry lap removing every peer. Insert and expire are single shots over all
 * peers, reported per peer. Needs a large heap at 10 M (-Xmx3g is plenty: the table itself is about 43
 * bytes a peer).
 */
public class PeerTableBench {
    static final int NOW = 1_000;
    static final int IDLE = 60;
    /** Lookups per batch: one run of a recvmmsg burst, as the relay cuts it. */
    static final int BATCH = PeerLookups.MAX;

    static PeerTable newTable(int peers) {
        return new PeerTable(new PeerTableSettings(peers, 256, IDLE, 1280 * 4, 65_536));
    }

    @State(Scope.Thread)
    public static class Empty {
        @Param({"1000000", "10000000"})
        int peers;

        PeerTable table;

        @Setup(Level.Invocation)
        public void create() {
            table = newTable(peers);
        }

        @TearDown(Level.Invocation)
        public void drop() {
            table.close();
            table = null;
        }
    }

    @State(Scope.Thread)
    public static class Full {
        @Param({"1000000", "10000000"})
        int peers;

        PeerTable table;
        int cursor;
        /** Low key words of random present peers, read in order {@value #BATCH} at a time. */
        long[] randomLo;

        int batchAt;
        PeerLookups lookups;

        @Setup(Level.Trial)
        public void fill() {
            table = newTable(peers);
            PeerKeys.fillTrusted(table, peers, NOW);
            randomLo = PeerKeys.randomLo(peers, 1 << 20, 42);
            lookups = new PeerLookups(table);
        }

        /** Where the next batch starts in {@link #randomLo}. */
        int nextBatch() {
            int at = batchAt;
            batchAt = at + BATCH == randomLo.length ? 0 : at + BATCH;
            return at;
        }

        @TearDown(Level.Trial)
        public void drop() {
            table.close();
        }
    }

    @State(Scope.Thread)
    public static class Expiring {
        @Param({"1000000", "10000000"})
        int peers;

        PeerTable table;

        @Setup(Level.Invocation)
        public void fill() {
            table = newTable(peers);
            PeerKeys.fillTrusted(table, peers, NOW);
        }

        @TearDown(Level.Invocation)
        public void drop() {
            table.close();
            table = null;
        }
    }

    /** Inserts every peer into an empty table; ns/op is per peer (the score is divided by 10 M or 1 M below). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int insertAll(Empty s) {
        PeerKeys.fillTrusted(s.table, s.peers, NOW);
        return s.table.size();
    }

    /** One lookup of a present peer, in a stride order that defeats the caches as real traffic would. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int lookup(Full s) {
        int i = PeerKeys.next(s.cursor, s.peers);
        s.cursor = i;
        long lo = PeerKeys.lo(i);
        long h = s.table.hash(PeerKeys.HI, lo);
        PeerTable.Segment seg = s.table.segmentFor(h);
        seg.lock();
        try {
            return seg.find(PeerKeys.HI, lo, h);
        } finally {
            seg.unlock();
        }
    }

    /**
     * Throughput: a batch of lookups of independent random present peers, as an event loop does for one
     * burst of datagrams; the score is lookups per time unit. Each lookup takes and releases its
     * segment lock, as the relay's data path does.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(BATCH)
    public int lookupBatch(Full s) {
        long[] keys = s.randomLo;
        int at = s.nextBatch();
        int found = 0;
        for (int k = at; k < at + BATCH; k++) {
            long lo = keys[k];
            long h = s.table.hash(PeerKeys.HI, lo);
            PeerTable.Segment seg = s.table.segmentFor(h);
            seg.lock();
            try {
                found += seg.find(PeerKeys.HI, lo, h);
            } finally {
                seg.unlock();
            }
        }
        return found;
    }

    /**
     * {@link #lookupBatch} as the relay's receive burst looks its peers up now ({@link PeerLookups}): hash
     * all, start every probe, finish all, without locks, then check each copy is current before using it.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(BATCH)
    public int lookupBurst(Full s) {
        long[] keys = s.randomLo;
        int at = s.nextBatch();
        PeerLookups burst = s.lookups;
        burst.clear();
        for (int k = at; k < at + BATCH; k++) {
            burst.add(PeerKeys.HI, keys[k]);
        }
        burst.run();
        int found = 0;
        for (int k = 0; k < BATCH; k++) {
            if (burst.current(k) && burst.present(k)) {
                found += burst.mappedPort(k);
            }
        }
        return found;
    }

    /** The keyed hash alone (SipHash-1-3), over a batch: what every lookup pays before touching memory. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(BATCH)
    public long hashBatch(Full s) {
        long[] keys = s.randomLo;
        int at = s.nextBatch();
        long x = 0;
        for (int k = at; k < at + BATCH; k++) {
            x ^= s.table.hash(PeerKeys.HI, keys[k]);
        }
        return x;
    }

    /** Expiry laps until every (idle) peer is gone: the whole table's removal cost. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long expireAll(Expiring s) {
        long removed = 0;
        for (int lap = 0; lap < 4 && s.table.size() > 0; lap++) {
            removed += s.table.expire(NOW + IDLE + 1, Long.MAX_VALUE);
        }
        return removed;
    }
}
