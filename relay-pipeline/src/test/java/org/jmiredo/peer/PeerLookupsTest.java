package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The burst lookups one by one: what they find, when their copy stops being current, what they survive. */
class PeerLookupsTest {
    private static final long HI = Peers.hi(0xCB007101);

    @Test
    void versionIsOddWhileHeldAndMovesOnEveryLockAndUnlock() {
        PeerTable.Segment s = Peers.table(16, 1).segmentAt(0);
        long free = s.readStamp();
        assertThat(free & 1).isZero();
        assertThat(s.validate(free)).isTrue();
        s.lock();
        long held = s.readStamp();
        assertThat(held & 1).isOne();
        assertThat(s.validate(held)).as("a writer holds it").isFalse();
        assertThat(s.validate(free)).isFalse();
        s.unlock();
        assertThat(s.validate(free)).as("a critical section ran in between").isFalse();
        assertThat(s.validate(s.readStamp())).isTrue();
    }

    @Test
    void findsWhatIsPresentAndCopiesItsFields() {
        PeerTable table = Peers.table(1000, 4);
        Peers.locked(table, HI, Peers.lo(1), s -> {
            int slot = s.insert(HI, Peers.lo(1), 10);
            s.setMapping(slot, 0x0A000001, 40000, 3);
            s.setTrusted(slot, true);
            return 0;
        });
        PeerLookups burst = new PeerLookups(table);
        int one = burst.add(HI, Peers.lo(1));
        int two = burst.add(HI, Peers.lo(2));
        burst.run();

        assertThat(burst.size()).isEqualTo(2);
        assertThat(burst.current(one) && burst.current(two)).isTrue();
        assertThat(burst.present(one)).isTrue();
        assertThat(burst.present(two)).isFalse();
        assertThat(burst.mappedIpv4(one)).isEqualTo(0x0A000001);
        assertThat(burst.mappedPort(one)).isEqualTo(40000);
        assertThat(burst.trusted(one)).isTrue();
    }

    @Test
    void aWriteToTheSegmentAfterTheLookupMakesTheCopyStaleButNotOtherSegmentsCopies() {
        PeerTable table = Peers.table(1000, 2);
        long a = Peers.lo(1);
        long b = a;
        for (int n = 2; table.segment(HI, b) == table.segment(HI, a); n++) {
            b = Peers.lo(n);
        }
        Peers.put(table, HI, a, 10);
        PeerLookups burst = new PeerLookups(table);
        int ka = burst.add(HI, a);
        int kb = burst.add(HI, b);
        burst.run();

        Peers.touch(table, HI, a, 11); // as an earlier datagram of the burst, or another loop, would

        assertThat(burst.current(ka)).isFalse();
        assertThat(burst.current(kb)).isTrue();
    }

    @Test
    void aLookupStartedWhileAWriterHoldsTheLockIsNeverCurrent() {
        PeerTable table = Peers.table(16, 1);
        Peers.put(table, HI, Peers.lo(1), 10);
        PeerTable.Segment s = table.segmentAt(0);
        PeerLookups burst = new PeerLookups(table);
        int k = burst.add(HI, Peers.lo(1));
        s.lock();
        try {
            burst.run();
            assertThat(burst.current(k)).isFalse();
        } finally {
            s.unlock();
        }
        assertThat(burst.current(k)).isFalse();
    }

    @Test
    void aProbeOverAMixWithNoEmptySlotEndsAfterOneLap() {
        PeerTable table = Peers.table(16, 1);
        PeerTable.Segment s = table.segmentAt(0);
        for (int w = 0; w < s.slotCapacity() * SlotLayout.WORDS; w += SlotLayout.WORDS) {
            s.setWord(w, 7L); // every key word taken, none matches: only a torn read could look so
        }
        PeerLookups burst = new PeerLookups(table);
        int k = burst.add(HI, 1);
        burst.run();
        assertThat(burst.present(k)).isFalse();
        for (int w = 0; w < s.slotCapacity() * SlotLayout.WORDS; w += SlotLayout.WORDS) {
            s.setWord(w, 0L);
        }
    }

    /**
     * Ten keys of one home slot, so a run of ten slots from an odd home, longer than the two lines the
     * burst reads first: each key is found where it is, with its own copy, and a missing key of that home
     * is absent after the run.
     */
    @Test
    void probesPastTheLinesReadFirstFindTheirEntries() {
        PeerTable table = Peers.table(16, 1);
        PeerTable.Segment s = table.segmentAt(0);
        long[] los = new long[11];
        long lo = 0;
        for (int j = 0; j < los.length; j++) {
            do {
                lo++;
            } while (s.homeOf(HI, lo) != 3);
            los[j] = lo;
        }
        for (int j = 0; j < 10; j++) {
            int port = 1000 + j;
            long key = los[j];
            assertThat(Peers.locked(table, HI, key, seg -> {
                        int slot = seg.insert(HI, key, 10);
                        seg.setMapping(slot, 0x0A000001, port, 0);
                        return slot;
                    }))
                    .isEqualTo(3 + j);
        }
        PeerLookups burst = new PeerLookups(table);
        for (long key : los) {
            burst.add(HI, key);
        }
        burst.run();

        for (int j = 0; j < 10; j++) {
            assertThat(burst.current(j)).isTrue();
            assertThat(burst.present(j)).as("key %d at slot %d", j, 3 + j).isTrue();
            assertThat(burst.slot[j]).isEqualTo(3 + j);
            assertThat(burst.mappedPort(j)).isEqualTo(1000 + j);
        }
        assertThat(burst.present(10)).as("absent, after the run").isFalse();
    }

