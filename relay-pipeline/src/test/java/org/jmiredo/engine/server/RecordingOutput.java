package org.jmiredo.engine.server;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;

/**
 * A {@link ServerOutput} that keeps what the rules send, for assertions, and counts it as sent as the real output
 * does when the kernel takes it; {@link #close} releases it all.
 */
final class RecordingOutput implements ServerOutput, AutoCloseable {
    record Udp(ByteBuf payload, ServerEndpoint from, int ipv4, int port) {}

    final List<Udp> udp = new ArrayList<>();
    final List<ByteBuf> nativePackets = new ArrayList<>();
    private final DataPathCounters counters;

    RecordingOutput(DataPathCounters counters) {
        this.counters = counters;
    }

    @Override
    public void toUdp(ByteBuf payload, ServerEndpoint from, int ipv4, int port, Counter kind) {
        udp.add(new Udp(payload, from, ipv4, port));
        counters.sent(kind, payload.readableBytes()); // as the real output counts what the kernel takes
    }

    @Override
    public void toNative(ByteBuf packet) {
        nativePackets.add(packet);
    }

    @Override
    public void close() {
        udp.forEach(u -> u.payload().release());
        nativePackets.forEach(ByteBuf::release);
        udp.clear();
        nativePackets.clear();
    }
}
