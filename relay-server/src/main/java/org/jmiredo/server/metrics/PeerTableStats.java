package org.jmiredo.server.metrics;

import java.util.function.LongSupplier;

/**
 * What the metrics endpoint reads from the peer table at scrape time. A record of suppliers so that the
 * table adapts with method references ({@code new PeerTableStats(table::size, table::capacity, ...)})
 * and this package does not depend on the table's class.
 *
 * @param size peers in the table now
 * @param capacity the most peers the table holds
 * @param evictions peers evicted because the table was full (least recently used first), since start
 * @param expirations peers removed because they were idle, since start
 * @param queueDiscards queued packets thrown away with their peer entry (removed, evicted, expired), since start
 * @param queuedPeers peers holding packets that await a bubble reply, now
 * @param queuedBytes bytes those queues are charged now (what their packets and bookkeeping take in memory)
 * @param memoryBytes bytes the table holds, on or off the heap
 */
public record PeerTableStats(
        LongSupplier size,
        LongSupplier capacity,
        LongSupplier evictions,
        LongSupplier expirations,
        LongSupplier queueDiscards,
        LongSupplier queuedPeers,
        LongSupplier queuedBytes,
        LongSupplier memoryBytes) {}