    /**
     * The second word a lookup reads first is the first of the line after its home slot's line, also in
     * a segment whose region starts in the middle of a line, and the region's first slot when that line is
     * past the capacity. Two segments of 3 slots (96 bytes): the second starts at word 12, mid-line.
     */
    @Test
    void theLineReadAheadIsTheNextWholeLineWhereverTheRegionStarts() {
        PeerTable table = Peers.table(4, 2);
        for (int seg = 0; seg < 2; seg++) {
            PeerTable.Segment s = table.segmentAt(seg);
            assertThat(s.slotCapacity()).isEqualTo(3);
            long region = s.regionWord;
            assertThat(region).isEqualTo(seg * 12L);
            for (int home = 0; home < 3; home++) {
                long lo = 1;
                while (table.segment(HI, lo) != s || s.homeOf(HI, lo) != home) {
                    lo++;
                }
                PeerLookups burst = new PeerLookups(table);
                int k = burst.add(HI, lo);
                burst.run();
                long homeWord = region + home * (long) SlotLayout.WORDS;
                long next = (homeWord / 8 + 1) * 8;
                assertThat(burst.region[k] + ((long) burst.index[k] << SlotLayout.SHIFT))
                        .isEqualTo(homeWord);
                assertThat(burst.ahead[k])
                        .as("segment %d home %d", seg, home)
                        .isEqualTo(next < region + 3 * SlotLayout.WORDS ? next : region);
            }
        }
    }

    @Test
    void aBurstHoldsAtMostMaxAndNoZeroKey() {
        PeerLookups burst = new PeerLookups(Peers.table(16, 1));
        assertThatThrownBy(() -> burst.add(0, 1)).isInstanceOf(IllegalArgumentException.class);
        for (int k = 0; k < PeerLookups.MAX; k++) {
            assertThat(burst.full()).isFalse();
            burst.add(HI, k + 1);
        }
        assertThat(burst.full()).isTrue();
        assertThatThrownBy(() -> burst.add(HI, 99)).isInstanceOf(IllegalStateException.class);
        burst.clear();
        assertThat(burst.size()).isZero();
    }

    /**
     * {@link PeerLookups#acceptedAt} is exactly "accepting a packet now writes nothing": after the
     * reception rules' writes for a packet at {@code now} it holds, and whenever it holds, those writes
     * leave both words as they were (so skipping the lock changes nothing).
     */
    @Property(tries = 500)
    void acceptedAtMeansTheReceptionWritesChangeNothing(
            @ForAll int ipv4,
            @ForAll @IntRange(max = 0xFFFF) int port,
            @ForAll @IntRange(max = 255) int local,
            @ForAll @IntRange(min = 1, max = 100) int now,
            @ForAll @IntRange(max = 100) int before,
            @ForAll @IntRange(max = 15) int bubbles,
            @ForAll boolean trusted,
            @ForAll boolean referenced,
            @ForAll boolean sameMapping) {
        PeerTable table = Peers.table(16, 1);
        long lo = Peers.lo(1);
        int then = Math.min(before, now); // the clock does not go back
        Peers.locked(table, HI, lo, s -> {
            int slot = s.insert(HI, lo, then);
            s.setTrusted(slot, trusted);
            s.setMapping(slot, sameMapping ? ipv4 : ipv4 + 1, port, local);
            s.setLastRx(slot, then);
            s.setBubbles(slot, then, bubbles);
            if (referenced) {
                s.touch(slot, then);
            }
            return 0;
        });
        boolean accepted = lookUp(table, lo, ipv4, port, local, now);
        long[] words = words(table, lo);
        Peers.locked(table, HI, lo, s -> {
            int slot = s.find(HI, lo); // the writes of Reception.trust, in its order
            s.setTrusted(slot, true);
            s.setMapping(slot, ipv4, port, local);
            s.setLastRx(slot, now);
            s.setBubbles(slot, s.lastBubble(slot), 0);
            s.touch(slot, now);
            return 0;
        });
        if (accepted) {
            assertThat(words(table, lo)).as("writes that change nothing").containsExactly(words);
        }
        assertThat(lookUp(table, lo, ipv4, port, local, now))
                .as("accepted once the rules wrote")
                .isTrue();
        assertThat(lookUp(table, lo, ipv4, port ^ 1, local, now))
                .as("from another mapping")
                .isFalse();
        assertThat(lookUp(table, lo, ipv4, port, local, now + 1))
                .as("a second later")
                .isFalse();
    }

    private static boolean lookUp(PeerTable table, long lo, int ipv4, int port, int local, int now) {
        PeerLookups burst = new PeerLookups(table);
        int k = burst.add(HI, lo);
        burst.run();
        assertThat(burst.current(k) && burst.present(k)).isTrue();
        return burst.acceptedAt(k, ipv4, port, local, now);
    }

    private static long[] words(PeerTable table, long lo) {
        PeerTable.Segment s = table.segment(HI, lo);
        s.lock();
        try {
            int b = s.find(HI, lo) << SlotLayout.SHIFT;
            return new long[] {s.word(b + SlotLayout.STATE), s.word(b + SlotLayout.TIMES)};
        } finally {
            s.unlock();
        }
    }
}
