package org.jmiredo.engine.server;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** A {@link ServerOutput} that keeps what the rules send, for assertions; {@link #close} releases it all. */
final class RecordingOutput implements ServerOutput, AutoCloseable {
    record Udp(ByteBuf payload, ServerEndpoint from, int ipv4, int port) {}

    final List<Udp> udp = new ArrayList<>();
    final List<ByteBuf> nativePackets = new ArrayList<>();

    @Override
    public boolean toUdp(ByteBuf payload, ServerEndpoint from, int ipv4, int port) {
        udp.add(new Udp(payload, from, ipv4, port));
        return true;
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
