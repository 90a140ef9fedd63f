package org.jmiredo.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * {@code jmiredo_udp_gso{mode}}: 1 while runs of datagrams to one destination leave as UDP GSO sends, 0 when
 * {@code transport.udp-gso} is off or the kernel refused it (the relay then sends one datagram per message);
 * {@code jmiredo_udp_gso_refused_destinations}: the destinations the kernel refused runs to while GSO stays on for
 * the others (their route's device has a smaller MTU than a segment), each sent one datagram per message.
 */
public final class UdpGsoMetrics {
    private UdpGsoMetrics() {}

    public static void bindTo(
            MeterRegistry registry, String mode, BooleanSupplier inUse, IntSupplier refusedDestinations) {
        Gauge.builder("jmiredo.udp.gso", () -> inUse.getAsBoolean() ? 1 : 0)
                .tags("mode", mode)
                .description("1 while UDP GSO is in use for runs of datagrams to one destination (transport.udp-gso)")
                .strongReference(true)
                .register(registry);
        Gauge.builder("jmiredo.udp.gso.refused.destinations", refusedDestinations::getAsInt)
                .description("Destinations the kernel refused UDP GSO runs to, sent one datagram at a time since "
                        + "while the others keep GSO")
                .strongReference(true)
                .register(registry);
    }
}
