package org.jmiredo.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void bucketsDoubleFromOneMicrosecondAndOverflowIntoInfinity() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(500); // 0.5 µs
        h.record(1_000); // exactly 1 µs: bucket le=1µs
        h.record(1_001); // just above: le=2µs
        h.record(3_000); // le=4µs
        h.record(1_048_576_000L); // exactly 2^20 µs: the last finite bucket
        h.record(5_000_000_000L); // 5 s: +Inf

        assertThat(h.bucket(0)).isEqualTo(2);
        assertThat(h.bucket(1)).isEqualTo(1);
        assertThat(h.bucket(2)).isEqualTo(1);
        assertThat(h.bucket(LatencyHistogram.FINITE_BUCKETS - 1)).isEqualTo(1);
        assertThat(h.bucket(LatencyHistogram.FINITE_BUCKETS)).isEqualTo(1);
        assertThat(h.sumNanos()).isEqualTo(500 + 1_000 + 1_001 + 3_000 + 1_048_576_000L + 5_000_000_000L);
        assertThat(LatencyHistogram.upperBoundSeconds(0)).isEqualTo(1e-6);
    }

    @Test
    void samplesOneWriteInSixteen() {
        LatencyHistogram h = new LatencyHistogram();
        int sampled = 0;
        for (int i = 0; i < 160; i++) {
            long start = h.start();
            if (start != LatencyHistogram.NOT_TIMED) {
                sampled++;
            }
            h.stop(start);
        }
        assertThat(sampled).isEqualTo(160 / LatencyHistogram.SAMPLE_EVERY);
        long recorded = 0;
        for (int i = 0; i <= LatencyHistogram.FINITE_BUCKETS; i++) {
            recorded += h.bucket(i);
        }
        assertThat(recorded).as("only the timed writes are recorded").isEqualTo(sampled);
    }
}
