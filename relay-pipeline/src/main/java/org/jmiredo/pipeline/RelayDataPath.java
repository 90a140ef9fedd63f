package org.jmiredo.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.proto.BubbleSource;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's data path: one peer table shared by every event loop, and per loop its own rules,
 * counters and handlers. The UDP path ({@link RelayIngress}, per socket) is decode → bubble/indication →
 * peer lookup → tunnel write; the tunnel path is read → transmission rules → UDP write.
 */
public final class RelayDataPath implements DataPathWiring, AutoCloseable {
    private static final int EXPIRY_SLICES = 10;
    private static final Logger LOG = LoggerFactory.getLogger(RelayDataPath.class);
    /** The settings every loop runs with. */
    private volatile RelaySettings loopSettings;
    /** The budgets for the whole relay, shared by every loop: what the operator set is the bound. */
    private final RelayBudgets budgets;

    private final PeerTable peers;
    private final PeerTableSettings peerSettings;
    private final Clock clock;
    private final UdpSender.Factory senders;
    private final BubbleSource bubbleSource = BubbleSource.random();
    private final List<DataPathCounters> counters = new CopyOnWriteArrayList<>();
    private final Map<EventLoop, LoopPath> loops = new ConcurrentHashMap<>();
    private final List<HandshakeWarmUp> warmUps = new CopyOnWriteArrayList<>();
    private volatile boolean expiryScheduled;

    /** Sending through each UDP channel's own pipeline ({@link ChannelUdpSender}). */
    public RelayDataPath(RelaySettings settings, PeerTableSettings peerSettings, Clock clock) {
        this(settings, peerSettings, clock, ChannelUdpSender::new);
    }

    /** With the transport's own way of sending datagrams ({@link UdpSender}). */
    public RelayDataPath(
            RelaySettings settings, PeerTableSettings peerSettings, Clock clock, UdpSender.Factory senders) {
        this.senders = senders;
        this.loopSettings = settings;
        this.budgets = RelayBudgets.of(settings);
        this.peerSettings = peerSettings;
        this.peers = new PeerTable(peerSettings);
        this.clock = clock;
    }

    @Override
    public UdpIngress initUdpChannel(Channel udp, TunQueue tun) {
        UdpIngress ingress = addIngress(udp, pathFor(udp, tun), RelayOutput.ANY_LOCAL);
        scheduleExpiry(udp);
        return ingress;
    }

    @Override
    public UdpIngress initLocalChannel(Channel udp, int local) {
        LoopPath path = loops.get(udp.eventLoop());
        if (path == null) {
            throw new IllegalStateException("initLocalChannel before initUdpChannel on the loop of " + udp);
        }
        path.output.addLocal(local, udp);
        return addIngress(udp, path, local);
    }

    private static UdpIngress addIngress(Channel udp, LoopPath path, int local) {
        UdpIngress ingress = path.ingress(local);
        udp.pipeline().addLast("udp-ingress", new UdpIngressHandler(ingress));
        return ingress;
    }

    @Override
    public TunReceiver tunReceiver(Channel udp, TunQueue tun) {
        return pathFor(udp, tun).tunReceiver();
    }

    /**
     * Applies new relay settings while running (SIGHUP): each loop takes them on its own thread, between
     * two packets. The prefix cannot change, since the tunnel's route depends on it.
     */
    public void update(RelaySettings next) {
        if (next.prefix() != loopSettings.prefix()) {
            throw new IllegalArgumentException("the Teredo prefix cannot change while running");
        }
        loopSettings = next;
        // The shared budgets' rates, once for every loop.
        budgets.icmpErrors().setPerSecond(next.icmpErrorsPerSecond());
        budgets.unknownBubbles().setPerSecond(next.unknownBubblesPerSecond());
        loops.forEach((loop, path) -> loop.execute(() -> {
            path.reception.apply(next);
            path.transmission.apply(next);
        }));
    }

    /**
     * Warms the handshake path up on one wired loop ({@link HandshakeWarmUp}): {@code peers} synthetic
     * handshakes through rules, a peer table and counters of their own, so nothing of it reaches this path's
     * table, metrics, sockets or tunnel. {@code discarding} makes senders of the transport's own class that
     * send nothing. Call once the transport has wired the loops.
     */
    public synchronized HandshakeWarmUp warmUp(int peers, UdpSender.Factory discarding) {
        LoopPath live = loops.values().stream()
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("warm-up before any event loop was wired"));
        HandshakeWarmUp started = new HandshakeWarmUp(
                peers, live.udp, live.tun, live.counters, peerSettings, loopSettings, discarding, clock);
        warmUps.add(started);
        // Once done it holds nothing the relay needs: let its peer table's memory go (see HandshakeWarmUp).
        started.result().whenComplete((result, failure) -> warmUps.remove(started));
        started.start();
        return started;
    }

    /** The counters of every loop, for the metrics endpoint to sum at scrape time. */
    public List<DataPathCounters> counters() {
        return counters;
    }

    public PeerTable peers() {
        return peers;
    }

    /** After the event loops have stopped. */
    @Override
    public void close() {
        warmUps.forEach(HandshakeWarmUp::close);
        loops.values().forEach(path -> path.bubbles.close());
        peers.close();
    }

    private LoopPath pathFor(Channel udp, TunQueue tun) {
        return loops.computeIfAbsent(udp.eventLoop(), loop -> {
            LoopPath path = new LoopPath(udp, tun, peers, bubbleSource, loopSettings, budgets, senders, clock);
            counters.add(path.counters);
            return path;
        });
    }

    /**
     * Expiry runs on one loop in ten slices a second, each a tenth of the table's per-second sweep
     * budget, so that even at ten million peers no slice holds the loop for more than about half a
     * millisecond.
     */
    private synchronized void scheduleExpiry(Channel udp) {
        if (!expiryScheduled) {
            expiryScheduled = true;
            udp.eventLoop()
                    .scheduleAtFixedRate(
                            this::expireSlice, 1000 / EXPIRY_SLICES, 1000 / EXPIRY_SLICES, TimeUnit.MILLISECONDS);
        }
    }

    /** One slice of expiry. An exception must not end the schedule, or the table would only ever evict. */
    private void expireSlice() {
        try {
            peers.expire(clock.nowSeconds(), Math.max(1, peers.sweepBudget() / EXPIRY_SLICES));
        } catch (RuntimeException e) {
            LOG.warn("peer expiry failed; it runs again in {} ms", 1000 / EXPIRY_SLICES, e);
        }
    }
}
