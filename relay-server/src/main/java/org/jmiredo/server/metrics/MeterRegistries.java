package org.jmiredo.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Builds the daemon's registry. */
public final class MeterRegistries {
    private MeterRegistries() {}

    /** A Prometheus registry with the defaults (no histograms, step of one minute for rates we do not use). */
    public static PrometheusMeterRegistry prometheus() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
}
