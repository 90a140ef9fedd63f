package org.jmiredo.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What SIGHUP did, for an operator who cannot read every host's log: {@code jmiredo_config_reloads_total{result}}
 * ({@code applied}, or {@code refused}: the file or environment was invalid and the running configuration stays) and
 * {@code jmiredo_config_last_reload_successful} (1 from start, 0 from a refused reload until one is applied; the name
 * Prometheus gives its own). A reload is rare and runs on the signal thread: plain atomics, nothing per packet.
 */
public final class ConfigReloadMetrics {
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean lastSuccessful = true;

    public void bindTo(MeterRegistry registry) {
        counter(registry, "applied", applied);
        counter(registry, "refused", refused);
        Gauge.builder("jmiredo.config.last.reload.successful", this, m -> m.lastSuccessful ? 1 : 0)
                .description("Whether the last SIGHUP applied its configuration: 1 (or none came yet), 0 when it was "
                        + "refused and the configuration of before runs on")
                .strongReference(true)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String result, AtomicLong count) {
        FunctionCounter.builder("jmiredo.config.reloads", count, AtomicLong::get)
                .tag("result", result)
                .description("SIGHUP reloads, applied or refused (an invalid file or environment: the running "
                        + "configuration stays, the log says why)")
                .register(registry);
    }

    /** A reload whose configuration was taken (what waits for a restart included). */
    public void applied() {
        applied.incrementAndGet();
        lastSuccessful = true;
    }

    /** A reload refused: the configuration of before stays. */
    public void refused() {
        refused.incrementAndGet();
        lastSuccessful = false;
    }

    /** 1 or 0, as exported. */
    public int lastSuccessful() {
        return lastSuccessful ? 1 : 0;
    }
}
