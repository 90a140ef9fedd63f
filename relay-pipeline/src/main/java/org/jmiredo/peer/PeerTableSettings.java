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
 * @param queueBytesPerPeer bytes of packets queued per untrusted peer while awaiting its bubble reply;
 *     each packet counts at least 40 bytes (an IPv6 header); 0 disables queueing
 * @param maxQueuedPeers how many peers may hold queued packets at once (bounds queue memory overall)
 */
public record PeerTableSettings(int maxPeers, int segments, int idleSeconds, int queueBytesPerPeer, int maxQueuedPeers) {
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
        return new PeerTableSettings(1 << 20, 256, 60, 1280 * 4, 16_384);
    }
}
