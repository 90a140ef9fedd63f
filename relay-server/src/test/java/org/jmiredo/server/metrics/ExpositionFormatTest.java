package org.jmiredo.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExpositionFormatTest {
    @Test
    void plainClientsGetPrometheusText() {
        assertThat(ExpositionFormat.negotiate(null)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
        assertThat(ExpositionFormat.negotiate("*/*")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
        assertThat(ExpositionFormat.negotiate("text/plain")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    }

    @Test
    void prometheusServersGetOpenMetrics() {
        // Prometheus 2.x default scrape Accept header.
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                        + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"))
                .isEqualTo(ExpositionFormat.OPENMETRICS);
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text")).isEqualTo(ExpositionFormat.OPENMETRICS);
    }

    @Test
    void qValuesAreHonoured() {
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text;q=0"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text;q=0.2, text/plain;q=0.9"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text;q=oops"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
        // Protobuf is not served; the text formats are.
        assertThat(ExpositionFormat.negotiate("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                        + "encoding=delimited"))
                .isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    }
}
