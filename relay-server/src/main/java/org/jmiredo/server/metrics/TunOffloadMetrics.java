package org.jmiredo.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jmiredo.server.tun.linux.LinuxTunDevice;
import org.jmiredo.server.tun.linux.TunOffloadMode;
import org.jmiredo.server.tun.linux.TunQueueHandle;

/**
 * The TUN offload series: {@code jmiredo_tun_offload{mode,offloads}} (an info series, always 1: what
 * tun.offload asked for and what the kernel accepted) and {@code jmiredo_tun_read_super_packets_total}
 * (reads that were GSO super-packets: zero while offloads are on means the traffic gains nothing).
 */
public final class TunOffloadMetrics {
    private TunOffloadMetrics() {}

    public static void bindTo(MeterRegistry registry, TunOffloadMode mode, LinuxTunDevice tun) {
        Gauge.builder("jmiredo.tun.offload", () -> 1)
                .tags("mode", mode.label(), "offloads", tun.offloads().label())
                .description("TUN offloads: tun.offload (mode) and what the kernel accepted (offloads); always 1")
                .strongReference(true)
                .register(registry);
        FunctionCounter.builder("jmiredo.tun.read.super.packets", tun, t -> t.queues().stream()
                        .mapToLong(TunQueueHandle::superPacketsRead)
                        .sum())
                .description("TUN reads that were GSO super-packets, each cut into several packets")
                .register(registry);
    }
}
