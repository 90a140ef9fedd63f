package org.jmiredo.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.jmiredo.metrics.DataPathCounters;
import org.junit.jupiter.api.Test;

class WriteLatencyCollectorTest {
    @Test
    void exposesACumulativeHistogramSummedOverLoops() {
        DataPathCounters a = new DataPathCounters();
        DataPathCounters b = new DataPathCounters();
        a.tunWrites().record(1_500); // le 2 µs
        b.tunWrites().record(1_800); // le 2 µs
        b.tunWrites().record(10_000); // le 16 µs
        a.udpFlushes().record(3_000_000_000L); // +Inf
        PrometheusMeterRegistry registry = MeterRegistries.prometheus();
        registry.getPrometheusRegistry().register(new WriteLatencyCollector(List.of(a, b)));

        String text = registry.scrape();

        assertThat(text).contains("# TYPE jmiredo_write_latency_seconds histogram");
        assertThat(text).contains("jmiredo_write_latency_seconds_bucket{path=\"tun\",le=\"1.0E-6\"} 0");
        assertThat(text).contains("jmiredo_write_latency_seconds_bucket{path=\"tun\",le=\"2.0E-6\"} 2");
        assertThat(text).contains("jmiredo_write_latency_seconds_bucket{path=\"tun\",le=\"1.6E-5\"} 3");
        assertThat(text).contains("jmiredo_write_latency_seconds_count{path=\"tun\"} 3");
        assertThat(text).contains("jmiredo_write_latency_seconds_bucket{path=\"udp\",le=\"+Inf\"} 1");
        assertThat(text).contains("jmiredo_write_latency_seconds_sum{path=\"udp\"} 3.0");
    }
}
