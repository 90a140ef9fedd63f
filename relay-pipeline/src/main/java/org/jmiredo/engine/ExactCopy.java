package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.peer.QueueCharge;

/** How {@link Transmission} copies a packet it queues for a peer not yet trusted. */
final class ExactCopy {
    private ExactCopy() {}

    /**
     * The exact-size copy the queue keeps: the tunnel's read buffer is MTU-sized, and holding it for a small
     * packet would make the memory the queue bounds several times what it accounts for. The copy is charged its
     * allocator slot ({@link QueueCharge}), which is why it comes from there.
     *
     * <p>Written into the copy from the buffer the packet is a view of: the tunnel's read slots are slices of
     * one pooled buffer, and Netty 4.2's adaptive buffers copy from another adaptive buffer through the two
     * chunks' own NIO views, with nothing allocated. Any other way makes an object per copy, so per new peer:
     * a write from the slice itself makes NIO views of both, and a read out of it (this method before) makes
     * the fresh copy's own NIO view, 64 bytes of garbage, whenever Netty runs without {@code sun.misc.Unsafe}
     * (the launcher's JDK 25 default). Where the packet is no view, or its memory has no address, it is
     * copied from itself.
     */
    static ByteBuf of(ByteBuf packet, ByteBufAllocator alloc) {
        int length = packet.readableBytes();
        ByteBuf copy = QueueCharge.allocate(alloc, length);
        ByteBuf root = packet.unwrap();
        if (root != null && packet.hasMemoryAddress() && root.hasMemoryAddress()) {
            // A view shares its parent's memory: its index 0 lies this far into the parent.
            long offset = packet.memoryAddress() - root.memoryAddress();
            copy.setBytes(0, root, (int) offset + packet.readerIndex(), length);
        } else {
            packet.getBytes(packet.readerIndex(), copy, 0, length);
        }
        return copy.writerIndex(length);
    }
}
