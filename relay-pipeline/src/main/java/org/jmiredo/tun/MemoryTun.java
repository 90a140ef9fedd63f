package org.jmiredo.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory TUN queue for tests. {@link #write} records a copy of each packet the data path writes;
 * {@link #inject} plays packets "read from the device" into the {@link TunReceiver} the test attached, as one
 * burst: {@code packetRead} for each, then one {@code readComplete}, on the given executor (the loop that
 * owns the queue, as on the real device) or inline.
 *
 * <p>Injected packets sit in direct buffers with {@link #HEADROOM} free bytes before the reader index, as the
 * real device reads them, so code that prepends a header in place is exercised too.
 *
 * <p>In segmented mode ({@link #setSegmentedWrites}) it also takes GSO super-packets, recorded apart, as
 * they came ({@link #drainSuperPackets}): cutting them into segments is the kernel's job, which tests model.
 *
 * <p>Thread safety: writes may come from a loop thread while the test thread reads the record.
 */
public final class MemoryTun implements TunQueue {
    /** Free bytes in front of each injected packet (the real Linux TUN queue leaves the same). */
    public static final int HEADROOM = 8;

    private final Executor executor;
    private final ByteBufAllocator allocator;
    private final BlockingQueue<byte[]> written = new LinkedBlockingQueue<>();
    private final BlockingQueue<SuperPacket> superPackets = new LinkedBlockingQueue<>();
    private volatile boolean segmented;
    private volatile TunReceiver receiver;
    private volatile boolean accepting = true;

    /** Injects inline on the calling thread; buffers from the default (pooled, leak-tracked) allocator. */
    public MemoryTun() {
        this(Runnable::run, ByteBufAllocator.DEFAULT);
    }

    /** Injects on {@code executor}, e.g. the event loop of the UDP channel this queue is paired with. */
    public MemoryTun(Executor executor) {
        this(executor, ByteBufAllocator.DEFAULT);
    }

    public MemoryTun(Executor executor, ByteBufAllocator allocator) {
        this.executor = executor;
        this.allocator = allocator;
    }

    /** Sets where injected packets go (what the transport would register the real queue with). */
    public MemoryTun attach(TunReceiver tunReceiver) {
        this.receiver = tunReceiver;
        return this;
    }

    /** Simulates a device that refuses writes (down, or full): {@link #write} then returns false. */
    public void setAccepting(boolean accept) {
        this.accepting = accept;
    }

    /** Records a copy of the packet's readable bytes; never releases {@code packet} (the caller owns it). */
    @Override
    public boolean write(ByteBuf packet) {
        if (!accepting || !packet.isReadable()) {
            return false;
        }
        written.add(ByteBufUtil.getBytes(packet));
        return true;
    }

    /** One super-packet given to {@link #writeSegmented}: its bytes and the GSO parameters. */
    public record SuperPacket(byte[] bytes, int protocol, int segmentSize) {}

    /** Whether the queue claims to take GSO super-packets; set it before the data path is wired to the queue. */
    public void setSegmentedWrites(boolean takesSuperPackets) {
        this.segmented = takesSuperPackets;
    }

    @Override
    public boolean segmentedWrites() {
        return segmented;
    }

    /** In segmented mode this queue takes UDP super-packets too (a kernel with USO). */
    @Override
    public boolean segmentedUdpWrites() {
        return segmented;
    }

    /** Records a copy of the super-packet; never releases it. */
    @Override
    public boolean writeSegmented(ByteBuf superPacket, int protocol, int segmentSize) {
        if (!segmented) {
            throw new IllegalStateException("a super-packet written to a queue that takes none");
        }
        if (!accepting) {
            return false;
        }
        superPackets.add(new SuperPacket(ByteBufUtil.getBytes(superPacket), protocol, segmentSize));
        return true;
    }

    /** Removes and returns every super-packet written so far, oldest first. */
    public List<SuperPacket> drainSuperPackets() {
        List<SuperPacket> out = new ArrayList<>();
        superPackets.drainTo(out);
        return out;
    }

    /** The next written packet, waiting up to {@code timeout}; null if none came. */
    public byte[] pollWritten(long timeout, TimeUnit unit) throws InterruptedException {
        return written.poll(timeout, unit);
    }

    /** The next written packet, or null; does not wait. */
    public byte[] pollWritten() {
        return written.poll();
    }

    /** Removes and returns every packet written so far, oldest first. */
    public List<byte[]> drainWritten() {
        List<byte[]> out = new ArrayList<>();
        written.drainTo(out);
        return out;
    }

    /** Packets written and not yet polled. */
    public int writtenCount() {
        return written.size();
    }

    /**
     * Delivers {@code packets} to the attached receiver as one read burst (each packet copied into its own
     * direct buffer with {@link #HEADROOM}; the receiver owns and releases them), then {@code readComplete()}.
     *
     * @throws IllegalStateException if no receiver is attached
     */
    public void inject(byte[]... packets) {
        TunReceiver target = receiver;
        if (target == null) {
            throw new IllegalStateException("attach a TunReceiver before injecting packets");
        }
        executor.execute(() -> {
            for (byte[] packet : packets) {
                ByteBuf buf = allocator.directBuffer(HEADROOM + packet.length);
                buf.setIndex(HEADROOM, HEADROOM);
                buf.writeBytes(packet);
                target.packetRead(buf);
            }
            target.readComplete();
        });
    }
}
