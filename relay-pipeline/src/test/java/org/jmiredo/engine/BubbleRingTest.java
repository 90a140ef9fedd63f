package org.jmiredo.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.proto.Bubble;
import org.jmiredo.testing.TrackingAllocator;
import org.junit.jupiter.api.Test;

/** The ring of buffers one loop's bubbles are written into. */
class BubbleRingTest {
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final BubbleRing ring = new BubbleRing(alloc);

    /** As the sender does: write a bubble's worth, then release once the datagram left. */
    private static ByteBuf send(ByteBuf buf, int fill) {
        assertThat(buf.readableBytes()).isZero();
        assertThat(buf.writableBytes()).isGreaterThanOrEqualTo(Bubble.LENGTH);
        buf.writeZero(Bubble.LENGTH).setByte(0, fill);
        return buf;
    }

    @Test
    void releasedBuffersAreWrittenAgainWithoutAllocating() {
        List<ByteBuf> first = new ArrayList<>();
        for (int i = 0; i < BubbleRing.SIZE; i++) {
            first.add(send(ring.take(), i));
        }
        first.forEach(ByteBuf::release); // every datagram left
        int allocated = alloc.allocations();
        for (int i = 0; i < 3 * BubbleRing.SIZE; i++) {
            ByteBuf buf = send(ring.take(), i);
            assertThat(buf).isSameAs(first.get(i % BubbleRing.SIZE));
            buf.release();
        }
        assertThat(alloc.allocations()).isEqualTo(allocated);
        ring.close();
        alloc.assertAllReleased();
    }

    @Test
    void aBufferStillHeldIsNeitherRewrittenNorLeaked() {
        ByteBuf held = send(ring.take(), 0x5A); // e.g. waiting in a full socket's outbound buffer
        for (int i = 1; i < BubbleRing.SIZE; i++) {
            send(ring.take(), i).release();
        }
        ByteBuf next = send(ring.take(), 0x11); // the ring is round: this slot was held's
        assertThat(next).isNotSameAs(held);
        assertThat(held.getByte(0)).isEqualTo((byte) 0x5A);
        assertThat(held.refCnt()).isOne(); // the ring let go of it: its holder frees it
        held.release();
        next.release();
        ring.close();
        alloc.assertAllReleased();
    }
}
