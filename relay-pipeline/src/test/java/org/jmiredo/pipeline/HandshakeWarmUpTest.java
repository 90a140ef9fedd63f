package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Teredo;
import org.jmiredo.testing.TrackingAllocator;
import org.junit.jupiter.api.Test;

/**
 * The warm-up through one relay loop driven by hand ({@link RelayHarness}): real handshakes through the loop's
 * rules, and nothing of them on the loop's socket, tunnel, peer table or counters.
 */
class HandshakeWarmUpTest {
    /**
     * What the warm-up's senders were given: datagrams by destination, each counted as sent and released as a
     * sender must.
     */
    private final Map<String, Integer> discarded = new HashMap<>();

    private final List<ByteBuf> payloads = new ArrayList<>();
    private final UdpSender.Factory discarding = (udp, counters) -> new UdpSender() {
        @Override
        public void add(ByteBuf payload, int ipv4, int port, Counter kind) {
            counters.sent(kind, payload.readableBytes()); // as a sender counts what the kernel takes
            discarded.merge(Ipv4.toString(ipv4) + ":" + port, 1, Integer::sum);
            payloads.add(payload);
            payload.release();
        }

        @Override
        public void flush() {}
    };

    @Test
    void everyHandshakeIsCompletedOnItsOwnTableAndNothingReachesTheLivePath() {
        try (RelayHarness h = new RelayHarness()) {
            HandshakeWarmUp warmUp = h.dataPath.warmUp(3_000, discarding);
            int passes = runLoop(h, warmUp);

            HandshakeWarmUp.Result r = warmUp.result().join();
            assertThat(r.handshakes()).isEqualTo(3_000);
            assertThat(r.trusted())
                    .as("every synthetic peer answered and was trusted")
                    .isEqualTo(3_000);
            // The 750 silent peers (one in four) had a second bubble, the bubble spacing after the first; then
            // every peer one to renew its trust, and one when its trust lapsed.
            assertThat(r.bubblesSent()).isEqualTo(3_750 + 2 * 3_000);
            assertThat(discarded.get("192.0.2.1:" + Teredo.SERVICE_PORT)).isEqualTo(3_750 + 2 * 3_000);
            // Peer 7 (port 1024, 192.0.2.7) is silent: its two queued packets at its answer, one more once
            // trusted; peer 6 answers at once: the released packet and one more, then one in the second pass.
            // Then each: two packets directly in the renewal pass (the first with the bubble), and in the lapse
            // pass the queued packet released by the answer and one more.
            assertThat(discarded.get("192.0.2.7:1024")).isEqualTo(3 + 2 + 2);
            assertThat(discarded.get("192.0.2.6:1024")).isEqualTo(3 + 2 + 2);
            // The silent peers fill the queue budget (375 here) halfway through the first pass: from then on
            // a new peer's packet is refused, as in a burst larger than the live budget, and none is released.
            assertThat(r.queueBudgetRefused()).isBetween(1_000L, 2_000L);
            assertThat(sentSoFar()).isEqualTo(3_750 + 2 * 3_000 + 3 * 3_000 - r.queueBudgetRefused() + 4 * 3_000);
            assertThat(payloads).allMatch(b -> b.refCnt() == 0);
            assertThat(passes)
                    .as("the loop ran its own tasks between the warm-up's slices")
                    .isGreaterThan(1);

            assertThat(h.allSentUdp()).as("the live socket").isEmpty();
            assertThat(h.tunWritten).as("the live tunnel").isEmpty();
            assertThat(h.dataPath.peers().size()).as("the live peer table").isZero();
            for (Counter c : Counter.values()) {
                assertThat(h.count(c)).as("live counter %s", c).isZero();
            }
            for (DropReason d : DropReason.values()) {
                assertThat(h.dropped(d)).as("live drops %s", d).isZero();
            }
        }
    }

    @Test
    void theLiveLoopHandlesItsOwnTrafficBetweenSlicesAndAfter() {
        try (RelayHarness h = new RelayHarness()) {
            HandshakeWarmUp warmUp = h.dataPath.warmUp(5_000, discarding);
            h.udp.runPendingTasks(); // the start and the first slice
            assertThat(warmUp.result())
                    .as("one slice holds the loop for at most %d µs", HandshakeWarmUp.SLICE_MICROS)
                    .isNotDone();
            long[] peer = RelayHarness.teredo("198.51.100.1", 0, "198.51.100.9", 40_000);
            long[] host = RelayHarness.v6("2001:db8::2");
            h.readTun(RelayHarness.ipv6(host, peer, 40)); // a live new peer meanwhile: its bubble leaves at once
            DatagramPacket bubble = h.sentUdp();
            assertThat(bubble.recipient().getPort()).isEqualTo(Teredo.SERVICE_PORT);
            bubble.release();
            runLoop(h, warmUp);

            assertThat(warmUp.result().join().trusted()).isEqualTo(5_000);
            assertThat(h.dataPath.peers().size()).as("only the live peer").isEqualTo(1);
            assertThat(h.count(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(1);
            assertThat(h.count(Counter.QUEUED_PACKETS)).isEqualTo(1);
        }
    }

    @Test
    void itWaitsWhileTheLoopIsBusyWithRealTraffic() {
        try (RelayHarness h = new RelayHarness()) {
            HandshakeWarmUp warmUp = h.dataPath.warmUp(5_000, discarding);
            h.udp.runPendingTasks();
            int before = sentSoFar();
            assertThat(before).isPositive();
            List<ByteBuf> burst = new ArrayList<>();
            String[] senders = new String[HandshakeWarmUp.BUSY_PACKETS];
            for (int i = 0; i < senders.length; i++) {
                burst.add(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1, 2, 3})); // not Teredo: dropped
                senders[i] = "198.51.100.9:" + (4000 + i);
            }
            h.receiveUdpBurst(burst, senders); // a full burst of live traffic between two slices
            h.udp.runPendingTasks();
            assertThat(sentSoFar()).as("no slice right after a busy stretch").isEqualTo(before);

            runLoop(h, warmUp);
            assertThat(warmUp.result().join().trusted())
                    .as("it goes on once the loop is quiet")
                    .isEqualTo(5_000);
        }
    }

