package org.jmiredo.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BurstClockTest {
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger source = new AtomicInteger(1_000);
    private final BurstClock clock = new BurstClock(() -> {
        reads.incrementAndGet();
        return source.get();
    });

    @Test
    void aBurstAsksTheSourceOnceAndKeepsItsSecond() {
        assertThat(clock.nowSeconds()).isEqualTo(1_000);
        source.set(1_001);
        assertThat(clock.nowSeconds()).isEqualTo(1_000);
        assertThat(clock.nowSeconds()).isEqualTo(1_000);
        assertThat(reads).hasValue(1);
    }

    @Test
    void theNextBurstAsksAgainHoweverLongTheLoopWasIdle() {
        clock.nowSeconds();
        clock.burstEnd();
        source.set(1_040); // 40 s without a packet: more than the 30 s of trust
        assertThat(clock.nowSeconds()).isEqualTo(1_040);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aBurstThatNeverAskedCostsNoRead() {
        clock.burstEnd();
        clock.burstEnd();
        assertThat(reads).hasValue(0);
    }
}
