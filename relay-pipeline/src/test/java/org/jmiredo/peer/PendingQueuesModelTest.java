package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;

/**
 * The segment's pending queues (interleaved tables, no object per queue) against a HashMap of lists: random
 * adds, offers, drains and discards over 48 keys whose hashes take only 6 values, so probe runs are long,
 * wrap around, cross resizes (8 to 64 entries) and are cut by backward shifts all the time.
 */
class PendingQueuesModelTest {
    private static final int KEYS = 48;
    private static final long HI = Peers.hi(0xC0000201);
    /** One to a few of the ops' packets (0 to 300 bytes, charged their length and heap) and the queue's own. */
    private static final int LIMIT = QueueCharge.PER_QUEUE + 2 * QueueCharge.PER_PACKET + 400;

    enum Kind {
        OFFER,
        DRAIN,
        DISCARD
    }

    record Op(Kind kind, int key, int length) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                        Arbitraries.of(Kind.class),
                        Arbitraries.integers().between(0, KEYS - 1),
                        Arbitraries.integers().between(0, 300))
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(400);
    }

    /** Colliding hashes; the high bits differ so that a longer array spreads them again. */
    private static long hash(int key) {
        return (key % 6) * 0x9E37_79B9L + ((long) key << 40);
    }

    @Property(tries = 300)
    void queuesBehaveLikeTheModel(@ForAll("ops") List<Op> ops) {
        PendingQueues queues = new PendingQueues();
        Map<Integer, List<ByteBuf>> model = new HashMap<>();
        Map<Integer, Integer> charged = new HashMap<>();
        List<ByteBuf> created = new ArrayList<>();
        try {
            for (Op op : ops) {
                long lo = Peers.lo(op.key() + 1);
                long hash = hash(op.key());
                switch (op.kind()) {
                    case OFFER -> {
                        ByteBuf packet = Unpooled.directBuffer(op.length()).writeZero(op.length());
                        created.add(packet);
                        int i = queues.find(HI, lo, hash);
                        if (i < 0) {
                            i = queues.add(HI, lo, hash);
                            model.put(op.key(), new ArrayList<>());
                            charged.put(op.key(), QueueCharge.PER_QUEUE);
                        }
                        int cost = op.length() + QueueCharge.PER_PACKET; // an unpooled buffer's slot is its length
                        boolean fits = charged.get(op.key()) + cost <= LIMIT;
                        assertThat(queues.offer(i, packet, LIMIT)).isEqualTo(fits);
                        if (fits) {
                            model.get(op.key()).add(packet);
                            charged.merge(op.key(), cost, Integer::sum);
                        } else {
                            packet.release();
                        }
                    }
                    case DRAIN -> {
                        List<ByteBuf> out = new ArrayList<>();
                        List<ByteBuf> expected = model.remove(op.key());
                        charged.remove(op.key());
                        assertThat(queues.drain(HI, lo, hash, out::add)).isEqualTo(out.size());
                        assertThat(out).containsExactlyElementsOf(expected == null ? List.of() : expected);
                        assertThat(out).allSatisfy(b -> assertThat(b.refCnt()).isOne()); // the sink owns them
                        out.forEach(ByteBuf::release);
                    }
                    case DISCARD -> {
                        List<ByteBuf> expected = model.remove(op.key());
                        charged.remove(op.key());
                        assertThat(queues.discard(HI, lo, hash)).isEqualTo(expected == null ? 0 : expected.size());
                        if (expected != null) {
                            assertThat(expected)
                                    .allSatisfy(b -> assertThat(b.refCnt()).isZero());
                        }
                    }
                }
                assertThat(queues.count()).isEqualTo(model.size());
                assertThat(queues.chargedBytes())
                        .isEqualTo(charged.values().stream().mapToLong(c -> c).sum());
                for (int key = 0; key < KEYS; key++) {
                    assertThat(queues.find(HI, Peers.lo(key + 1), hash(key)) >= 0)
                            .isEqualTo(model.containsKey(key));
                }
            }
            int held = model.values().stream().mapToInt(List::size).sum();
            assertThat(queues.releaseAll()).isEqualTo(held);
            assertThat(queues.count()).isZero();
            assertThat(queues.chargedBytes()).isZero();
            assertThat(created).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        } finally {
            queues.releaseAll();
        }
    }

    @Test
    void aThrowingSinkLeavesNothingHeld() {
        PendingQueues queues = new PendingQueues();
        List<ByteBuf> created = new ArrayList<>();
        long lo = Peers.lo(1);
        int i = queues.add(HI, lo, hash(0));
        for (int n = 0; n < 3; n++) {
            ByteBuf packet = Unpooled.directBuffer(10).writeZero(10);
            created.add(packet);
            assertThat(queues.offer(i, packet, LIMIT)).isTrue();
        }
        List<ByteBuf> got = new ArrayList<>();
        assertThatThrownBy(() -> queues.drain(HI, lo, hash(0), b -> {
                    got.add(b);
                    throw new IllegalStateException("sink failed");
                }))
                .hasMessage("sink failed");
        // The queue is gone, the sink owns what it got, and what it never took is released.
        assertThat(queues.count()).isZero();
        assertThat(got).containsExactly(created.get(0));
        got.forEach(ByteBuf::release);
        assertThat(created).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }
}
