package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Two threads (two event loops) hammer overlapping keys in few segments while the tables grow, entries
 * churn and queues fill and drain: no update is lost, the structure stays consistent, nothing leaks.
 */
class PeerTableConcurrencyTest {
    private static final int COUNTED = 500;
    private static final int CHURN = 500;
    private static final int ROUNDS = 200_000;
    private static final long HI = Peers.hi(0xCB007101);

    @Test
    void noLostUpdatesNoCorruption() throws Exception {
        PeerTable table = Peers.table(new PeerTableSettings(4096, 2, 1_000_000, 2000, 100));
        ConcurrentLinkedQueue<ByteBuf> created = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            long seed = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    hammer(table, new SplittableRandom(seed), created);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(120_000);
            assertThat(thread.isAlive()).isFalse();
        }
        assertThat(failure.get()).isNull();

        table.checkInvariants();
        long sum = 0;
        for (int n = 0; n < COUNTED; n++) {
            long lo = Peers.lo(n);
            sum += Peers.locked(table, HI, lo, s -> s.mappedIpv4(s.find(HI, lo)));
        }
        assertThat(sum).isEqualTo(2L * ROUNDS);
        assertThat(table.evictions()).isZero();
        table.close();
        assertThat(created).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(table.queuedPeers()).isZero();
    }

    private static void hammer(PeerTable table, SplittableRandom random, ConcurrentLinkedQueue<ByteBuf> created) {
        List<ByteBuf> drained = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            long lo = Peers.lo(random.nextInt(COUNTED));
            PeerTable.Segment s = table.segment(HI, lo);
            s.lock();
            try {
                int slot = s.find(HI, lo);
                if (slot < 0) {
                    slot = s.insert(HI, lo, i);
                }
                s.setMapping(slot, s.mappedIpv4(slot) + 1, 3544, 0); // read-modify-write under the lock
                s.touch(slot, i);
            } finally {
                s.unlock();
            }
            churn(table, Peers.lo(COUNTED + random.nextInt(CHURN)), random.nextInt(4), created, drained);
            if ((i & 1023) == 0) {
                table.expire(i); // nothing is idle that long; exercises the sweep's locking
            }
        }
    }

    private static void churn(
            PeerTable table, long lo, int action, ConcurrentLinkedQueue<ByteBuf> created, List<ByteBuf> drained) {
        PeerTable.Segment s = table.segment(HI, lo);
        s.lock();
        try {
            int slot = s.find(HI, lo);
            if (slot < 0) {
                s.insert(HI, lo, 0);
            } else if (action == 0) {
                s.remove(slot);
            } else if (action == 1) {
                s.drainQueue(slot, drained::add);
            } else {
                ByteBuf packet = Unpooled.buffer(100).writeZero(100);
                created.add(packet);
                if (!s.enqueue(slot, packet)) {
                    packet.release();
                }
            }
        } finally {
            s.unlock();
        }
        drained.forEach(ByteBuf::release);
        drained.clear();
    }
}
