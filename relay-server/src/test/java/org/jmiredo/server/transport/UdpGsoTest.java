package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.jmiredo.server.sys.Errno;
import org.junit.jupiter.api.Test;

/** The memory of GSO refusals, on a clock the test moves: bounded, and each refusal lasts its period only. */
class UdpGsoTest {
    private long nanos = 1_234_567; // any start
    private final UdpGso gso = new UdpGso(UdpGsoMode.AUTO, () -> nanos, 600);

    private void at(long seconds) {
        nanos = 1_234_567 + TimeUnit.SECONDS.toNanos(seconds);
    }

    @Test
    void aRefusalLastsItsPeriodAndARefusalAgainStartsAnother() {
        gso.refused(Errno.EMSGSIZE, 0xC633_6414);
        assertThat(gso.refusedTowards(0xC633_6414)).isTrue();
        assertThat(gso.refusedTowards(0xC633_6415)).isFalse();
        at(599);
        assertThat(gso.refusedTowards(0xC633_6414)).isTrue();
        at(600);
        assertThat(gso.refusedTowards(0xC633_6414)).as("tried again").isFalse();
        gso.refused(Errno.EMSGSIZE, 0xC633_6414); // still refused: another period
        assertThat(gso.refusedDestinations()).isEqualTo(1);
        at(1199);
        assertThat(gso.refusedTowards(0xC633_6414)).isTrue();
        at(1200);
        assertThat(gso.refusedDestinations()).isZero();
        assertThat(gso.inUse()).isTrue();
    }

    /** Slots of ended refusals are reused: any number of destinations over time, never more than 64 at once. */
    @Test
    void theTableIsBoundedAtOnceNotOverTime() {
        for (int round = 0; round < 5; round++) {
            at(600L * round);
            for (int d = 0; d < UdpGso.MAX_REFUSED_DESTINATIONS; d++) {
                gso.refused(Errno.EINVAL, 0xCB00_7100 + round * 256 + d);
            }
            assertThat(gso.inUse()).as("round %d", round).isTrue();
            assertThat(gso.refusedDestinations()).isEqualTo(UdpGso.MAX_REFUSED_DESTINATIONS);
        }
        gso.refused(Errno.EINVAL, 0xC633_6401); // a 65th at once
        assertThat(gso.inUse()).isFalse();
        at(600L * 4 + 599);
        assertThat(gso.inUse()).isFalse();
        at(600L * 5);
        assertThat(gso.inUse()).isTrue();
        assertThat(gso.refusedDestinations()).isZero();
    }

    /** A kernel without UDP_SEGMENT does not get it later: off for good whatever the clock. */
    @Test
    void offForGoodStaysOff() {
        gso.refused(92 /* ENOPROTOOPT */, "setsockopt UDP_SEGMENT");
        at(1_000_000);
        assertThat(gso.inUse()).isFalse();
        assertThat(new UdpGso(UdpGsoMode.OFF, () -> nanos, 600).inUse()).isFalse();
    }
}
