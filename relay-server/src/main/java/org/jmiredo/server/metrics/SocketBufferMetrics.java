package org.jmiredo.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/**
 * The UDP sockets' buffer sizes as the kernel granted them, so that an operator sees a buffer capped below
 * transport.socket-receive-buffer (net.core.rmem_max) without reading the log.
 */
public final class SocketBufferMetrics {
    private SocketBufferMetrics() {}

    public static void bindTo(MeterRegistry registry, IntSupplier receiveBytes, IntSupplier sendBytes) {
        Gauge.builder("jmiredo.udp.socket.receive.buffer", receiveBytes::getAsInt)
                .baseUnit("bytes")
                .description(
                        "SO_RCVBUF the kernel granted the UDP sockets (the smallest; Linux lets datagrams use twice that)")
                .register(registry);
        Gauge.builder("jmiredo.udp.socket.send.buffer", sendBytes::getAsInt)
                .baseUnit("bytes")
                .description(
                        "SO_SNDBUF the kernel granted the UDP sockets (the smallest; Linux lets datagrams use twice that)")
                .register(registry);
    }
}
