package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Burst lookups ({@link PeerLookups}) on reader threads racing writer threads (other event loops, the
 * sweeper) that insert, update, remove, grow, shift back, evict and expire in a few small segments: a
 * copy that is {@link PeerLookups#current} is always a state some writer wrote for that key (both words
 * of it from one critical section), and an entry present all along is never reported absent. Each writer
 * owns its keys and writes, in one critical section, a mapping that names the key and a port equal to the
 * low bits of the lastRx it sets, so a torn or foreign copy would show.
 */
class PeerLookupsConcurrencyTest {
    private static final long HI = Peers.hi(0xCB007101);
    private static final int WRITERS = 2;
    private static final int READERS = 2;
    private static final int ANCHORS = 40; // per writer, never removed
    private static final int CHURN = 200; // per writer
    private static final int ROUNDS = 400_000;

    @Test
    void currentCopiesAreWrittenStatesAndPresentEntriesAreNeverMissed() throws Exception {
        // Room for every key: no eviction, and nothing idles out, so the anchors stay present. Segments
        // start at 16 slots and grow while the readers read.
        PeerTable table = Peers.table(new PeerTableSettings(2048, 4, 1_000_000, 2000, 100));
        Stats stats = race(table, true);
        assertThat(stats.anchorsSeen).isPositive();
        assertThat(stats.churnFound).isPositive();
        assertThat(stats.churnAbsent).isPositive();
        assertThat(stats.stale).as("some reads raced a writer").isPositive();
    }

    @Test
    void currentCopiesAreWrittenStatesUnderEvictionAndExpiry() throws Exception {
        // Shares of 60 for 480 keys: inserts evict all the time; idle 5 s: every sweep removes entries.
        PeerTable table = Peers.table(new PeerTableSettings(240, 4, 5, 2000, 100));
        Stats stats = race(table, false);
        assertThat(table.evictions()).isPositive();
        assertThat(table.expirations()).isPositive();
        assertThat(stats.churnFound).isPositive();
        assertThat(stats.churnAbsent).isPositive();
    }

    /** What the readers counted. */
    static final class Stats {
        long anchorsSeen;
        long churnFound;
        long churnAbsent;
        long stale;

        synchronized void add(Stats other) {
            anchorsSeen += other.anchorsSeen;
            churnFound += other.churnFound;
            churnAbsent += other.churnAbsent;
            stale += other.stale;
        }
    }

    private static Stats race(PeerTable table, boolean anchorsStay) throws Exception {
        try {
            for (int w = 0; w < WRITERS; w++) {
                for (int a = 0; a < ANCHORS; a++) {
                    write(table, key(w, a), 1);
                }
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(WRITERS + READERS);
            Stats total = new Stats();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < WRITERS + READERS; t++) {
                int id = t;
                threads.add(new Thread(() -> {
                    try {
                        start.await();
                        if (id < WRITERS) {
                            writer(table, id, new SplittableRandom(id));
                        } else {
                            total.add(reader(table, new SplittableRandom(id), writing, anchorsStay));
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        writing.set(false);
                    } finally {
                        if (id == 0) {
                            writing.set(false); // writer 0 is done: the readers stop
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join(120_000);
                assertThat(thread.isAlive()).isFalse();
            }
            assertThat(failure.get()).isNull();
            table.checkInvariants();
            return total;
        } finally {
            table.close();
        }
    }

    /** Key {@code k} of writer {@code w}: anchors first, then churn keys. */
    private static int key(int w, int k) {
        return w * (ANCHORS + CHURN) + k;
    }

    /** The mapped IPv4 that names key {@code n}: never 0, so a fresh entry's zero mapping would show. */
    private static int ipv4Of(int n) {
        return 0x0A000000 | n;
    }

    private static void writer(PeerTable table, int w, SplittableRandom random) {
        for (int now = 2; now < ROUNDS; now++) {
            int k = random.nextInt(ANCHORS + CHURN);
            int n = key(w, k);
            if (k >= ANCHORS && random.nextInt(3) == 0) {
                long lo = Peers.lo(n);
                Peers.locked(table, HI, lo, s -> {
                    int slot = s.find(HI, lo);
                    if (slot >= 0) {
                        s.remove(slot);
                    }
                    return 0;
                });
            } else {
                write(table, n, now);
            }
            if ((now & 255) == 0) {
                table.expire(now);
            }
        }
    }

    /** Inserts key {@code n} if absent and sets its fields, all in one critical section. */
    private static void write(PeerTable table, int n, int now) {
        long lo = Peers.lo(n);
        Peers.locked(table, HI, lo, s -> {
            int slot = s.find(HI, lo);
            if (slot < 0) {
                slot = s.insert(HI, lo, now);
            }
            s.setTrusted(slot, true);
            s.setMapping(slot, ipv4Of(n), now & 0xFFFF, n & 0xFF);
            s.setLastRx(slot, now);
            s.touch(slot, now);
            return 0;
        });
    }

    /** Bursts of random keys of both writers, checked as the relay uses them: only while current. */
    private static Stats reader(PeerTable table, SplittableRandom random, AtomicBoolean writing, boolean anchorsStay) {
        Stats stats = new Stats();
        PeerLookups burst = new PeerLookups(table);
        int[] keys = new int[PeerLookups.MAX];
        while (writing.get()) {
            burst.clear();
            int n = 1 + random.nextInt(PeerLookups.MAX);
            for (int j = 0; j < n; j++) {
                keys[j] = key(random.nextInt(WRITERS), random.nextInt(ANCHORS + CHURN));
                burst.add(HI, Peers.lo(keys[j]));
            }
            burst.run();
            for (int j = 0; j < n; j++) {
                if (burst.current(j)) {
                    check(keys[j], burst, j, anchorsStay, stats);
                } else {
                    stats.stale++;
                }
            }
        }
        return stats;
    }

    private static void check(int n, PeerLookups burst, int j, boolean anchorsStay, Stats stats) {
        boolean anchor = n % (ANCHORS + CHURN) < ANCHORS;
        if (anchor && anchorsStay) {
            assertThat(burst.present(j)).as("anchor %d present all along", n).isTrue();
            stats.anchorsSeen++;
        }
        if (burst.present(j)) {
            assertThat(burst.mappedIpv4(j)).as("mapping of key %d", n).isEqualTo(ipv4Of(n));
            assertThat(burst.trusted(j)).isTrue();
            int lastRx = SlotLayout.time(burst.times[j], SlotLayout.RX_AGE_SHIFT);
            assertThat(lastRx).as("lastRx of key %d", n).isPositive();
            assertThat(lastRx & 0xFFFF).as("lastRx with port of key %d", n).isEqualTo(burst.mappedPort(j));
            // Written in one critical section with its touch; only the eviction hand clears the reference bit.
            assertThat(burst.acceptedAt(j, ipv4Of(n), lastRx & 0xFFFF, n & 0xFF, lastRx))
                    .isEqualTo((burst.state[j] & SlotLayout.REFERENCED) != 0);
        }
        if (!anchor) {
            if (burst.present(j)) {
                stats.churnFound++;
            } else {
                stats.churnAbsent++;
            }
        }
    }
}
