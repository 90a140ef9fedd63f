package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** R-5.2-peerfields: every field of an entry reads back what was written, and fields do not bleed. */
class PeerFieldsTest {
    private final PeerTable table = Peers.table(1024, 1);
    private final long hi = Peers.hi(0xC0000201);
    private final long lo = Peers.lo(1);

    @Test
    void newEntryIsUntrustedAndZero_R_5_2_peerfields() {
        Peers.locked(table, hi, lo, s -> {
            int slot = s.insert(hi, lo, 1000);
            assertThat(s.trusted(slot)).isFalse();
            assertThat(s.mappedIpv4(slot)).isZero();
            assertThat(s.mappedPort(slot)).isZero();
            assertThat(s.lastRx(slot)).isZero();
            assertThat(s.lastBubble(slot)).isZero();
            assertThat(s.bubbleCount(slot)).isZero();
            assertThat(s.hasQueue(slot)).isFalse();
            return 0;
        });
    }

    @Property(tries = 300)
    void fieldsRoundTripIndependently_R_5_2_peerfields(
            @ForAll int ipv4,
            @ForAll @IntRange(min = 0, max = 65535) int port,
            @ForAll @IntRange(min = 0, max = 255) int local,
            @ForAll boolean trusted,
            @ForAll @IntRange(min = -1_000_000_000, max = 1_000_000_000) int now,
            @ForAll @IntRange(min = 0, max = 65534) int rxAge,
            @ForAll @IntRange(min = 0, max = 65534) int bubbleAge,
            @ForAll @IntRange(min = 0, max = 7) int count,
            @ForAll boolean unproved) {
        PeerTable t = Peers.table(64, 1);
        long otherLo = Peers.lo(2);
        Peers.locked(t, hi, lo, s -> {
            int slot = s.insert(hi, lo, now);
            s.setMapping(slot, ipv4, port, local);
            s.setTrusted(slot, trusted);
            s.setLastRx(slot, now - rxAge);
            s.setBubbles(slot, now - bubbleAge, count);
            s.setUnproved(slot, unproved);
            s.touch(slot, now);
            return 0;
        });
        Peers.put(t, hi, otherLo, now); // a neighbour that must stay untouched
        Peers.locked(t, hi, lo, s -> {
            int slot = s.find(hi, lo);
            assertThat(s.mappedIpv4(slot)).isEqualTo(ipv4);
            assertThat(s.mappedPort(slot)).isEqualTo(port);
            assertThat(s.localAddress(slot)).isEqualTo(local);
            assertThat(s.trusted(slot)).isEqualTo(trusted);
            assertThat(s.lastRx(slot)).isEqualTo(now - rxAge == 0 ? 0 : now - rxAge);
            assertThat(s.lastBubble(slot)).isEqualTo(now - bubbleAge == 0 ? 0 : now - bubbleAge);
            assertThat(s.bubbleCount(slot)).isEqualTo(count);
            assertThat(s.unproved(slot)).isEqualTo(unproved);
            int other = s.find(hi, otherLo);
            assertThat(s.mappedIpv4(other)).isZero();
            assertThat(s.localAddress(other)).isZero();
            assertThat(s.trusted(other)).isFalse();
            assertThat(s.lastRx(other)).isZero();
            return 0;
        });
    }

    @Test
    void portAndLocalAddressAreMaskedAndCountClamped() {
        Peers.locked(table, hi, lo, s -> {
            int slot = s.insert(hi, lo, 5);
            s.setMapping(slot, -1, 0x1_2345, 0x1FF);
            assertThat(s.mappedIpv4(slot)).isEqualTo(-1);
            assertThat(s.mappedPort(slot)).isEqualTo(0x2345);
            assertThat(s.localAddress(slot)).isEqualTo(0xFF);
            s.setTrusted(slot, false); // the flags below the local address stay apart from it
            assertThat(s.localAddress(slot)).isEqualTo(0xFF);
            s.setBubbles(slot, 5, 99);
            assertThat(s.bubbleCount(slot)).isEqualTo(7);
            assertThat(s.unproved(slot)).isFalse(); // the count does not spill into the bit above it
            s.setBubbles(slot, 5, -3);
            assertThat(s.bubbleCount(slot)).isZero();
            assertThat(s.mappedIpv4(slot)).isEqualTo(-1); // the count does not spill into the mapping
            assertThat(s.localAddress(slot)).isEqualTo(0xFF);
            return 0;
        });
    }

    @Test
    void timesStayExactWhileTheEntryKeepsBeingTouched() {
        Peers.locked(table, hi, lo, s -> {
            int slot = s.insert(hi, lo, 100);
            s.setLastRx(slot, 120);
            s.setBubbles(slot, 110, 2);
            for (int now = 121; now < 60_000; now += 1000) {
                s.touch(slot, now);
            }
            assertThat(s.lastRx(slot)).isEqualTo(120);
            assertThat(s.lastBubble(slot)).isEqualTo(110);
            s.setLastRx(slot, 50); // an older value is stored as given ...
            assertThat(s.lastRx(slot)).isEqualTo(50);
            return 0;
        });
    }

    /** After about 18 h without receiving, lastRx saturates but still reads as more than 18 h old. */
    @Test
    void ageSaturatesBeyondEighteenHours() {
        Peers.locked(table, hi, lo, s -> {
            int slot = s.insert(hi, lo, 10);
            s.setLastRx(slot, 10);
            s.touch(slot, 10 + 100_000);
            assertThat(s.lastRx(slot)).isEqualTo(10 + 100_000 - SlotLayout.AGE_MAX);
            assertThat(10 + 100_000 - s.lastRx(slot)).isGreaterThan(18 * 3600);
            assertThat(s.lastBubble(slot)).isZero(); // "never" stays never
            return 0;
        });
    }
}
