package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random operation sequences against a HashMap reference model (R-5.2-listmgmt, R-7.3.5-state,
 * R-5.4.1-limit, R-5.4.1-delete). Tables are tiny (8 to 32 slots per segment) and keys share their high
 * word, so probe runs are long, wrap around and are cut by backward shifts all the time.
 */
class PeerTableModelTest {
    private static final int KEYS = 40;
    private static final int MAX_PEERS = 24;
    private static final int IDLE = 30;
    /** Two to four of the model's packets (0 to 199 bytes, charged their length and heap) and the queue's own. */
    private static final int QUEUE_BYTES = QueueCharge.PER_QUEUE + 2 * QueueCharge.PER_PACKET + 300;

    private static final int QUEUED_PEERS = 3;

    enum Kind {
        INSERT,
        REMOVE,
        TOUCH,
        RX,
        BUBBLE,
        MAP,
        TRUST,
        ENQUEUE,
        DRAIN,
        TICK,
        EXPIRE
    }

    record Op(Kind kind, int key, int value) {}

    /** What the model knows about one entry. */
    static final class Entry {
        int ipv4;
        int port;
        boolean trusted;
        int lastRx;
        int lastBubble;
        int bubbles;
        int lastActive;
        final List<ByteBuf> queue = new ArrayList<>();
        int queueBytes;
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                        Arbitraries.of(Kind.class), Arbitraries.integers().between(0, KEYS - 1), Arbitraries.integers())
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 300)
    void tableBehavesLikeTheModel(@ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 0, max = 2) int segmentBits) {
        PeerTable table =
                Peers.table(new PeerTableSettings(MAX_PEERS, 1 << segmentBits, IDLE, QUEUE_BYTES, QUEUED_PEERS));
        Run run = new Run(table);
        try {
            for (Op op : ops) {
                run.apply(op);
                table.checkInvariants();
                run.compareLookups();
                assertThat(table.size()).isEqualTo(run.model.size());
                assertThat(table.queuedPeers()).isEqualTo(run.queued());
                assertThat(table.queuedBytes())
                        .isEqualTo(run.model.values().stream()
                                .mapToLong(e -> e.queueBytes)
                                .sum());
                assertThat(table.queueDiscards()).isEqualTo(run.discards);
            }
        } finally {
            table.close();
        }
        assertThat(run.created).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    private static final class Run {
        final PeerTable table;
        final Map<Integer, Entry> model = new HashMap<>();
        final List<ByteBuf> created = new ArrayList<>();
        final long[] his = new long[KEYS];
        final long[] los = new long[KEYS];
        int now;
        long discards;
        int queuesCheckedAt = -1;

        Run(PeerTable table) {
            this.table = table;
            for (int k = 0; k < KEYS; k++) {
                his[k] = Peers.hi(k % 3 + 1); // many keys share a high word, as peers behind one server do
                los[k] = Peers.lo(k);
            }
        }

        int queued() {
            return (int) model.values().stream().filter(e -> !e.queue.isEmpty()).count();
        }

        void apply(Op op) {
            switch (op.kind()) {
                case TICK -> now += Math.floorMod(op.value(), 16);
                case EXPIRE -> expire();
                case INSERT -> insert(op.key());
                default -> {
                    int k = op.key();
                    PeerTable.Segment s = table.segment(his[k], los[k]);
                    s.lock();
                    try {
                        int slot = s.find(his[k], los[k]);
                        assertThat(slot >= 0).as("key %d present", k).isEqualTo(model.containsKey(k));
                        if (slot >= 0) {
                            update(s, slot, model.get(k), op);
                            if (model.containsKey(k)) {
                                compare(s, s.find(his[k], los[k]), model.get(k));
                            }
                        }
                    } finally {
                        s.unlock();
                    }
                }
            }
        }

        private void insert(int k) {
            PeerTable.Segment s = table.segment(his[k], los[k]);
            List<Integer> sameSegment = model.keySet().stream()
                    .filter(other -> table.segment(his[other], los[other]) == s)
                    .toList();
            s.lock();
            try {
                if (s.find(his[k], los[k]) >= 0) {
                    return;
                }
                compare(s, s.insert(his[k], los[k], now), fresh(k));
                List<Integer> gone = sameSegment.stream()
                        .filter(o -> s.find(his[o], los[o]) < 0)
                        .toList();
                // Evicts exactly when the segment held its share, and then exactly one other entry.
                assertThat(gone).hasSize(sameSegment.size() == s.share ? 1 : 0);
                gone.forEach(this::dropFromModel);
            } finally {
                s.unlock();
            }
        }

        private Entry fresh(int k) {
            Entry e = new Entry();
            e.lastActive = now;
            model.put(k, e);
            return e;
        }

        private void update(PeerTable.Segment s, int slot, Entry e, Op op) {
            int v = op.value();
            switch (op.kind()) {
                case REMOVE -> {
                    s.remove(slot);
                    dropFromModel(op.key());
                }
                case TOUCH -> {
                    s.touch(slot, now);
                    e.lastActive = Math.max(e.lastActive, now);
                }
                case RX -> {
                    s.setLastRx(slot, now);
                    e.lastRx = now;
                    e.lastActive = Math.max(e.lastActive, now);
                }
                case BUBBLE -> {
                    s.setBubbles(slot, now, v & 7);
                    e.lastBubble = now;
                    e.bubbles = v & 7;
                    e.lastActive = Math.max(e.lastActive, now);
                }
                case MAP -> {
                    s.setMapping(slot, v, v >>> 16, 0);
                    e.ipv4 = v;
                    e.port = v >>> 16;
                }
                case TRUST -> {
                    s.setTrusted(slot, (v & 1) == 1);
                    e.trusted = (v & 1) == 1;
                }
                case ENQUEUE -> enqueue(s, slot, e, Math.floorMod(v, 200));
                case DRAIN -> {
                    List<ByteBuf> out = new ArrayList<>();
                    assertThat(s.drainQueue(slot, out::add)).isEqualTo(e.queue.size());
                    assertThat(out).containsExactlyElementsOf(e.queue);
                    out.forEach(ByteBuf::release);
                    e.queue.clear();
                    e.queueBytes = 0;
                }
                default -> throw new AssertionError(op);
            }
        }

        private void enqueue(PeerTable.Segment s, int slot, Entry e, int length) {
            ByteBuf packet = Unpooled.buffer(length).writeZero(length);
            created.add(packet);
            int cost = length + QueueCharge.PER_PACKET; // an unpooled buffer's slot is its length
            boolean expected = e.queue.isEmpty()
                    ? QueueCharge.PER_QUEUE + cost <= QUEUE_BYTES && queued() < QUEUED_PEERS
                    : e.queueBytes + cost <= QUEUE_BYTES;
            boolean taken = s.enqueue(slot, packet);
            assertThat(taken).isEqualTo(expected);
            if (taken) {
                e.queueBytes += (e.queue.isEmpty() ? QueueCharge.PER_QUEUE : 0) + cost;
                e.queue.add(packet);
            } else {
                packet.release();
            }
        }

        private void expire() {
            // These tables are smaller than one sweep budget, so one call is one whole lap.
            assertThat(table.sweepBudget()).isEqualTo(table.allocatedSlots());
            List<Integer> idle = model.entrySet().stream()
                    .filter(en -> now - en.getValue().lastActive > IDLE)
                    .map(Map.Entry::getKey)
                    .toList();
            boolean queued = queued() > 0;
            assertThat(table.expire(now)).isEqualTo(idle.size());
            idle.forEach(this::dropFromModel);
            if (queued && now != queuesCheckedAt) {
                // The first call of a second also releases the queues left unanswered (QUEUE_WAIT_SECONDS).
                queuesCheckedAt = now;
                for (Entry e : model.values()) {
                    if (!e.queue.isEmpty() && now - e.lastBubble > PeerTable.QUEUE_WAIT_SECONDS) {
                        discards += e.queue.size();
                        assertThat(e.queue)
                                .allSatisfy(b -> assertThat(b.refCnt()).isZero());
                        e.queue.clear();
                        e.queueBytes = 0;
                    }
                }
            }
            for (int k : model.keySet()) {
                assertThat(Peers.contains(table, his[k], los[k])).isTrue();
            }
        }

        /** The lock-free burst lookups of every key see exactly what the model holds, and are current. */
        void compareLookups() {
            PeerLookups burst = new PeerLookups(table);
            for (int from = 0; from < KEYS; from += PeerLookups.MAX) {
                burst.clear();
                for (int k = from; k < Math.min(KEYS, from + PeerLookups.MAX); k++) {
                    assertThat(burst.add(his[k], los[k])).isEqualTo(k - from);
                }
                burst.run();
                for (int k = from; k < Math.min(KEYS, from + PeerLookups.MAX); k++) {
                    int j = k - from;
                    assertThat(burst.current(j))
                            .as("nothing wrote since the lookup")
                            .isTrue();
                    assertThat(burst.hash(j)).isEqualTo(table.hash(his[k], los[k]));
                    assertThat(burst.present(j)).as("lookup of key %d", k).isEqualTo(model.containsKey(k));
                    if (burst.present(j)) {
                        Entry e = model.get(k);
                        assertThat(burst.mappedIpv4(j)).isEqualTo(e.ipv4);
                        assertThat(burst.mappedPort(j)).isEqualTo(e.port);
                        assertThat(burst.trusted(j)).isEqualTo(e.trusted);
                    }
                }
            }
        }

        private void dropFromModel(int k) {
            Entry e = model.remove(k);
            discards += e.queue.size();
            assertThat(e.queue).allSatisfy(b -> assertThat(b.refCnt()).isZero()); // R-5.4.1-delete
        }

        private void compare(PeerTable.Segment s, int slot, Entry e) {
            assertThat(s.mappedIpv4(slot)).isEqualTo(e.ipv4);
            assertThat(s.mappedPort(slot)).isEqualTo(e.port);
            assertThat(s.trusted(slot)).isEqualTo(e.trusted);
            assertThat(s.lastRx(slot)).isEqualTo(e.lastRx);
            assertThat(s.lastBubble(slot)).isEqualTo(e.lastBubble);
            assertThat(s.bubbleCount(slot)).isEqualTo(e.bubbles);
            assertThat(s.hasQueue(slot)).isEqualTo(!e.queue.isEmpty());
        }
    }
}
