package org.jmiredo.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;

/**
 * {@code jmiredo_udp_gso{mode}}: 1 while runs of datagrams to one destination leave as UDP GSO sends, 0 when
 * {@code transport.udp-gso} is off or the kernel refused it (the relay then sends one datagram per message).
 */
public final class UdpGsoMetrics {
    private UdpGsoMetrics() {}

    public static void bindTo(MeterRegistry registry, String mode, BooleanSupplier inUse) {
        Gauge.builder("jmiredo.udp.gso", () -> inUse.getAsBoolean() ? 1 : 0)
                .tags("mode", mode)
                .description("1 while UDP GSO is in use for runs of datagrams to one destination (transport.udp-gso)")
                .strongReference(true)
                .register(registry);
    }
}
