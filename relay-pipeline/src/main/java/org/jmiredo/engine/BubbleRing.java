package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.proto.Bubble;

/**
 * Where one event loop's bubbles are written: a ring of reusable direct buffers, so that a burst of new peers
 * costs no allocation and give-back in Netty's allocator per bubble. The ring keeps one reference to each
 * buffer and hands out another; a buffer is written again only when the ring's reference is its last, i.e. the
 * sender released its own once the datagram left, which the flush at the end of each read burst brings. A
 * buffer still held then (a full socket keeps it in Netty's outbound buffer) is left to its holder and replaced
 * by a fresh one. Used on its event loop only, then closed once the loop has stopped.
 */
final class BubbleRing implements AutoCloseable {
    /** More than one tunnel read burst's bubbles (one per packet at most; tun.read-budget is 64 by default). */
    static final int SIZE = 256;

    private final ByteBufAllocator alloc;
    private final ByteBuf[] ring = new ByteBuf[SIZE];
    private int next;

    BubbleRing(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** An empty buffer with room for one bubble; the caller owns one reference to it, to be released. */
    ByteBuf take() {
        ByteBuf buf = ring[next];
        if (buf == null || buf.refCnt() != 1) {
            if (buf != null) {
                buf.release(); // still on its way out: its holder frees it
            }
            buf = alloc.ioBuffer(Bubble.LENGTH, Bubble.LENGTH);
            ring[next] = buf;
        }
        next = (next + 1) & (SIZE - 1);
        return buf.retain().clear();
    }

    /** Gives the ring's references back; a buffer still held elsewhere is freed by its holder. */
    @Override
    public void close() {
        for (int i = 0; i < SIZE; i++) {
            if (ring[i] != null) {
                ring[i].release();
                ring[i] = null;
            }
        }
    }
}
