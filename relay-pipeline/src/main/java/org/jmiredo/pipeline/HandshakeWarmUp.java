package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerLookups;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.proto.BubbleSource;
import org.jmiredo.proto.Teredo;
import org.jmiredo.tun.TunQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthetic handshakes through the relay's own handshake path at start, so that C2 compiles it before the
 * first burst of real peers does (a restarted relay gets all its peers back at once; cold, the compiler took
 * 5 to 8 µs per new peer of that burst on a 2-core host, BENCHMARKS.md seventh iteration).
 *
 * <p>Each handshake is what a real one is: a packet from the tunnel for an unknown peer (queued, an
 * indirect bubble out), the peer's reply bubble to our keyed source (trust, the queued packet released), a
 * packet to the now trusted peer. A second pass ({@link #round}) takes the branches only
 * passing time and lost answers take (on a clock the bubble spacing ahead); a third, on a clock {@link
 * RelaySettings#renewTrustAfter} s further, the renewal of every peer's trust (a packet sent directly with an
 * indirect bubble, the answer); a fourth, {@value Teredo#TRUST_SECONDS} s after that, the lapse of every
 * peer's trust (a trusted peer's packet queued, a bubble, the answer): peers that only receive take both
 * paths every 30 s, all at once when they were handshaken together, and their first live use threw out the
 * tunnel-to-UDP path's C2 code (C2 ran 62 to 85 ms in that burst; BENCHMARKS.md thirteenth iteration). The
 * warm-up's queue budget fills halfway through the first pass
 * ({@link #withQueueBudget}) as a large burst fills the live one: a branch the warm-up never took would,
 * at its first live use, throw out the C2 code compiled here (an uncommon trap), and the burst would compile
 * it all again.
 *
 * <p>It runs through a {@link LoopPath} of its own, built from the same classes as the live one so that the
 * type profiles C2 compiles from are the live ones: its own peer table, bubble key and counters (nothing of
 * it reaches the metrics), the live loop's channel and allocator (so the allocator's thread-local paths are
 * the live ones), the transport's sender with a system call that sends nothing, and a tunnel queue that
 * writes nothing. It runs on the loop's thread in slices of at most {@value #SLICE_MICROS} µs, each a task
 * of its own, so the loop serves its sockets and tunnel between two slices: a live packet waits at most one
 * slice and is never dropped for it. While the loop is busy with real traffic ({@value #BUSY_PACKETS}
 * packets or more between two slices) the warm-up waits: the real traffic compiles the same path.
 */
public final class HandshakeWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeWarmUp.class);
    /** Most time one slice holds the loop. */
    static final int SLICE_MICROS = 500;
    /**
     * Live packets read between two slices from which the loop counts as busy (a full tunnel read budget by
     * default), and how long the warm-up then waits before it looks again.
     */
    static final int BUSY_PACKETS = 64;

    static final int BUSY_PAUSE_MICROS = 1_000;
    /** One peer in this many answers only our second bubble, as a peer whose first answer was lost. */
    static final int SILENT_EVERY = 4;
    /** The warm-up table's bound in synthetic peers per peer: room enough that no segment fills and evicts. */
    static final int TABLE_ROOM = 4;
    /** Handshakes per round: one lookup run of the ingress, as a recvmmsg burst would bring them. */
    static final int ROUND = PeerLookups.MAX;
    /** First handshakes, retries, renewals of trust, lapses of trust. */
    static final int PASSES = 4;
    /** The most handshakes one warm-up may run: the synthetic peers' mappings are numbered below it. */
    public static final int MAX_PEERS = 1_000_000;

    /**
     * What a warm-up did: its handshakes, how many peers its rules trusted, the bubbles it sent, the packets its
     * full queue budget refused, and how long it took.
     */
    public record Result(int handshakes, long trusted, long bubblesSent, long queueBudgetRefused, long elapsedNanos) {}

    private final int peers;
    private final Channel udp;
    private final TunQueue liveTun;
    private final PeerTableSettings tableSettings;
    private final RelaySettings settings;
    private final UdpSender.Factory discarding;
    private final Clock clock;
    /** The counters of the live path on the same loop: the warm-up steps aside while they move fast. */
    private final DataPathCounters live;

    private long liveSeen;
    private final CompletableFuture<Result> done = new CompletableFuture<>();
    private final ByteBuf[] replies = new ByteBuf[ROUND];
    // Built on the loop when the warm-up starts, used by the loop's thread only (and by close once it stopped).
    /**
     * The passes' paths: the same table and key, each on a clock further ahead ({@link #PASSES}): the first,
     * the retries, the renewal of trust, its lapse.
     */
    private final LoopPath[] paths = new LoopPath[PASSES];

    private final RelayIngress[] ingresses = new RelayIngress[PASSES];
    private final TunToUdpPath[] receivers = new TunToUdpPath[PASSES];
    private PeerTable table;
    private SyntheticPeers synthetic;
    private long started;
    /** The pass under way, and the peers it went through so far. */
    private int pass;

    private int next;

    /**
     * {@code peers} handshakes on {@code udp}'s loop, whose live path uses the same channel (the warm-up reads
     * whether it is open and writable, and takes its allocator) and the tunnel queue {@code liveTun} (of which
     * the warm-up asks only what it takes, never writing). {@code discarding} must make senders that send
     * nothing.
     */
    HandshakeWarmUp(
            int peers,
            Channel udp,
            TunQueue liveTun,
            DataPathCounters live,
            PeerTableSettings tableSettings,
            RelaySettings settings,
            UdpSender.Factory discarding,
            Clock clock) {
        if (peers < 1 || peers > MAX_PEERS) {
            throw new IllegalArgumentException("warm-up peers must be 1 to " + MAX_PEERS + ": " + peers);
        }
        this.peers = peers;
        this.udp = udp;
        this.liveTun = liveTun;
        this.tableSettings = tableSettings;
        this.settings = settings;
        this.discarding = discarding;
        this.clock = clock;
        this.live = live;
    }

    /** Starts on the loop; what {@link #result} completes with tells how it ended. Never throws into the loop. */
    void start() {
        udp.eventLoop().execute(() -> {
            try {
                table = new PeerTable(tableSettings(tableSettings, peers));
                BubbleSource source = BubbleSource.random();
                synthetic = new SyntheticPeers(settings.prefix(), source);
                // The later passes run at once, on clocks ahead, rather than seconds later: the warm-up is done
                // within a second or two of ready, before most real peers are back.
                int[] ahead = {
                    0,
                    Teredo.BUBBLE_SPACING_SECONDS,
                    Teredo.BUBBLE_SPACING_SECONDS + settings.renewTrustAfter(),
                    Teredo.BUBBLE_SPACING_SECONDS + settings.renewTrustAfter() + Teredo.TRUST_SECONDS
                };
                for (int p = 0; p < PASSES; p++) {
                    int by = ahead[p];
                    Clock passClock = by == 0 ? clock : () -> clock.nowSeconds() + by;
                    paths[p] = new LoopPath(
                            udp,
                            new WarmUpTunQueue(liveTun),
                            table,
                            source,
                            settings,
                            RelayBudgets.of(settings),
                            discarding,
                            passClock);
                    ingresses[p] = paths[p].ingress(RelayOutput.ANY_LOCAL);
                    receivers[p] = paths[p].tunReceiver();
                }
                started = System.nanoTime();
                liveSeen = livePackets();
                slice();
            } catch (RuntimeException | Error e) {
                finish(e);
            }
        });
    }

    /**
     * Completes when every handshake ran, or exceptionally when one failed, the channel closed or the relay
     * stopped first.
     */
    public CompletableFuture<Result> result() {
        return done;
    }

    /**
     * Gives back what a warm-up cut short holds (its table's queued packets, its bubble buffers). Only once the
     * loop has stopped: then nothing else touches it.
     */
    void close() {
        if (!done.isDone()) {
            finish(new IllegalStateException("the relay stopped during the warm-up"));
        }
    }

    /** Rounds for up to one slice's time, then the next slice as a new task, after the loop's I/O. */
    private void slice() {
        if (liveBusy()) {
            // Real traffic first: it compiles the same path anyway, and a warm-up slice would only delay it.
            udp.eventLoop().schedule(this::slice, BUSY_PAUSE_MICROS, TimeUnit.MICROSECONDS);
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(SLICE_MICROS);
        try {
            if (!udp.isOpen()) {
                throw new IllegalStateException("the relay's channel closed during the warm-up");
            }
            do {
                next += round(next, pass);
                if (next == peers && pass < PASSES - 1) {
                    pass++;
                    next = 0;
                }
            } while (System.nanoTime() < deadline && next < peers);
        } catch (RuntimeException | Error e) {
            // An Error too (a bug in the rules): the warm-up ends with it, its table and buffers given back,
            // rather than stay half done until the relay stops.
            finish(e);
            return;
        }
        liveSeen = livePackets();
        if (next == peers) {
            finish(null);
        } else {
            // Scheduled, not executed: a task added now would run in this same pass of the loop's task
            // queue, before its sockets are read again.
            udp.eventLoop().schedule(this::slice, 0, TimeUnit.NANOSECONDS);
        }
    }

    /** True when the live path of this loop handled a full burst or more since the last look. */
    private boolean liveBusy() {
        long seen = livePackets();
        boolean busy = seen - liveSeen >= BUSY_PACKETS;
        liveSeen = seen;
        return busy;
    }

    /** What the loop's live path has read so far, from both ends (its counters: same thread, plain reads). */
    private long livePackets() {
        return live.get(Counter.UDP_RX_PACKETS) + live.get(Counter.TUN_RX_PACKETS);
    }

    /**
     * Up to {@link #ROUND} peers from {@code from}, each step one burst as the loop would see it: a tunnel
     * packet to each, then the reply bubbles of those that answer in this pass, then a packet to each of them,
     * now trusted. In the first pass every peer is new (its packet queued, a bubble out); one in {@value
     * #SILENT_EVERY} leaves that bubble unanswered. In the second, on a clock {@value
     * Teredo#BUBBLE_SPACING_SECONDS} s ahead, a trusted peer takes its packet at once (its times move on) and a silent one gets its second bubble
     * and answers it: the retry paths a real burst takes too. In the third every peer is due for the renewal
     * of its trust and answers its bubble; in the fourth every peer's trust has lapsed, and it answers. Returns
     * the peers it went through.
     *
     * <p>Should it fail part-way (a bug's Error in the rules), each burst still ends (what the senders and the
     * tunnel path hold leaves or is dropped) and every view of the round's buffer is given back, or the buffer
     * would never be freed.
     */
    private int round(int from, int pass) {
        TunToUdpPath receiver = receivers[pass];
        RelayIngress ingress = ingresses[pass];
        int n = Math.min(ROUND, peers - from);
        ByteBuf slots = udp.alloc().directBuffer(SyntheticPeers.SLOT * n * 3);
        int answers = 0; // replies made and not yet handed to the ingress
        try {
            try {
                for (int i = 0; i < n; i++) {
                    receiver.packetRead(synthetic.tunnelPacket(SyntheticPeers.view(slots, i), from + i));
                }
            } finally {
                receiver.readComplete();
            }
            for (int i = 0; i < n; i++) {
                if (answersIn(from + i, pass)) {
                    replies[answers] = SyntheticPeers.view(slots, n + i);
                    synthetic.replyBubble(replies[answers], answers++, from + i);
                }
            }
            if (answers > 0) {
                int count = answers;
                answers = 0; // the ingress owns them now, even should it throw
                try {
                    ingress.receive(
                            replies, synthetic.ipv4, synthetic.port, count); // trusted, what waited for them released
                } finally {
                    ingress.burstEnd();
                }
                try {
                    for (int i = 0; i < n; i++) {
                        if (answersIn(from + i, pass)) {
                            receiver.packetRead(
                                    synthetic.tunnelPacket(SyntheticPeers.view(slots, 2 * n + i), from + i));
                        }
                    }
                } finally {
                    receiver.readComplete();
                }
            }
        } finally {
            for (int i = 0; i < answers; i++) {
                replies[i].release();
            }
            Arrays.fill(replies, null);
            slots.release();
        }
        return n;
    }

    /**
     * The live table's settings for {@code peers} synthetic peers. Its bound is a few times theirs, not the live
     * one: where the host grants huge pages, the slots of a table of 32 MiB or more are committed 2 MiB at a time, so
     * 20,000 peers spread over every segment of a 4 M-peer table held all of its 179 MB (46 MB at the default
     * 1 M) until the table was collected. Its queue budget is one that the silent peers of the first half of
     * the first pass fill (they hold their queues until the second pass): the second half takes the path of a
     * burst larger than the budget, its packets refused, as a real burst of new peers takes it. Its first use
     * in a live burst threw out C2's code for the tunnel-to-UDP path as well.
     */
    static PeerTableSettings tableSettings(PeerTableSettings live, int peers) {
        return new PeerTableSettings(
                Math.min(live.maxPeers(), TABLE_ROOM * peers),
                live.segments(),
                live.idleSeconds(),
                live.queueBytesPerPeer(),
                Math.max(1, Math.min(live.maxQueuedPeers(), peers / (2 * SILENT_EVERY))));
    }

    /**
     * Whether {@code peer} answers our bubble in this pass: in the first unless it is one of the silent ones, in
     * the second if it is; in the renewal and lapse passes every peer answers.
     */
    private static boolean answersIn(int peer, int pass) {
        return pass > 1 || (peer % SILENT_EVERY == SILENT_EVERY - 1) == (pass == 1);
    }

    /** Gives back the warm-up's table and buffers, then says how it went. */
    private void finish(Throwable failure) {
        try {
            for (LoopPath p : paths) {
                if (p != null) {
                    p.bubbles.close();
                }
            }
            if (table != null) {
                table.close();
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            done.completeExceptionally(failure);
            return;
        }
        // Trusted by the handshakes (the first two passes); the later passes trust them again after a lapse.
        long trusted = paths[0].counters.get(Counter.PEERS_TRUSTED) + paths[1].counters.get(Counter.PEERS_TRUSTED);
        long bubbles = 0;
        long refused = 0;
        for (LoopPath p : paths) {
            bubbles += p.counters.get(Counter.BUBBLES_TX_INDIRECT);
            refused += p.counters.dropped(DropReason.QUEUE_PEERS_FULL);
        }
        LOG.info(
                "warm-up: {} synthetic handshakes in {} ms, {} peers trusted",
                next,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                trusted);
        done.complete(new Result(next, trusted, bubbles, refused, System.nanoTime() - started));
    }
}
