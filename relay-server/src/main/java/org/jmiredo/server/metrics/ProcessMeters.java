package org.jmiredo.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A daemon's registry with the process-level meters already bound: what every daemon starts with, and
 * depends on nothing configured, so it can be built while the configuration is read.
 *
 * @param process to close at shutdown (before the registry)
 */
public record ProcessMeters(PrometheusMeterRegistry registry, ProcessMetrics process) {
    public static ProcessMeters create() {
        PrometheusMeterRegistry registry = MeterRegistries.prometheus();
        return new ProcessMeters(registry, new ProcessMetrics(registry));
    }

    /**
     * As {@link #create}, without the gauges of Netty's allocators, which {@link ProcessMetrics#bindAllocators}
     * adds once another thread has initialised them ({@link ProcessMetrics#initAllocators}).
     */
    public static ProcessMeters createWithoutAllocators() {
        PrometheusMeterRegistry registry = MeterRegistries.prometheus();
        return new ProcessMeters(registry, new ProcessMetrics(registry, false));
    }
}
