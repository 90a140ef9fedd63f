package org.jmiredo.bench.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachineCpuTest {
    @Test
    void busyLeavesOutIdleAndIowaitAndKeepsInterruptsAndSteal() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        var m = MachineCpu.parse(List.of(
                "cpu  100 1 50 1000 7 3 20 2 40 0",
                "cpu0 60 1 30 500 3 2 15 1 40 0",
                "cpu1 40 0 20 500 4 1 5 1 0 0",
                "intr 12345 0 0",
                "ctxt 999"));
        assertThat(m.busy()).containsExactly(176, 109, 67);
        assertThat(m.interrupt()).containsExactly(23, 17, 6);
    }

    @Test
    void theRealMachineCountsEveryCpuAndItsBusyTimeGrows() {
        var before = MachineCpu.read();
        long end = System.nanoTime() + 300_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        assertThat(x).isNotNegative();
        var after = MachineCpu.read();
        assertThat(before.busy()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(MachineCpu.seconds(before.busy(), after.busy())[0]).isGreaterThanOrEqualTo(0.1);
        assertThat(MachineCpu.seconds(new long[2], new long[3])).isEmpty();
    }
}
