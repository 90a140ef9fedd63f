package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pending queues of untrusted peers (RFC 4380 §5.4.1 case 3). */
class PeerQueueTest {
    private static final long HI = Peers.hi(0xC0000201);
    private static final long A = Peers.lo(1);
    private static final long B = Peers.lo(2);
    private static final long C = Peers.lo(3);
    /** The pooled allocator's slot for 1,000 bytes (its size classes: ..., 896, 1,024, 1,280, ...). */
    private static final int SLOT_1000 = 1024;
    /** Three 1,000-byte copies, each charged its slot and heap, and the queue's own bytes. */
    private static final int LIMIT = QueueCharge.PER_QUEUE + 3 * (SLOT_1000 + QueueCharge.PER_PACKET);

    private final List<ByteBuf> created = new ArrayList<>();
    private final PeerTable table = Peers.table(new PeerTableSettings(64, 2, 60, LIMIT, 2));

    @AfterEach
    void everyBufferIsReleased() {
        table.close();
        for (ByteBuf b : created) {
            assertThat(b.refCnt()).isZero();
        }
    }

    private ByteBuf packet(int length) {
        ByteBuf b =
                PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(length, 1)).writeZero(length);
        created.add(b);
        return b;
    }

    /** enqueue as the engine does: the caller releases what the table refuses. */
    private boolean enqueue(long lo, ByteBuf packet) {
        return Peers.locked(table, HI, lo, s -> {
                    int slot = s.find(HI, lo);
                    boolean taken = s.enqueue(slot < 0 ? s.insert(HI, lo, 0) : slot, packet);
                    if (!taken) {
                        packet.release();
                    }
                    return taken ? 1 : 0;
                })
                == 1;
    }

    private List<ByteBuf> drain(long lo) {
        List<ByteBuf> out = new ArrayList<>();
        Peers.locked(table, HI, lo, s -> s.drainQueue(s.find(HI, lo), out::add));
        return out;
    }

    @Test
    void bytesPerPeerAreBounded_R_5_4_1_limit() {
        ByteBuf p1 = packet(1000);
        ByteBuf p2 = packet(1000);
        ByteBuf p3 = packet(1000);
        assertThat(enqueue(A, p1)).isTrue();
        assertThat(enqueue(A, p2)).isTrue();
        assertThat(enqueue(A, p3)).isTrue();
        assertThat(enqueue(A, packet(1))).isFalse(); // LIMIT bytes are charged already
        assertThat(table.queuedBytes()).isEqualTo(LIMIT);
        assertThat(Peers.locked(table, HI, A, s -> s.hasQueue(s.find(HI, A)) ? 1 : 0))
                .isOne();
        List<ByteBuf> out = drain(A);
        assertThat(out).containsExactly(p1, p2, p3); // R-5.4.1-dequeue, oldest first
        assertThat(out).allSatisfy(b -> assertThat(b.refCnt()).isOne()); // the sink owns them
        out.forEach(ByteBuf::release);
        assertThat(Peers.locked(table, HI, A, s -> s.hasQueue(s.find(HI, A)) ? 1 : 0))
                .isZero();
        assertThat(drain(A)).isEmpty();
        assertThat(table.queuedPeers()).isZero();
        assertThat(table.queuedBytes()).isZero();
        assertThat(table.queueDiscards()).isZero();
    }

    /** A client's new address: every entry and queue goes, their packets released and counted; the table works on. */
    @Test
    void clearRemovesEveryEntryAndReleasesItsQueue() {
        ByteBuf a = packet(100);
        ByteBuf b = packet(100);
        assertThat(enqueue(A, a)).isTrue();
        assertThat(enqueue(B, b)).isTrue();
        Peers.put(table, HI, C, 0);
        table.clear();
        assertThat(table.size()).isZero();
        for (long lo : new long[] {A, B, C}) {
            assertThat(Peers.contains(table, HI, lo)).isFalse();
        }
        assertThat(a.refCnt()).isZero();
        assertThat(b.refCnt()).isZero();
        assertThat(table.queuedPeers()).isZero();
        assertThat(table.queuedBytes()).isZero();
        assertThat(table.queueDiscards()).isEqualTo(2);
        table.checkInvariants();
        assertThat(enqueue(A, packet(100))).as("queues again after a clear").isTrue();
        assertThat(enqueue(B, packet(100))).isTrue();
        assertThat(table.size()).isEqualTo(2);
        table.checkInvariants();
    }

    /**
     * Tiny packets are charged what their copies take: the allocator's smallest slot (the pooled one's 16 bytes)
     * and each copy's heap, so a flood of them holds no more memory than the limit says.
     */
    @Test
    void tinyPacketsAreChargedTheirSlotAndHeap_R_5_4_1_limit() {
        int each = 16 + QueueCharge.PER_PACKET;
        int fit = (LIMIT - QueueCharge.PER_QUEUE) / each;
        for (int i = 0; i < fit; i++) {
            assertThat(enqueue(A, packet(0))).isTrue();
        }
        assertThat(enqueue(A, packet(0))).isFalse();
        assertThat(table.queuedBytes()).isEqualTo(QueueCharge.PER_QUEUE + fit * each);
        drain(A).forEach(ByteBuf::release);
    }

    @Test
    void oversizedPacketCreatesNoQueue() {
        assertThat(enqueue(A, packet(3_500))).isFalse(); // a 3,584-byte slot: over LIMIT with the queue's own
        assertThat(table.queuedPeers()).isZero();
        assertThat(Peers.locked(table, HI, A, s -> s.hasQueue(s.find(HI, A)) ? 1 : 0))
                .isZero();
    }

    @Test
    void peersWithQueuesAreBounded_R_5_4_1_limit() {
        assertThat(enqueue(A, packet(100))).isTrue();
        assertThat(enqueue(B, packet(100))).isTrue();
        assertThat(enqueue(C, packet(100))).isFalse(); // maxQueuedPeers = 2
        assertThat(enqueue(A, packet(100))).isTrue(); // existing queues still take packets
        drain(A).forEach(ByteBuf::release);
        assertThat(enqueue(C, packet(100))).isTrue();
        assertThat(table.queuedPeers()).isEqualTo(2);
    }

    /**
     * A queue waits for the answer to its peer's last bubble for {@link PeerTable#QUEUE_WAIT_SECONDS}, then the
     * expiry releases it and its share of max-queued-peers (here 2), the entry staying: silent peers no longer
     * hold the budget until their entries expire (60 s here). A later bubble (the next packet's) starts the wait
     * again; an answered queue is gone already.
     */
    @Test
    void queuesLeftUnansweredAreReleased_R_7_3_5_state() {
        int wait = PeerTable.QUEUE_WAIT_SECONDS;
        bubbled(A, 100);
        bubbled(B, 100);
        bubbled(C, 100);
        ByteBuf a = packet(100);
        ByteBuf b = packet(100);
        assertThat(enqueue(A, a)).isTrue();
        assertThat(enqueue(B, b)).isTrue();
        assertThat(enqueue(C, packet(100))).as("max-queued-peers = 2").isFalse();
        bubbled(B, 100 + wait); // B's next packet bubbled it again

        assertThat(table.expire(100 + wait)).isZero();
        assertThat(table.queuedPeers()).as("within the wait").isEqualTo(2);
        assertThat(table.expire(101 + wait)).as("no entry goes").isZero();
        assertThat(a.refCnt()).isZero();
        assertThat(b.refCnt()).as("B's wait started again").isOne();
        assertThat(table.queuedPeers()).isOne();
        assertThat(table.queueDiscards()).isOne();
        assertThat(table.size()).isEqualTo(3);
        assertThat(Peers.locked(table, HI, A, s -> s.hasQueue(s.find(HI, A)) ? 1 : 0))
                .isZero();
        bubbled(C, 101 + wait);
        assertThat(enqueue(C, packet(100))).as("the budget A held").isTrue();
        assertThat(table.expire(101 + 2 * wait)).isZero();
        assertThat(b.refCnt()).isZero();
        assertThat(table.queueDiscards()).isEqualTo(2);
        assertThat(table.queuedPeers()).as("C's wait is not over").isOne();
        table.checkInvariants();
    }

    /**
     * One call looks at {@value Sweeper#QUEUE_PASS_BUDGET} queues at most (a few segments more or less), so that a
     * full queue budget does not hold an event loop for the whole pass; the next calls go on with it, also within
     * the same second.
     */
    @Test
    void aPassOverManyQueuesGoesOnInTheNextCalls() {
        int peers = Sweeper.QUEUE_PASS_BUDGET + 1000;
        try (PeerTable big = Peers.table(new PeerTableSettings(2 * peers, 64, 60, 3000, peers))) {
            for (int i = 0; i < peers; i++) {
                long lo = Peers.lo(i);
                int taken = Peers.locked(big, HI, lo, s -> {
                    int slot = s.insert(HI, lo, 100);
                    s.setBubbles(slot, 100, 1);
                    return s.enqueue(slot, packet(100)) ? 1 : 0;
                });
                assertThat(taken).isOne();
            }
            int now = 101 + PeerTable.QUEUE_WAIT_SECONDS;
            big.expire(now);
            assertThat(big.queuedPeers()).as("left for the next call").isBetween(1, peers - Sweeper.QUEUE_PASS_BUDGET);
            big.expire(now);
            assertThat(big.queuedPeers()).isZero();
            assertThat(big.queueDiscards()).isEqualTo(peers);
            assertThat(big.size()).isEqualTo(peers);
        }
    }

    /** Sets the entry's last bubble (the rules count them before they queue), making it if absent. */
    private void bubbled(long lo, int now) {
        Peers.locked(table, HI, lo, s -> {
            int slot = s.find(HI, lo);
            s.setBubbles(slot < 0 ? s.insert(HI, lo, now) : slot, now, 1);
            return 0;
        });
    }

    @Test
    void removeReleasesQueuedPackets_R_5_4_1_delete() {
        assertThat(enqueue(A, packet(500))).isTrue();
        assertThat(enqueue(A, packet(500))).isTrue();
        Peers.remove(table, HI, A);
        assertThat(created).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(table.queueDiscards()).isEqualTo(2);
        assertThat(table.queuedPeers()).isZero();
        // A late bubble re-creates the entry: no old packets come back with it.
        Peers.put(table, HI, A, 5);
        assertThat(drain(A)).isEmpty();
    }

    @Test
    void evictionReleasesQueuedPackets_R_5_4_1_delete() {
        PeerTable small = Peers.table(new PeerTableSettings(2, 1, 60, 3000, 2));
        ByteBuf p = packet(200);
        Peers.locked(small, HI, A, s -> s.enqueue(s.insert(HI, A, 0), p) ? 1 : 0);
        Peers.put(small, HI, B, 0);
        Peers.touch(small, HI, B, 1);
        Peers.put(small, HI, C, 2);
        assertThat(Peers.contains(small, HI, A)).isFalse();
        assertThat(p.refCnt()).isZero();
        assertThat(small.evictions()).isOne();
        assertThat(small.queueDiscards()).isOne();
        assertThat(small.queuedBytes()).isZero();
        small.checkInvariants();
    }

    @Test
    void closeReleasesEverythingAndRefusesLaterPackets() {
        assertThat(enqueue(A, packet(100))).isTrue();
        assertThat(enqueue(B, packet(100))).isTrue();
        table.close();
        assertThat(created).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(table.queuedPeers()).isZero();
        assertThat(enqueue(C, packet(100))).isFalse();
        table.close(); // idempotent
        table.checkInvariants();
    }

    @Test
    void aThrowingSinkLeaksNothing() {
        assertThat(enqueue(A, packet(100))).isTrue();
        assertThat(enqueue(A, packet(100))).isTrue();
        assertThatThrownBy(() -> Peers.locked(
                        table,
                        HI,
                        A,
                        s -> s.drainQueue(s.find(HI, A), b -> {
                            b.release();
                            throw new IllegalStateException("channel closed");
                        })))
                .hasMessage("channel closed");
        assertThat(created).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(table.queuedPeers()).isZero();
        table.checkInvariants();
    }

    @Test
    void queueingCanBeDisabled() {
        PeerTable none = Peers.table(new PeerTableSettings(8, 1, 60, 0, 8));
        ByteBuf p = Unpooled.buffer(40).writeZero(40);
        assertThat(Peers.locked(none, HI, A, s -> s.enqueue(s.insert(HI, A, 0), p) ? 1 : 0))
                .isZero();
        p.release();
    }
}
