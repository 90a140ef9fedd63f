package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** R-5.2-listmgmt and R-7.3.5-state: a full table evicts, least recently used first, and stays bounded. */
class PeerTableEvictionTest {
    private static final long HI = Peers.hi(0xC6336401);

    @Test
    void evictsTheUntouchedEntryBeforeTouchedOnes_R_5_2_listmgmt() {
        for (int untouched = 0; untouched < 8; untouched++) {
            PeerTable table = Peers.table(8, 1);
            for (int n = 0; n < 8; n++) {
                Peers.put(table, HI, Peers.lo(n), 0);
            }
            for (int n = 0; n < 8; n++) {
                if (n != untouched) {
                    Peers.touch(table, HI, Peers.lo(n), 1);
                }
            }
            Peers.put(table, HI, Peers.lo(100), 2);
            assertThat(table.size()).isEqualTo(8);
            assertThat(table.evictions()).isEqualTo(1);
            for (int n = 0; n < 8; n++) {
                assertThat(Peers.contains(table, HI, Peers.lo(n)))
                        .as("peer %d", n)
                        .isEqualTo(n != untouched);
            }
            table.checkInvariants();
        }
    }

    @Test
    void whenEverythingWasTouchedSomethingStillGoes() {
        PeerTable table = Peers.table(8, 1);
        for (int n = 0; n < 8; n++) {
            Peers.put(table, HI, Peers.lo(n), 0);
            Peers.touch(table, HI, Peers.lo(n), 0);
        }
        Peers.put(table, HI, Peers.lo(100), 1);
        assertThat(table.size()).isEqualTo(8);
        assertThat(Peers.contains(table, HI, Peers.lo(100))).isTrue();
        table.checkInvariants();
    }

    /**
     * R-5.2-listmgmt / R-7.3.5-state: 100 000 one-shot addresses (a scan) arrive at 200 per second while
     * 10 peers are used every second. The table never exceeds its capacity, the scan recycles its own
     * entries, and every active peer survives without being re-created (so without new bubbles).
     */
    @Test
    void scanDoesNotPushOutActivePeers_R_7_3_5_state() {
        PeerTable table = Peers.table(1024, 4);
        long[] active = new long[10];
        for (int i = 0; i < active.length; i++) {
            active[i] = Peers.lo(1_000_000 + i);
            Peers.put(table, HI, active[i], 0);
        }
        long memory = 0;
        int scanned = 0;
        for (int now = 1; now <= 500; now++) {
            for (long lo : active) {
                assertThat(Peers.contains(table, HI, lo))
                        .as("active peer at %d s", now)
                        .isTrue();
                Peers.touch(table, HI, lo, now);
            }
            for (int k = 0; k < 200; k++) {
                Peers.put(table, Peers.hi(scanned % 7 + 1), Peers.lo(scanned++), now);
            }
            assertThat(table.size()).isLessThanOrEqualTo(table.capacity());
            memory = Math.max(memory, table.memoryBytes());
        }
        assertThat(table.size()).isEqualTo(1024);
        assertThat(table.evictions()).isEqualTo(100_000 + 10 - 1024);
        assertThat(memory).isLessThan(1024 * 48 + 4 * 1000); // bounded: no growth past the shares
        table.checkInvariants();
    }

    /**
     * R-7.3.5-state ("limiting the amount of state used for new peers"): one-shot addresses from the native
     * side lap every segment many times while trusted peers are not used at all; CLOCK alone would evict
     * them on the second lap. They stay, the flood recycles its own untrusted entries, and once nothing
     * but trusted entries is left they are evicted like any other.
     */
    @Test
    void aFloodOfNewPeersLeavesTrustedPeersInPlace_R_7_3_5_state() {
        PeerTable table = Peers.table(64, 4);
        long[] trusted = trustedPeers(table, 8, false);
        for (int n = 0; n < 64 * 20; n++) {
            Peers.put(table, Peers.hi(n % 7 + 1), Peers.lo(n), 1);
        }
        for (long lo : trusted) {
            assertThat(Peers.contains(table, HI, lo))
                    .as("trusted peer %x after 20 laps of new peers", lo)
                    .isTrue();
        }
        assertThat(table.size()).isEqualTo(64);
        table.checkInvariants();
    }

