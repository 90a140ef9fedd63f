package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Where a TUN queue reads its packets without an allocation per packet: one pooled direct buffer cut into
 * slots, each packet handed over as a reused view of its slot holding one reference to the buffer (the
 * allocator's get and give-back cost about twice the rest of the IPv6→Teredo Java, DataPathBench). A
 * slot is used again only once every view was released, which a burst's end normally brings (the UDP
 * flush sends and releases the burst's packets); while any is still held, the next read goes into a fresh
 * buffer and the old one is freed with its last view. Loop thread only.
 */
final class TunReadSlots {
    /** Slots start on a cache line each. */
    private static final int ALIGN = 64;
    /** The buffer's size at most, when a large MTU makes the slots large (at least one slot, though). */
    private static final int MAX_BYTES = 1 << 20;

    private final ByteBufAllocator allocator;
    private final int slotSize;
    private final ByteBuf[] views;
    private ByteBuf buffer;
    private int next;

    /** {@code count} slots (fewer if they would pass 1 MiB) of {@code size} bytes each. */
    TunReadSlots(ByteBufAllocator allocator, int size, int count) {
        this.allocator = allocator;
        this.slotSize = (size + ALIGN - 1) & -ALIGN;
        this.views = new ByteBuf[Math.max(1, Math.min(count, MAX_BYTES / slotSize))];
    }

    /** Starts a read burst: back to the first slot if every view was released (a cache-warm working set). */
    void rewind() {
        if (buffer != null && buffer.refCnt() == 1) {
            next = 0;
        }
    }

    /** The native address of the slot the next read goes into; the slot stays ours until {@link #take}. */
    long nextAddress() {
        if (buffer == null || next == views.length) {
            if (buffer == null || buffer.refCnt() != 1) {
                renew();
            }
            next = 0;
        }
        return buffer.memoryAddress() + (long) next * slotSize;
    }

    /** Hands over the slot of {@link #nextAddress}, its indexes set to the packet in it. */
    ByteBuf take(int readerIndex, int writerIndex) {
        ByteBuf view = views[next++];
        buffer.retain(); // the view's own reference, released by whoever ends the packet's way
        return view.setIndex(readerIndex, writerIndex);
    }

    /** Gives the buffer back (views still held keep it until their release). */
    void close() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    private void renew() {
        close(); // never read into a buffer given back, even if the allocation below fails
        ByteBuf fresh = allocator.directBuffer(slotSize * views.length);
        for (int i = 0; i < views.length; i++) {
            views[i] = fresh.slice(i * slotSize, slotSize);
        }
        buffer = fresh;
    }
}
