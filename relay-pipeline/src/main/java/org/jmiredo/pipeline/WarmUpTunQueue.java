package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import org.jmiredo.tun.TunQueue;

/**
 * The warm-up's tunnel queue: it takes what the live queue takes (so the output holds and flushes as the
 * live one does) and writes nothing. The handshake never writes into the tunnel; a write is refused.
 */
record WarmUpTunQueue(TunQueue live) implements TunQueue {
    @Override
    public boolean write(ByteBuf packet) {
        return false;
    }

    @Override
    public boolean segmentedWrites() {
        return live.segmentedWrites();
    }

    @Override
    public boolean segmentedUdpWrites() {
        return live.segmentedUdpWrites();
    }

    @Override
    public boolean writeSegmented(ByteBuf superPacket, int protocol, int segmentSize) {
        return false;
    }
}