    /**
     * R-7.3.5-state from the UDP side: a spoofer forges one packet from each of many sources whose outer address
     * matches the mapping their Teredo address embeds; with relay.unknown-peers = accept-matching each one makes
     * an entry that is trusted at once ({@link PeerTable.Segment#insertFresh}, trusted, mapped, never touched).
     * 200 of them a second into a full 1,024-peer table for 300 s, while 10 trusted peers are used every 3 s:
     * the flood laps the table twice between two uses of a peer, which CLOCK alone took for as much use as the
     * peers' own (under the old rule they were gone by the 9th second). They stay, and every eviction takes a
     * forged entry.
     */
    @Test
    void aFloodOfForgedMatchingSourcesLeavesPeersInUseInPlace_R_7_3_5_state() {
        PeerTable table = Peers.table(1024, 4);
        long[] active = trustedPeers(table, 10, true); // as the reception trusts a peer that answered our bubble
        int forged = 0;
        for (int now = 1; now <= 300; now++) {
            if (now % 3 == 0) {
                for (long lo : active) {
                    assertThat(Peers.contains(table, HI, lo))
                            .as("peer in use at %d s", now)
                            .isTrue();
                    Peers.touch(table, HI, lo, now);
                }
            }
            for (int k = 0; k < 200; k++) {
                long hi = Peers.hi(forged % 7 + 1);
                long lo = Peers.lo(forged++);
                int at = now;
                Peers.locked(table, hi, lo, s -> {
                    int slot = s.insertFresh(hi, lo, table.hash(hi, lo), at);
                    s.setTrusted(slot, true);
                    s.setMapping(slot, (int) lo, (int) (lo >>> 32) & 0xFFFF, 0);
                    s.setLastRx(slot, at);
                    return 0;
                });
            }
        }
        for (long lo : active) {
            assertThat(Peers.contains(table, HI, lo))
                    .as("peer in use at the end")
                    .isTrue();
            assertThat(Peers.locked(table, HI, lo, s -> s.trusted(s.find(HI, lo)) ? 1 : 0))
                    .isEqualTo(1);
        }
        assertThat(table.size()).isEqualTo(1024);
        assertThat(table.evictions()).as("every eviction took a forged entry").isEqualTo(forged + 10 - 1024);
        table.checkInvariants();
    }

    /**
     * FRESH is not "REFERENCED clear": a trusted peer that was used and whose bit CLOCK cleared is not a first
     * choice, a forged one-shot entry is. Eight used peers fill the segment; the first forged entry makes CLOCK
     * clear every bit and take one of them (nothing better is there); the second forged entry then takes the
     * first one, not one of the seven peers whose bits are clear.
     */
    @Test
    void aFreshEntryGoesBeforeAUsedPeerWhoseBitClockCleared() {
        for (int round = 0; round < 16; round++) {
            PeerTable table = Peers.table(8, 1);
            long[] used = new long[8];
            for (int n = 0; n < 8; n++) {
                long lo = Peers.lo(round * 100 + n);
                used[n] = lo;
                putTrusted(table, lo, true);
            }
            long first = Peers.lo(round * 100 + 50);
            long second = Peers.lo(round * 100 + 51);
            for (long lo : new long[] {first, second}) {
                Peers.locked(table, HI, lo, s -> {
                    s.setTrusted(s.insertFresh(HI, lo, table.hash(HI, lo), 1), true);
                    return 0;
                });
            }
            assertThat(table.evictions()).isEqualTo(2);
            assertThat(Peers.contains(table, HI, first))
                    .as("round %d: the first forged entry", round)
                    .isFalse();
            assertThat(Peers.contains(table, HI, second)).isTrue();
            long left = java.util.Arrays.stream(used)
                    .filter(lo -> Peers.contains(table, HI, lo))
                    .count();
            assertThat(left).as("round %d: used peers left", round).isEqualTo(7);
            table.checkInvariants();
        }
    }

    /**
     * A full segment under one-shot inserts keeps short runs. The walk used to start where the last eviction
     * ended, so it emptied the oldest region first while inserts landed anywhere: the slots just ahead of
     * it filled completely, and each backward shift walked hundreds of entries (10 to 30 us an insert into
     * a full table of a million). At three quarters full and evenly spread, runs stay a few dozen long.
     */
    @Test
    void evictionKeepsTheRunsShort() {
        PeerTable table = Peers.table(4096, 1);
        for (int n = 0; n < 4096 * 6; n++) {
            Peers.put(table, HI, Peers.lo(n), 1);
        }
        assertThat(table.segmentAt(0).longestRun())
                .as("longest run of occupied slots")
                .isLessThan(150);
        table.checkInvariants();
    }

    /** Adds peers (HI, lo(1,000,000 + i)) for i below {@code n} as {@link #putTrusted}; returns their lo. */
    private static long[] trustedPeers(PeerTable table, int n, boolean used) {
        long[] lo = new long[n];
        for (int i = 0; i < n; i++) {
            lo[i] = Peers.lo(1_000_000 + i);
            putTrusted(table, lo[i], used);
        }
        return lo;
    }

    /** Adds peer (HI, lo) at time 0, trusted, and {@code used} (touched) or not. */
    private static void putTrusted(PeerTable table, long lo, boolean used) {
        Peers.put(table, HI, lo, 0);
        Peers.locked(table, HI, lo, s -> {
            int slot = s.find(HI, lo);
            s.setTrusted(slot, true);
            if (used) {
                s.touch(slot, 0);
            }
            return 0;
        });
    }

    @Test
    void eachSegmentHoldsItsShare() {
        PeerTable table = Peers.table(1000, 8);
        for (int n = 0; n < 5000; n++) {
            Peers.put(table, HI, Peers.lo(n), 0);
        }
        assertThat(table.size()).isEqualTo(1000);
        assertThat(table.evictions()).isEqualTo(4000);
        for (int i = 0; i < 8; i++) {
            assertThat(table.segmentAt(i).sizeOpaque()).isEqualTo(125);
        }
        table.checkInvariants();
    }
}
