package org.jmiredo.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;
import org.junit.jupiter.api.Test;

/**
 * What a full queue budget really takes: queues filled with the copies the relay keeps ({@link
 * ExactCopy#of}, from Netty 4.2's adaptive allocator, the relay's) never hold more direct memory than
 * max-queued-peers x queue-bytes-per-peer, whose charge must also cover each copy's heap. Before, a 1,280-byte
 * packet (the tunnel's MTU) was charged 1,280 bytes and took a 2,048-byte slot: a full budget held 1.6 times its
 * bytes in direct memory alone (BENCHMARKS.md, fifteenth iteration: silent peers and the queue budget).
 */
class QueuedCopyMemoryTest {
    private static final int PEERS = 256;
    /** The default: four full-size packets a peer. */
    private static final int BYTES_PER_PEER = 9 * 1024;

    private static final long HI = 0x2001_0000_c633_6401L;

    @Test
    void aFullBudgetOfFullSizePacketsTakesNoMoreDirectMemoryThanItsBytes_R_5_4_1_limit() {
        assertFullBudgetWithinBytes(1_280, 4);
    }

    /** Between the allocator's 1,152 and 2,048-byte classes: the slot is what counts, not the length. */
    @Test
    void packetsJustAboveASizeClassAreChargedTheNextOne_R_5_4_1_limit() {
        assertFullBudgetWithinBytes(1_153, 4);
    }

    private static void assertFullBudgetWithinBytes(int length, int expectedPerPeer) {
        AdaptiveByteBufAllocator alloc = new AdaptiveByteBufAllocator();
        ByteBuf packet = Unpooled.directBuffer(length).writeZero(length);
        try (PeerTable table = new PeerTable(new PeerTableSettings(4 * PEERS, 16, 60, BYTES_PER_PEER, PEERS))) {
            int queued = 0;
            for (int p = 0; p < PEERS; p++) {
                PeerTable.Segment s = table.segment(HI, p + 1);
                s.lock();
                try {
                    int slot = s.insert(HI, p + 1, 1);
                    for (int i = 0; i < 16; i++) {
                        ByteBuf copy = ExactCopy.of(packet, alloc);
                        if (s.enqueue(slot, copy)) {
                            queued++;
                        } else {
                            copy.release();
                        }
                    }
                } finally {
                    s.unlock();
                }
            }
            long direct = alloc.metric().usedDirectMemory();
            assertThat(direct)
                    .as("direct memory of %d copies of %d bytes", queued, length)
                    .isLessThanOrEqualTo((long) PEERS * BYTES_PER_PEER);
            assertThat(queued).as("%d-byte packets a peer holds", length).isEqualTo(expectedPerPeer * PEERS);
        } finally {
            packet.release();
        }
    }
}
