package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** What a queued copy is charged ({@link QueueCharge}): its allocator's slot, whichever allocator, and its heap. */
class QueueChargeTest {
    private static int chargeOfCopy(ByteBufAllocator alloc, int length) {
        ByteBuf copy = QueueCharge.allocate(alloc, length).writeZero(length);
        try {
            assertThat(copy.isDirect()).isTrue();
            return QueueCharge.of(copy);
        } finally {
            copy.release();
        }
    }

    @Test
    void theAdaptiveAllocatorsSizeClassesAreCharged() {
        AdaptiveByteBufAllocator alloc = new AdaptiveByteBufAllocator();
        int[][] slots = {
            {40, 64},
            {48, 64},
            {65, 128},
            {600, 640},
            {1_152, 1_152},
            {1_153, 2_048},
            {1_280, 2_048},
            {1_500, 2_048},
            {2_049, 2_304},
            {4_000, 4_096},
            {8_704, 8_704}
        };
        for (int[] s : slots) {
            assertThat(chargeOfCopy(alloc, s[0])).as("%d bytes", s[0]).isEqualTo(s[1] + QueueCharge.PER_PACKET);
        }
    }

    @Test
    void thePooledAndUnpooledAllocatorsSlotsAreCharged() {
        PooledByteBufAllocator pooled = new PooledByteBufAllocator(true);
        assertThat(chargeOfCopy(pooled, 1_000)).isEqualTo(1_024 + QueueCharge.PER_PACKET);
        assertThat(chargeOfCopy(pooled, 1_280)).isEqualTo(1_280 + QueueCharge.PER_PACKET);
        assertThat(chargeOfCopy(pooled, 1_281)).isEqualTo(1_536 + QueueCharge.PER_PACKET);
        UnpooledByteBufAllocator unpooled = new UnpooledByteBufAllocator(true);
        assertThat(chargeOfCopy(unpooled, 1_280)).as("a buffer of its own").isEqualTo(1_280 + QueueCharge.PER_PACKET);
    }

    /** Why copies come from {@link QueueCharge#allocate}: with a max capacity of its length a copy hides its slot. */
    @Test
    void aCopyWithAMaxCapacityOfItsLengthHidesItsSlot() {
        ByteBuf bounded =
                new AdaptiveByteBufAllocator().directBuffer(1_280, 1_280).writeZero(1_280);
        assertThat(QueueCharge.of(bounded)).isEqualTo(1_280 + QueueCharge.PER_PACKET);
        bounded.release();
    }

    /** The check before the copy never refuses what the copy would be allowed: it charges no more than the copy. */
    @Test
    void theLeastChargeIsNeverMoreThanTheCopysCharge() {
        AdaptiveByteBufAllocator alloc = new AdaptiveByteBufAllocator();
        for (int length = 0; length <= 17_000; length += 7) {
            assertThat(QueueCharge.atLeast(length))
                    .as("%d bytes", length)
                    .isLessThanOrEqualTo(chargeOfCopy(alloc, length));
        }
    }

    @Test
    void theDefaultHoldsFourFullSizePacketsAndTheLeastHoldsAHeader() {
        AdaptiveByteBufAllocator alloc = new AdaptiveByteBufAllocator();
        int fullSize = chargeOfCopy(alloc, 1_280);
        int perPeer = PeerTableSettings.defaults().queueBytesPerPeer();
        assertThat((perPeer - QueueCharge.PER_QUEUE) / fullSize).isEqualTo(4);
        assertThat(QueueCharge.PER_QUEUE + chargeOfCopy(alloc, 40))
                .isLessThanOrEqualTo(PeerTableSettings.MIN_QUEUE_BYTES_PER_PEER);
    }
}
