package org.jmiredo.tun.offload;

import io.netty.buffer.ByteBuf;

/** Where a {@link GroCoalescer} puts what it releases at the end of a burst. Takes ownership of each buffer. */
public interface GroOutput {
    /** One packet exactly as it arrived. */
    void single(ByteBuf packet);

    /**
     * One GSO super-packet in the layout of {@code TunQueue.writeSegmented}, holding {@code segments} packets of
     * {@code segmentSize} payload bytes (the last may be shorter) that were {@code originalBytes} long in all.
     */
    void segmented(ByteBuf superPacket, int protocol, int segmentSize, int segments, int originalBytes);
}
