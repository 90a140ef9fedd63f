package org.jmiredo.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SocketBufferMetricsTest {
    @Test
    void theGrantedSizesAreGaugesInBytesReadAtScrapeTime() {
        PrometheusMeterRegistry registry = MeterRegistries.prometheus();
        AtomicInteger receive = new AtomicInteger();
        SocketBufferMetrics.bindTo(registry, receive::get, () -> 4 << 20);
        receive.set(12 << 20);

        assertThat(registry.scrape())
                .contains(
                        "# TYPE jmiredo_udp_socket_receive_buffer_bytes gauge",
                        "jmiredo_udp_socket_receive_buffer_bytes 1.2582912E7",
                        "jmiredo_udp_socket_send_buffer_bytes 4194304.0");
    }
}
