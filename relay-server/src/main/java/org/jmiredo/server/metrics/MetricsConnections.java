package org.jmiredo.server.metrics;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The metrics endpoint's open connections and what each is doing, on the endpoint's one event loop (plain fields, no
 * locks). Two rules keep a scraper served whatever others hold open:
 * <ul>
 *   <li>A request must arrive whole within the request timeout of its first byte, or the connection is closed. A
 *       slowloris trickling a request line a byte at a time used to keep its connection for good: the idle timeout
 *       (120 s without a read) never fires while bytes keep coming.</li>
 *   <li>With {@code metrics.max-connections} open, a new connection closes the one that has waited longest without a
 *       request in progress (idle between requests, or connected and silent), or failing that the one whose request
 *       started first, instead of being refused. Before, eight addresses holding eight connections each (idle ones
 *       with a complete request now and then, or trickling ones) refused every scraper for as long as they liked.
 *       A scraper's request is whole in its first read and answered at once, so it is never the one closed, and
 *       every connection held longer than that can be taken back.</li>
 * </ul>
 * Beyond {@code metrics.max-connections-per-source} from one address (an IPv6 /64) a new connection is still refused
 * on accept: one host cannot churn everyone else's connections.
 */
final class MetricsConnections {
    /** What one connection is doing; written by its handlers on the endpoint's loop. */
    static final class Slot {
        final Channel channel;
        final InetAddress source;
        /** Since when it waits (no request in progress) or since its request's first byte. */
        long since;

        boolean inRequest;
        ScheduledFuture<?> deadline;

        Slot(Channel channel, InetAddress source, long since) {
            this.channel = channel;
            this.source = source;
            this.since = since;
        }
    }

    /** What to do with a new connection. */
    enum Admission {
        ADMIT,
        EVICT_AND_ADMIT,
        REFUSE
    }

    private final int maxConnections;
    private final int maxPerSource;
    private final long requestTimeoutNanos;
    private final LongSupplier nanoClock;
    /** Removal in constant time: a flood of short connections closes one per accept. */
    private final Set<Slot> open = new LinkedHashSet<>();

    private final Map<InetAddress, Integer> openBySource = new HashMap<>();
    private final Runnable onRequestTimeout;

    MetricsConnections(
            int maxConnections,
            int maxPerSource,
            long requestTimeoutNanos,
            LongSupplier nanoClock,
            Runnable onRequestTimeout) {
        this.maxConnections = maxConnections;
        this.maxPerSource = maxPerSource;
        this.requestTimeoutNanos = requestTimeoutNanos;
        this.nanoClock = nanoClock;
        this.onRequestTimeout = onRequestTimeout;
    }

    /**
     * Whose share a connection from {@code address} counts against: the address, or for IPv6 its /64, the least a
     * host gets (RFC 4291 section 2.5.1 interface identifiers; SLAAC and privacy addresses give one host any
     * number of addresses in it), so that one host listening with {@code "[::]:9544"} cannot take every place.
     */
    static InetAddress source(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException cannot) { // 16 bytes are always an address
            throw new AssertionError(cannot);
        }
    }

    /** Whether a new connection from {@code source} (see {@link #source}) may be admitted, and at whose expense. */
    Admission admission(InetAddress source) {
        if (openBySource.getOrDefault(source, 0) >= maxPerSource) {
            return Admission.REFUSE;
        }
        return open.size() < maxConnections ? Admission.ADMIT : Admission.EVICT_AND_ADMIT;
    }

    /**
     * The connection to close for a newcomer: of those without a request in progress the one waiting longest, else
     * the one whose request started first; null when none is open. It stays counted until its close completes.
     */
    Slot victim() {
        Slot idle = null;
        Slot busy = null;
        for (Slot slot : open) {
            if (!slot.channel.isOpen()) {
                continue; // closed already (an earlier victim), its listener not yet run
            }
            if (!slot.inRequest && (idle == null || slot.since - idle.since < 0)) {
                idle = slot;
            } else if (slot.inRequest && (busy == null || slot.since - busy.since < 0)) {
                busy = slot;
            }
        }
        return idle != null ? idle : busy;
    }

    /** Counts a connection as open until it closes, and returns its slot for its handlers. */
    Slot add(Channel channel, InetAddress source) {
        Slot slot = new Slot(channel, source, nanoClock.getAsLong());
        open.add(slot);
        openBySource.merge(source, 1, Integer::sum);
        channel.closeFuture().addListener(f -> remove(slot));
        return slot;
    }

    private void remove(Slot slot) {
        open.remove(slot);
        openBySource.computeIfPresent(slot.source, (a, n) -> n == 1 ? null : n - 1);
        if (slot.deadline != null) {
            slot.deadline.cancel(false);
        }
    }

    int openCount() {
        return open.size();
    }

    /** First in the pipeline: the first bytes after a request (or the connect) start the next request's clock. */
    ChannelInboundHandlerAdapter requestStart(Slot slot) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!slot.inRequest) {
                    slot.inRequest = true;
                    slot.since = nanoClock.getAsLong();
                    slot.deadline = ctx.executor()
                            .schedule(
                                    () -> {
                                        if (slot.inRequest && ctx.channel().isOpen()) {
                                            onRequestTimeout.run();
                                            ctx.close();
                                        }
                                    },
                                    requestTimeoutNanos,
                                    TimeUnit.NANOSECONDS);
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    /** After the aggregator: a whole request arrived, so the connection is waiting again. */
    ChannelInboundHandlerAdapter requestEnd(Slot slot) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof FullHttpRequest) {
                    slot.inRequest = false;
                    slot.since = nanoClock.getAsLong();
                    if (slot.deadline != null) {
                        slot.deadline.cancel(false);
                        slot.deadline = null;
                    }
                }
                ctx.fireChannelRead(msg);
            }
        };
    }
}
