package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** expire(): idle = now - max(lastRx, lastBubble, last touch) > idleSeconds; bounded work per call. */
class PeerTableExpiryTest {
    private static final long HI = Peers.hi(0xC0000201);
    private final PeerTable table = Peers.table(new PeerTableSettings(1000, 4, 60, 5120, 10));

    @Test
    void removesIdleEntriesKeepsActiveOnes_R_5_2_listmgmt() {
        long idle = Peers.lo(1);
        long touched = Peers.lo(2);
        long received = Peers.lo(3);
        long bubbled = Peers.lo(4);
        for (long lo : new long[] {idle, touched, received, bubbled}) {
            Peers.put(table, HI, lo, 0);
        }
        Peers.touch(table, HI, touched, 50);
        Peers.locked(table, HI, received, s -> {
            s.setLastRx(s.find(HI, received), 30);
            return 0;
        });
        Peers.locked(table, HI, bubbled, s -> {
            s.setBubbles(s.find(HI, bubbled), 45, 1);
            return 0;
        });

        assertThat(table.expire(60)).isZero(); // idle exactly 60 s is not yet "more than 60"
        assertThat(table.expire(61)).isEqualTo(1);
        assertThat(Peers.contains(table, HI, idle)).isFalse();
        assertThat(table.expire(90)).isZero();
        assertThat(table.expire(91)).isEqualTo(1); // lastRx 30
        assertThat(table.expire(105)).isZero();
        assertThat(table.expire(106)).isEqualTo(1); // lastBubble 45
        assertThat(Peers.contains(table, HI, touched)).isTrue();
        assertThat(table.expire(111)).isEqualTo(1); // touched at 50
        assertThat(table.size()).isZero();
        assertThat(table.expirations()).isEqualTo(4);
        table.checkInvariants();
    }

    @Test
    void expiryReleasesTheQueue_R_5_4_1_delete() {
        long lo = Peers.lo(9);
        ByteBuf packet = Unpooled.buffer(100).writeZero(100);
        Peers.locked(table, HI, lo, s -> {
            assertThat(s.enqueue(s.insert(HI, lo, 0), packet)).isTrue();
            return 0;
        });
        assertThat(table.expire(61)).isEqualTo(1);
        assertThat(packet.refCnt()).isZero();
        assertThat(table.queueDiscards()).isEqualTo(1);
        assertThat(table.queuedPeers()).isZero();
    }

    /** One call advances over at most sweepBudget() slots; a lap takes at most idleSeconds / 2 calls. */
    @Test
    void boundsWorkPerCallAndLapsWithinHalfTheIdleTime() {
        PeerTable big = Peers.table(new PeerTableSettings(200_000, 4, 60, 0, 0));
        for (int n = 0; n < 100_000; n++) {
            Peers.put(big, HI, Peers.lo(n), 0);
        }
        long slots = big.allocatedSlots();
        long budget = big.sweepBudget();
        assertThat(budget).isEqualTo(Math.max(PeerTable.MIN_SWEEP, Math.ceilDiv(slots, 30)));
        int calls = 0;
        int total = 0;
        while (big.size() > 0) {
            int removed = big.expire(1000);
            assertThat(removed).isPositive().isLessThanOrEqualTo((int) budget).isLessThan(100_000);
            total += removed;
            calls++;
        }
        assertThat(total).isEqualTo(100_000);
        assertThat(calls).isLessThanOrEqualTo(30);
        big.checkInvariants();
    }

    @Test
    void callerCanSliceTheSweep() {
        for (int n = 0; n < 500; n++) {
            Peers.put(table, HI, Peers.lo(n), 0);
        }
        int total = 0;
        int calls = 0;
        while (table.size() > 0) {
            int removed = table.expire(100, 64);
            assertThat(removed).isLessThanOrEqualTo(64);
            total += removed;
            calls++;
        }
        assertThat(total).isEqualTo(500);
        assertThat(calls).isLessThanOrEqualTo((int) Math.ceilDiv(table.allocatedSlots(), 64));
    }

    @Test
    void aSmallTableIsSweptWhole() {
        for (int n = 0; n < 500; n++) {
            Peers.put(table, HI, Peers.lo(n), n < 250 ? 0 : 100);
        }
        assertThat(table.sweepBudget()).isEqualTo(table.allocatedSlots());
        assertThat(table.expire(100)).isEqualTo(250);
        assertThat(table.size()).isEqualTo(250);
        table.checkInvariants();
    }
}
