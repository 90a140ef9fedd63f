package org.jmiredo.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.LongSupplier;

/** The peer table (the relay's, the client's) as meters read at scrape time; the roles without one show none. */
public final class PeerTableMetrics implements MeterBinder {
    private final PeerTableStats peers;

    public PeerTableMetrics(PeerTableStats peers) {
        this.peers = peers;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        // Function counters hold their object weakly; the gauges hold this binder strongly, so the
        // registry keeps every meter of it alive however the caller keeps (or drops) its reference.
        gauge(registry, "jmiredo.peers", peers.size(), null, "Peers in the peer table");
        gauge(registry, "jmiredo.peers.capacity", peers.capacity(), null, "Most peers the table holds (peers.max)");
        gauge(registry, "jmiredo.peer.table", peers.memoryBytes(), "bytes", "Memory held by the peer table");
        counter(registry, "jmiredo.peer.evictions", peers.evictions(), "Peers evicted because the table was full");
        counter(registry, "jmiredo.peer.expirations", peers.expirations(), "Peers removed after their idle timeout");
        counter(
                registry,
                "jmiredo.peer.queue.discarded.packets",
                peers.queueDiscards(),
                "Queued packets thrown away with their peer entry (removed, evicted, expired, or a client's table "
                        + "emptied)");
        gauge(
                registry,
                "jmiredo.peers.queued",
                peers.queuedPeers(),
                null,
                "Peers with packets awaiting a bubble reply");
        gauge(
                registry,
                "jmiredo.peer.queues",
                peers.queuedBytes(),
                "bytes",
                "Memory the queued packets take, as charged against peers.queue-bytes-per-peer");
    }

    private void gauge(MeterRegistry registry, String name, LongSupplier value, String unit, String help) {
        Gauge.builder(name, this, m -> value.getAsLong())
                .baseUnit(unit)
                .description(help)
                .strongReference(true)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, LongSupplier value, String help) {
        FunctionCounter.builder(name, this, m -> value.getAsLong())
                .description(help)
                .register(registry);
    }
}
