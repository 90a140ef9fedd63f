package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** R-7.3.5-state: the state kept per peer is bounded: at most 48 bytes a peer in a full table. */
class PeerTableMemoryTest {
    @Test
    void fullDefaultTableCostsUnder48BytesPerPeer_R_7_3_5_state() {
        PeerTable table = Peers.table(PeerTableSettings.defaults());
        long n = 0;
        while (table.size() < table.capacity()) {
            for (int i = 0; i < 4096; i++, n++) {
                Peers.put(table, Peers.hi((int) (n % 5000) + 1), Peers.lo(n), 1);
            }
        }
        double perPeer = table.memoryBytes() / (double) table.size();
        assertThat(perPeer).isBetween(42.6, 48.0); // 32-byte slots at 3/4 load: 42.7
        assertThat(table.allocatedSlots()).isEqualTo(256L * 5462); // every segment at ceil(4096 * 4 / 3)
    }

    /** The kept count of allocated slots (read by expiry) follows every segment's growth. */
    @Test
    void allocatedSlotsFollowGrowth() {
        PeerTable table = Peers.table(PeerTableSettings.defaults());
        long initial = sumOfCapacities(table);
        assertThat(table.allocatedSlots()).isEqualTo(initial);
        for (long n = 0; n < 100_000; n++) {
            Peers.put(table, Peers.hi((int) (n % 5000) + 1), Peers.lo(n), 1);
            if (n % 9_973 == 0) {
                assertThat(table.allocatedSlots()).isEqualTo(sumOfCapacities(table));
            }
        }
        assertThat(table.allocatedSlots()).isEqualTo(sumOfCapacities(table)).isGreaterThan(initial * 4);
    }

    private static long sumOfCapacities(PeerTable table) {
        long n = 0;
        for (int i = 0; i < table.segmentCount(); i++) {
            n += table.segmentAt(i).slotCapacity();
        }
        return n;
    }
}
