package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jmiredo.tun.TunReceiver;
import org.jmiredo.tun.offload.OffloadDrop;

/** A {@link TunReceiver} for tests: copies and releases each packet, noting its thread and each burst's size. */
public final class RecordingReceiver implements TunReceiver {
    /**
     * One packet as it arrived: its bytes, where its reader index was, its buffer's capacity, which thread,
     * whether on the loop.
     */
    public record Seen(byte[] bytes, int readerIndex, int capacity, String thread, boolean onExpectedLoop, int queue) {
        public ByteBuf view() {
            return Unpooled.wrappedBuffer(bytes);
        }
    }

    private final EventLoop expectedLoop;
    private final int queue;
    private final BlockingQueue<Seen> seen;
    private final List<Integer> bursts = new ArrayList<>();
    private int currentBurst;

    /** @param expectedLoop the loop calls must come from (null: any); {@code shared} may collect several queues */
    public RecordingReceiver(EventLoop expectedLoop, int queue, BlockingQueue<Seen> shared) {
        this.expectedLoop = expectedLoop;
        this.queue = queue;
        this.seen = shared;
    }

    public RecordingReceiver(EventLoop expectedLoop) {
        this(expectedLoop, 0, new LinkedBlockingQueue<>());
    }

    @Override
    public void packetRead(ByteBuf packet) {
        try {
            boolean onLoop = expectedLoop == null || expectedLoop.inEventLoop();
            seen.add(new Seen(
                    ByteBufUtil.getBytes(packet),
                    packet.readerIndex(),
                    packet.capacity(),
                    Thread.currentThread().getName(),
                    onLoop,
                    queue));
            currentBurst++;
        } finally {
            packet.release();
        }
    }

    private final AtomicInteger oversized = new AtomicInteger();

    @Override
    public void oversizedPacketDropped() {
        oversized.incrementAndGet();
    }

    /** Packets the queue dropped because they did not fit its buffers. */
    public int oversized() {
        return oversized.get();
    }

    private final AtomicInteger notIpv6 = new AtomicInteger();

    @Override
    public void notIpv6Dropped() {
        notIpv6.incrementAndGet();
    }

    /** Reads a BSD tunnel dropped as not IPv6 (another address family in the header, or too short). */
    public int notIpv6() {
        return notIpv6.get();
    }

    private final AtomicInteger offloadDrops = new AtomicInteger();

    @Override
    public void offloadDropped(OffloadDrop reason) {
        offloadDrops.incrementAndGet();
    }

    /** Reads with a virtio header the queue could not deliver (malformed or unsupported). */
    public int offloadDrops() {
        return offloadDrops.get();
    }

    @Override
    public void readComplete() {
        synchronized (bursts) {
            bursts.add(currentBurst);
        }
        currentBurst = 0;
    }

    /** The sizes of the bursts completed so far. */
    public List<Integer> bursts() {
        synchronized (bursts) {
            return List.copyOf(bursts);
        }
    }

    /** The packets seen and not yet taken. */
    public BlockingQueue<Seen> seen() {
        return seen;
    }

    /** Waits for the next packet matching {@code wanted}, skipping others (router solicitations, …). */
    public Seen next(Predicate<ByteBuf> wanted, long timeoutMillis) throws InterruptedException {
        return next(seen, wanted, timeoutMillis);
    }

    /**
     * Waits until {@code count} packets matching {@code wanted} arrived (others are skipped), in any order;
     * returns those that came within the time.
     */
    public static List<Seen> collect(
            BlockingQueue<Seen> queue, Predicate<ByteBuf> wanted, int count, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<Seen> found = new ArrayList<>();
        while (found.size() < count) {
            Seen s = next(queue, wanted, TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())));
            if (s == null) {
                break;
            }
            found.add(s);
        }
        return found;
    }

    public static Seen next(BlockingQueue<Seen> queue, Predicate<ByteBuf> wanted, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = deadline - System.nanoTime();
            Seen s = queue.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (s == null) {
                return null;
            }
            if (wanted.test(s.view())) {
                return s;
            }
        }
    }
}