    @Test
    void theRelayStoppingCutsItShortAndGivesEverythingBack() {
        RelayHarness h = new RelayHarness();
        HandshakeWarmUp warmUp = h.dataPath.warmUp(5_000, discarding);
        h.udp.runPendingTasks();
        h.close(); // queued packets and bubble buffers released: the leak detector (paranoid) would say otherwise
        assertThat(warmUp.result()).isCompletedExceptionally();
        assertThat(payloads).allMatch(b -> b.refCnt() == 0);
    }

    /**
     * A bug's Error part-way through a round (here a sender's, at its 40th datagram: in the middle of a read
     * of reply bubbles) ends the warm-up with that Error, its table, buffers and every view of the round's
     * buffer given back, and what its sender held flushed: nothing of it waits for the relay to stop.
     */
    @Test
    void aFailurePartWayEndsItAndGivesEverythingBack() {
        TrackingAllocator allocator = new TrackingAllocator();
        List<ByteBuf> held = new ArrayList<>();
        int[] added = {0};
        // As the relay's own sender: it holds each datagram until the burst's flush.
        UdpSender.Factory failing = (udp, counters) -> new UdpSender() {
            @Override
            public void add(ByteBuf payload, int ipv4, int port, Counter kind) {
                if (++added[0] == 40) {
                    payload.release();
                    throw new AssertionError("sender bug");
                }
                held.add(payload);
            }

            @Override
            public void flush() {
                held.forEach(ByteBuf::release);
                held.clear();
            }
        };
        RelayHarness h = new RelayHarness();
        h.udp.config().setAllocator(allocator); // the warm-up's buffers: its round's, its bubbles, its queues
        HandshakeWarmUp warmUp = h.dataPath.warmUp(3_000, failing);
        runLoop(h, warmUp);

        assertThat(warmUp.result())
                .as("ended by the failure, not left half done")
                .isCompletedExceptionally();
        assertThatThrownBy(() -> warmUp.result().join()).hasRootCauseMessage("sender bug");
        assertThat(held).as("the burst's datagrams were flushed").isEmpty();
        h.close();
        allocator.assertAllReleased();
    }

    @Test
    void peerCountsOutsideItsBoundsAreRefused() {
        try (RelayHarness h = new RelayHarness()) {
            assertThatThrownBy(() -> h.dataPath.warmUp(0, discarding)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> h.dataPath.warmUp(HandshakeWarmUp.MAX_PEERS + 1, discarding))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private int sentSoFar() {
        return discarded.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Runs the loop's tasks until the warm-up is done; returns the passes it took. */
    @Test
    void itsTableIsBoundByItsOwnPeersNotByTheLiveTable() {
        PeerTableSettings live = new PeerTableSettings(4_194_304, 256, 30, 4_096, 16_384);
        assertThat(HandshakeWarmUp.tableSettings(live, 20_000).maxPeers()).isEqualTo(80_000);
        PeerTableSettings small = new PeerTableSettings(10_000, 256, 30, 4_096, 16_384);
        assertThat(HandshakeWarmUp.tableSettings(small, 20_000).maxPeers()).isEqualTo(10_000);
    }

    @Test
    void onceDoneNothingOfTheRelayHoldsItOrItsTable() throws InterruptedException {
        try (RelayHarness h = new RelayHarness()) {
            WeakReference<HandshakeWarmUp> done = runToTheEnd(h, 2_000);
            for (int i = 0; i < 100 && done.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(done.get())
                    .as("the finished warm-up (and the mapping of its table) can be collected")
                    .isNull();
        }
    }

    private WeakReference<HandshakeWarmUp> runToTheEnd(RelayHarness h, int peers) {
        HandshakeWarmUp warmUp = h.dataPath.warmUp(peers, discarding);
        runLoop(h, warmUp);
        assertThat(warmUp.result().join().trusted()).isEqualTo(peers);
        return new WeakReference<>(warmUp);
    }

    private static int runLoop(RelayHarness h, HandshakeWarmUp warmUp) {
        int passes = 0;
        long give = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!warmUp.result().isDone() && System.nanoTime() < give) {
            h.udp.runPendingTasks();
            passes++;
        }
        return passes;
    }
}
