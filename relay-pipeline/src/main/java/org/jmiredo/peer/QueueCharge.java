package org.jmiredo.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * What a queued packet is charged against {@code peers.queue-bytes-per-peer}: what holding it really costs, so
 * that max-queued-peers x queue-bytes-per-peer bounds the memory the queues take, not just their bytes (RFC 4380
 * §5.4.1 asks to limit the queued packets; §7.3.5 the state a flood can make a relay hold).
 *
 * <p>A copy takes the allocator's slot for its length, not its length: Netty 4.2's adaptive allocator rounds to
 * fixed size classes (32, 64, 128, 256, 512, 640, 1,024, 1,152, 2,048, 2,304, ...), so a full-size 1,280-byte
 * packet takes 2,048 bytes; the pooled allocator rounds to its own classes, the unpooled one takes the length. Each
 * allocator says how far a buffer can grow without moving ({@link ByteBuf#maxFastWritableBytes()}) when it has no
 * max capacity, which is what {@link #allocate} leaves it: the slot is then its write index plus that. The copy
 * also has its ByteBuf object on the heap, and the queue's own structures: both are charged as constants,
 * measured for the larger of the JVM's layouts (without compressed references: ZGC, the launcher's collector).
 */
public final class QueueCharge {
    /**
     * Heap per queued copy: its AdaptiveByteBuf (88 bytes without compressed references, 72 with), its RefCnt
     * (16), its share of the allocator's chunk bookkeeping (a free-list int a slot, the chunk object: 4 to 6), and
     * its reference in the queue's deque, which more than doubles when full, so up to 2 references a packet (16
     * bytes, 17 with the array's header); 125 at most, and a margin. Measured in {@code bench/results/queues16}
     * (QueueCost): see BENCHMARKS.md, fifteenth iteration (queues16).
     */
    public static final int PER_PACKET = 136;
    /**
     * Heap per queue, whatever it holds: its entry in {@link PendingQueues}' table (48 bytes without compressed
     * references, in a table between a quarter and half full: up to 192) and, from its second packet, its deque
     * (32 bytes, and the 16-byte header of its array).
     */
    public static final int PER_QUEUE = 256;

    private QueueCharge() {}

    /**
     * A direct buffer for a copy of {@code length} bytes to queue, allocated with no max capacity so that its slot
     * shows (see the class comment): it must not be written beyond {@code length}, which nothing does.
     */
    public static ByteBuf allocate(ByteBufAllocator alloc, int length) {
        return alloc.directBuffer(length);
    }

    /** What queueing {@code copy} costs: its allocator slot, and {@link #PER_PACKET}. */
    public static int of(ByteBuf copy) {
        return slot(copy) + PER_PACKET;
    }

    /**
     * The least {@link #of} charges for a copy of {@code length} bytes (a slot is never smaller than the bytes in
     * it): to refuse, before copying, what no queue can hold.
     */
    public static int atLeast(int length) {
        return length + PER_PACKET;
    }

    /** The bytes of memory the buffer's allocator set aside for it: at least its capacity. */
    static int slot(ByteBuf copy) {
        return Math.max(copy.capacity(), copy.writerIndex() + copy.maxFastWritableBytes());
    }
}
