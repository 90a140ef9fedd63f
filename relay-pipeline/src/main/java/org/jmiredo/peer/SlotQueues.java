package org.jmiredo.peer;

import static org.jmiredo.peer.SlotLayout.KEY_LO;
import static org.jmiredo.peer.SlotLayout.QUEUED;
import static org.jmiredo.peer.SlotLayout.SHIFT;
import static org.jmiredo.peer.SlotLayout.STATE;
import static org.jmiredo.peer.SlotLayout.WORDS;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * The packets a {@link PeerTable.Segment} holds for its peers while their bubbles are answered (RFC 4380
 * §5.4.1 case 3): one {@link PendingQueues} per segment, the QUEUED bit of each slot that has a queue, and
 * the table's {@link QueueBudget} they are charged to. Under the segment's lock, as everything of a segment.
 */
abstract class SlotQueues extends PeerFields {
    private final QueueBudget queues;
    private final PendingQueues pending = new PendingQueues();

    SlotQueues(PeerHash hash, QueueBudget queues, int share, MemorySegment memory, long offset) {
        super(hash, share, memory, offset);
        this.queues = queues;
    }

    /**
     * Queues {@code packet} until the peer is trusted (RFC 4380 §5.4.1 case 3), taking ownership only
     * when it returns true. The packet is a copy made for the queue ({@link QueueCharge#allocate}), charged
     * what it costs ({@link QueueCharge#of}, and a new queue {@link QueueCharge#PER_QUEUE}). Refuses when the
     * peer's queue would then be charged more than queueBytesPerPeer, when maxQueuedPeers peers already hold
     * queues, or after {@link PeerTable#close()}; the caller then still owns the packet.
     */
    public boolean enqueue(int slot, ByteBuf packet) {
        int b = base(slot);
        if (!queueHolds(packet)) {
            return false;
        }
        long hi = word(b);
        long lo = word(b + KEY_LO);
        if ((word(b + STATE) & QUEUED) != 0) {
            return pending.offer(pending.find(hi, lo, hashOf(hi, lo)), packet, queues.bytesPerPeer);
        }
        if (!queues.tryReserve()) {
            return false;
        }
        pending.offer(pending.add(hi, lo, hashOf(hi, lo)), packet, queues.bytesPerPeer);
        setWord(b + STATE, word(b + STATE) | QUEUED);
        return true;
    }

    /**
     * Whether a peer's queue, however empty, can hold {@code copy} (a copy made for the queue, charged {@link
     * QueueCharge#of}): false when it alone is over queueBytesPerPeer (always when that is 0, which queues
     * nothing). Needs no lock.
     */
    public boolean queueHolds(ByteBuf copy) {
        return QueueCharge.PER_QUEUE + QueueCharge.of(copy) <= queues.bytesPerPeer;
    }

    /**
     * Whether a peer's queue, however empty, might hold a copy of {@code length} bytes: false when even the
     * least such a copy is charged ({@link QueueCharge#atLeast}) is too much, so that no copy is made in vain.
     * Needs no lock.
     */
    public boolean queueMayHold(int length) {
        return QueueCharge.PER_QUEUE + QueueCharge.atLeast(length) <= queues.bytesPerPeer;
    }

    /**
     * Hands the queued packets to {@code sink} oldest first (the sink owns each one it gets), deletes
     * the queue, returns how many. The queue is detached before the sink first runs; if the sink
     * throws, the packets it has not received are released.
     */
    public int drainQueue(int slot, Consumer<ByteBuf> sink) {
        int b = base(slot);
        if ((word(b + STATE) & QUEUED) == 0) {
            return 0;
        }
        setWord(b + STATE, word(b + STATE) & ~QUEUED);
        queues.release();
        return pending.drain(word(b), word(b + KEY_LO), hashOf(word(b), word(b + KEY_LO)), sink);
    }

    /**
     * Releases the queues of peers whose last bubble (the client's: its last test) left more than {@code
     * waitSeconds} before {@code now} without an answer, an answer having taken the queue out; returns how many
     * queues it looked at. The entries stay, with their bubble budgets: only their packets go, counted as
     * {@link PeerTable#queueDiscards}. See {@link PeerTable#QUEUE_WAIT_SECONDS}.
     */
    int discardUnansweredQueues(int now, int waitSeconds) {
        assert held();
        int seen = pending.count();
        int i = 0;
        while (i < pending.capacity()) {
            long hi = pending.hiAt(i);
            if (hi != 0) {
                long lo = pending.loAt(i);
                int slot = probe(hi, lo, pending.hashAt(i));
                if (slot >= 0 && now - lastBubble(slot) > waitSeconds) {
                    int b = base(slot);
                    setWord(b + STATE, word(b + STATE) & ~QUEUED);
                    discardQueue(hi, lo);
                    continue; // the backward shift may have moved an entry not yet seen into index i
                }
            }
            i++;
        }
        return seen;
    }

    @Override
    void discardQueue(long hi, long lo) {
        queues.release();
        bump(QUEUE_DISCARDS, pending.discard(hi, lo, hashOf(hi, lo)));
    }

    long queuedBytes() {
        return pending.chargedBytes();
    }

    /** Releases every queue (table close, {@link PeerTable#clear}). */
    void releaseAllQueues() {
        assert held();
        bump(QUEUE_DISCARDS, pending.releaseAll());
        for (int b = 0; b < capacity << SHIFT; b += WORDS) {
            if ((word(b + STATE) & QUEUED) != 0) {
                setWord(b + STATE, word(b + STATE) & ~QUEUED);
                queues.release();
            }
        }
    }

    /**
     * Bytes of the slots in use (the part of the off-heap region written so far, give or take a
     * page) and of the queue arrays. Racy read.
     */
    long memoryBytes() {
        return ((long) capacity << (SHIFT + 3)) + pending.memoryBytes();
    }

    void checkInvariants() {
        assert held();
        checkSlots();
        int queued = 0;
        for (int b = 0; b < capacity << SHIFT; b += WORDS) {
            long hi = word(b);
            long lo = word(b + KEY_LO);
            boolean has = hi != 0 && pending.find(hi, lo, hash.hash(hi, lo)) >= 0;
            check(has == ((word(b + STATE) & QUEUED) != 0), "QUEUED bit disagrees with the queues at " + (b >> SHIFT));
            queued += has ? 1 : 0;
        }
        check(queued == pending.count(), "stray queues: " + pending.count() + " vs " + queued);
    }
}
