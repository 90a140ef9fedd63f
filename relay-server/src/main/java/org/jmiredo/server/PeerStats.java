package org.jmiredo.server;

import org.jmiredo.peer.PeerTable;
import org.jmiredo.server.metrics.PeerTableStats;

/** A peer table as the metrics endpoint reads it: the relay's, and the client's. */
final class PeerStats {
    private PeerStats() {}

    static PeerTableStats of(PeerTable table) {
        return new PeerTableStats(
                table::size,
                table::capacity,
                table::evictions,
                table::expirations,
                table::queueDiscards,
                table::queuedPeers,
                table::queuedBytes,
                table::memoryBytes);
    }
}
