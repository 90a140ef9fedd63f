package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PeerTableBasicsTest {
    private static final long HI = Peers.hi(0xC0000201);

    @Test
    void insertFindRemove() {
        PeerTable table = Peers.table(1000, 4);
        for (int n = 0; n < 500; n++) {
            assertThat(Peers.contains(table, HI, Peers.lo(n))).isFalse();
            Peers.put(table, HI, Peers.lo(n), 0);
        }
        assertThat(table.size()).isEqualTo(500);
        for (int n = 0; n < 500; n += 2) {
            Peers.remove(table, HI, Peers.lo(n));
        }
        assertThat(table.size()).isEqualTo(250);
        for (int n = 0; n < 600; n++) {
            assertThat(Peers.contains(table, HI, Peers.lo(n))).as("peer %d", n).isEqualTo(n < 500 && n % 2 == 1);
        }
        table.checkInvariants();
    }

    @Test
    void zeroHiIsNeverAKey() {
        PeerTable table = Peers.table(16, 1);
        Peers.put(table, HI, 0, 0);
        Peers.locked(table, 0, 0, s -> {
            assertThat(s.find(0, 0)).isEqualTo(-1); // would otherwise "match" an empty slot
            assertThatThrownBy(() -> s.insert(0, 5, 0)).isInstanceOf(IllegalArgumentException.class);
            return 0;
        });
    }

    @Test
    void hashTakingOverloadsAgreeWithThePlainOnes() {
        PeerTable table = Peers.table(100, 8);
        long lo = Peers.lo(42);
        long h = table.hash(HI, lo);
        assertThat(table.segmentFor(h)).isSameAs(table.segment(HI, lo));
        Peers.locked(table, HI, lo, s -> {
            int slot = s.insert(HI, lo, h, 3);
            assertThat(s.find(HI, lo)).isEqualTo(slot).isEqualTo(s.find(HI, lo, h));
            return 0;
        });
    }

    /**
     * Backward-shift deletion: a run that wraps around the end of the array closes up with every entry
     * still reachable, and an entry sitting at its own home is not moved.
     */
    @Test
    void backwardShiftKeepsRunsReachableAcrossTheWrap() {
        PeerTable table = Peers.table(12, 1); // 16 slots, never grows
        PeerTable.Segment s = table.segmentAt(0);
        assertThat(s.slotCapacity()).isEqualTo(16);
        long a1 = loWithHome(s, 14, 0);
        long a2 = loWithHome(s, 14, a1 + 1);
        long a3 = loWithHome(s, 14, a2 + 1);
        long b = loWithHome(s, 15, 0);
        long c = loWithHome(s, 0, 0);
        long d = loWithHome(s, 3, 0);
        s.lock();
        try {
            for (long lo : new long[] {a1, a2, a3, b, c, d}) {
                s.insert(HI, lo, 0);
            }
            assertThat(slots(s, a1, a2, a3, b, c, d)).containsExactly(14, 15, 0, 1, 2, 3);
            s.remove(s.find(HI, a1));
            assertThat(slots(s, a2, a3, b, c, d)).containsExactly(14, 15, 0, 1, 3);
            assertThat(s.find(HI, a1)).isEqualTo(-1);
            s.remove(s.find(HI, b));
            assertThat(slots(s, a2, a3, c, d)).containsExactly(14, 15, 0, 3);
            s.checkInvariants();
        } finally {
            s.unlock();
        }
    }

    @Test
    void growsByDoublingAndKeepsFields() {
        PeerTable table = Peers.table(100_000, 1);
        PeerTable.Segment s = table.segmentAt(0);
        assertThat(s.slotCapacity()).isEqualTo(16);
        long before = table.memoryBytes();
        s.lock();
        try {
            for (int n = 0; n < 10_000; n++) {
                int slot = s.insert(HI, Peers.lo(n), n);
                s.setMapping(slot, n, n & 0xFFFF, 0);
            }
            assertThat(s.slotCapacity()).isEqualTo(16_384); // 10 000 > 3/4 of 8192
            for (int n = 0; n < 10_000; n++) {
                int slot = s.find(HI, Peers.lo(n));
                assertThat(s.mappedIpv4(slot)).isEqualTo(n);
                assertThat(s.mappedPort(slot)).isEqualTo(n & 0xFFFF);
            }
            s.checkInvariants();
        } finally {
            s.unlock();
        }
        assertThat(table.memoryBytes() - before).isEqualTo(8L * 4 * (16_384 - 16));
    }

    @Test
    void lastStepStopsAtFourThirdsOfTheShare() {
        PeerTable table = Peers.table(1000, 1); // maxSlots = ceil(4000 / 3) = 1334, not a power of two
        for (int n = 0; n < 1000; n++) {
            Peers.put(table, HI, Peers.lo(n), 0);
        }
        assertThat(table.segmentAt(0).slotCapacity()).isEqualTo(1334);
        assertThat(table.size()).isEqualTo(1000);
        assertThat(table.evictions()).isZero();
        table.checkInvariants();
    }

    @Test
    void sharesSumToMaxPeersAndNothingIsPreallocated() {
        PeerTable table = Peers.table(10_000_000, 256);
        assertThat(table.capacity()).isEqualTo(10_000_000);
        assertThat(table.segmentCount()).isEqualTo(256);
        long shares = 0;
        for (int i = 0; i < 256; i++) {
            shares += table.segmentAt(i).share;
            assertThat(table.segmentAt(i).share).isBetween(39_062, 39_063);
        }
        assertThat(shares).isEqualTo(10_000_000);
        assertThat(table.memoryBytes()).isLessThan(1 << 20); // 16 slots per segment to start with
    }

    @Test
    void neverMoreSegmentsThanPeers() {
        PeerTable table = Peers.table(5, 256);
        assertThat(table.segmentCount()).isEqualTo(4);
        for (int n = 0; n < 100; n++) {
            Peers.put(table, HI, Peers.lo(n), n);
        }
        assertThat(table.size()).isEqualTo(5);
        table.checkInvariants();
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new PeerTableSettings(0, 1, 60, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PeerTableSettings(10, 3, 60, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PeerTable(new PeerTableSettings(Integer.MAX_VALUE, 1, 60, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segments");
    }

    /** The first lo from {@code from} on whose home slot in {@code s} is {@code home}. */
    static long loWithHome(PeerTable.Segment s, int home, long from) {
        for (long lo = Math.max(from, 1); ; lo++) {
            if (s.homeOf(HI, lo) == home) {
                return lo;
            }
        }
    }

    private static int[] slots(PeerTable.Segment s, long... los) {
        int[] slots = new int[los.length];
        for (int i = 0; i < los.length; i++) {
            slots[i] = s.find(HI, los[i]);
        }
        return slots;
    }
}
