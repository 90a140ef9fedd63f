package org.jmiredo.peer;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Packets held for one untrusted peer while the relay waits for its bubble reply (RFC 4380 §5.4.1
 * case 3: "MAY queue", SHOULD send them once trusted, SHOULD delete them with the entry). Only peers
 * in that short window have one, so an object per queue is affordable. Owns its ByteBufs.
 */
final class PendingQueue {
    /**
     * The least a packet is charged: about what a small queued packet really costs (its ByteBuf object,
     * the allocator's bookkeeping and the deque slot, besides its bytes). Without it a flood of tiny
     * packets would hold several times the memory that the byte limit is meant to bound.
     */
    static final int MIN_PACKET_COST = 128;

    final long hi;
    final long lo;
    final long hash;
    /**
     * The oldest packet, held without a deque: almost every queue only ever holds the one packet that
     * started a handshake, so a burst of new peers allocates one small object each, not three.
     */
    private ByteBuf first;
    /** The packets after {@link #first}, oldest first; created with the second packet. */
    private ArrayDeque<ByteBuf> rest;
    private int bytes;

    PendingQueue(long hi, long lo, long hash) {
        this.hi = hi;
        this.lo = lo;
        this.hash = hash;
    }

    static int cost(ByteBuf packet) {
        return Math.max(packet.readableBytes(), MIN_PACKET_COST);
    }

    /** Appends {@code packet} (taking ownership) unless the queue would exceed {@code limit} bytes. */
    boolean offer(ByteBuf packet, int limit) {
        int cost = cost(packet);
        if (cost > limit - bytes) {
            return false;
        }
        if (first == null) {
            first = packet;
        } else {
            if (rest == null) {
                rest = new ArrayDeque<>(4);
            }
            rest.addLast(packet);
        }
        bytes += cost;
        return true;
    }

    int bytes() {
        return bytes;
    }

    int size() {
        return first == null ? 0 : 1 + (rest == null ? 0 : rest.size());
    }

    /**
     * Hands the packets to {@code sink} oldest first (RFC 4380 §5.4.1 says nothing of order; sending them
     * as written keeps TCP happy, unlike Miredo, which sends newest first). If the sink throws, the
     * packets not yet handed over are released, then the exception propagates.
     */
    int drainTo(Consumer<ByteBuf> sink) {
        int count = 0;
        try {
            ByteBuf packet;
            while ((packet = poll()) != null) {
                count++;
                sink.accept(packet);
            }
        } finally {
            releaseAll();
        }
        return count;
    }

    /** Releases every packet still held; returns how many. */
    int releaseAll() {
        int count = 0;
        ByteBuf packet;
        while ((packet = poll()) != null) {
            packet.release();
            count++;
        }
        bytes = 0;
        return count;
    }

    /** Takes out the oldest packet, or null. */
    private ByteBuf poll() {
        ByteBuf packet = first;
        first = rest == null ? null : rest.pollFirst();
        return packet;
    }
}
