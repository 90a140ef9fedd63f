package org.jmiredo.bench.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuTimeTest {
    @Test
    void ownCpuTimeGrowsWithWorkAndAMissingProcessCountsZero() {
        long before = CpuTime.ticks("self");
        long end = System.nanoTime() + 300_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        assertThat(x).isNotNegative();
        assertThat(CpuTime.ticks("self")).isGreaterThan(before);
        assertThat(CpuTime.ticks(List.of(Long.MAX_VALUE))).isZero();
    }
}
