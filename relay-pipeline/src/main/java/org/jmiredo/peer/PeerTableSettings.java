package org.jmiredo.peer;

/**
 * Bounds of the peer table. Every one is configurable, because an operator sizes them to the host.
 *
 * @param maxPeers the most peers kept; when full, the least recently used is evicted (CLOCK). Each
 *     segment holds a fixed share of it, so eviction starts when the fullest segment is full
 * @param segments independent lock stripes (a power of two); more means less contention between loops.
 *     The table uses at most {@code Integer.highestOneBit(maxPeers)} of them, so each holds at least one peer
 * @param idleSeconds a peer neither heard from, bubbled nor used for this long is removed by the sweep
 *     (within 1.5 times this long when the sweep runs once a second)
 * @param queueBytesPerPeer bytes of memory a queue of packets for an untrusted peer awaiting its bubble reply
 *     may take, each packet charged what its copy costs ({@link QueueCharge}); 0 disables queueing
 * @param maxQueuedPeers how many peers may hold queued packets at once (bounds queue memory overall)
 */
public record PeerTableSettings(
        int maxPeers, int segments, int idleSeconds, int queueBytesPerPeer, int maxQueuedPeers) {
    /**
     * The default queueBytesPerPeer: four full-size packets (1,280 bytes, each charged 2,048 of the allocator and
     * {@value QueueCharge#PER_PACKET} of heap) and the queue's own {@value QueueCharge#PER_QUEUE}, 8,992 bytes,
     * rounded up to 9 KiB. RFC 4380 §5.4.1 leaves the size to the implementer; Miredo holds 1,280 bytes.
     */
    public static final int DEFAULT_QUEUE_BYTES_PER_PEER = 9 * 1024;
    /**
     * The least queueBytesPerPeer the configuration takes (but 0, which queues nothing): about the least a queue
     * holding anything costs, a bare IPv6 header (its copy in a 64-byte slot of Netty's adaptive allocator: 456
     * bytes with the queue's own), so that "1" meant as 1 KiB is refused rather than queueing nothing.
     */
    public static final int MIN_QUEUE_BYTES_PER_PEER = 512;

    public PeerTableSettings {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("maxPeers must be positive: " + maxPeers);
        }
        if (segments < 1 || Integer.bitCount(segments) != 1) {
            throw new IllegalArgumentException("segments must be a power of two: " + segments);
        }
        if (idleSeconds < 1 || queueBytesPerPeer < 0 || maxQueuedPeers < 0) {
            throw new IllegalArgumentException("idleSeconds must be positive, queue bounds not negative");
        }
    }

    /** Miredo-like defaults scaled for a public relay. */
    public static PeerTableSettings defaults() {
        return new PeerTableSettings(1 << 20, 256, 60, DEFAULT_QUEUE_BYTES_PER_PEER, 16_384);
    }
}
