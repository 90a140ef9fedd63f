package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import org.jmiredo.server.tun.OnLoop;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue (one fd) of a multi-queue Linux TUN device, served by one epoll event loop: the same loop as the
 * UDP channel it is paired with, so a packet read here is written to that channel inline, with no task hop.
 *
 * <p>Without offloads a {@link PlainReader} reads each packet with one read(2) into a slot of a pooled buffer,
 * which may run on over the slots after it: a packet longer than the slot (the device's MTU raised above
 * {@code tun.mtu}) is carried whole, and the slots grow to fit the next ones.
 *
 * <p>With offloads ({@link TunOffloads}, {@code IFF_VNET_HDR}) every read and write starts with a virtio
 * header. A read may then be a GSO super-packet of up to 64 KiB: an {@link OffloadedReader} scatters each
 * read so that a plain packet lands in its pooled buffer as without offloads, and only a super-packet is
 * cut (and copied) into the packets it stands for. A write gathers the header and the packet with
 * writev(2), so the packet is not copied.
 *
 * <p>Threading: {@link #register} may be called from any thread, once. After that, {@link #write},
 * {@link #handle} and the receiver calls happen on the loop's thread only; {@link #deregister} and
 * {@link #closeAsync} hop to it.
 */
public final class TunQueueHandle implements EpollIoHandle, TunQueue {
    private static final Logger LOG = LoggerFactory.getLogger(TunQueueHandle.class);

    private final FileDescriptor fd;
    private final String deviceName;
    private final int index;
    private final int budget;
    private final int headroom;
    private final int readLimit;
    private final TunOffloads offloads;
    private final TunWriter writer;

    // Written once by register(), before the loop can call us (the loop's task queue publishes them).
    private volatile IoEventLoop loop;
    private GuardedReceiver guarded;
    private ByteBufAllocator allocator;

    // Loop thread only.
    private volatile IoRegistration registration;
    private PlainReader plainReader; // without offloads, from arm() until the reading stops
    private OffloadedReader offloadedReader; // with offloads, from arm() until the reading stops
    private volatile long superPacketsRead; // written by the loop only; volatile for readers elsewhere
    private volatile boolean closed;
    /** A read failed: the device is gone (written by the loop, read by the daemon's watch). */
    private volatile boolean readFailed;

    TunQueueHandle(FileDescriptor fd, String deviceName, int index, TunQueueOptions options, TunOffloads offloads) {
        this.fd = fd;
        this.deviceName = deviceName;
        this.index = index;
        this.budget = options.readBudget();
        this.headroom = options.headroom();
        this.readLimit = options.headroom() + options.maxPacketSize();
        this.offloads = offloads;
        this.writer = new TunWriter(fd, deviceName, offloads);
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    /** The queue's position on its device (the kernel's queue index: the order queues were attached). */
    public int index() {
        return index;
    }

    public String deviceName() {
        return deviceName;
    }

    /** The loop this queue was registered on, or null before {@link #register}. */
    public IoEventLoop eventLoop() {
        return loop;
    }

    /** Reads that were GSO super-packets, cut into more than one packet (0 without offloads). */
    public long superPacketsRead() {
        return superPacketsRead;
    }

    /** The offloads this queue's device was opened with. */
    public TunOffloads offloads() {
        return offloads;
    }

    /** True while the loop watches the fd for packets to read. */
    public boolean isReading() {
        IoRegistration reg = registration;
        return reg != null && reg.isValid();
    }

    /**
     * Registers the fd on {@code eventLoop} and starts reading: every packet read goes to {@code tunReceiver}
     * in a pooled direct buffer from {@code bufferAllocator} (use the paired UDP channel's allocator), with
     * {@link TunQueueOptions#headroom()} free bytes in front of the reader index.
     *
     * @return completes once reading is armed (EPOLLIN submitted)
     * @throws IllegalArgumentException if the loop is not an epoll loop
     */
    public Future<Void> register(IoEventLoop eventLoop, TunReceiver tunReceiver, ByteBufAllocator bufferAllocator) {
        if (!eventLoop.isCompatible(TunQueueHandle.class)) {
            throw new IllegalArgumentException("a TUN queue needs an epoll event loop; " + eventLoop + " is not one");
        }
        checkAddressable(bufferAllocator);
        synchronized (this) {
            if (loop != null) {
                throw new IllegalStateException("TUN queue " + index + " of " + deviceName + " is already registered");
            }
            guarded = new GuardedReceiver(tunReceiver, deviceName, index);
            allocator = bufferAllocator;
            loop = eventLoop;
        }
        Promise<Void> armed = eventLoop.newPromise();
        eventLoop.register(this).addListener((FutureListener<IoRegistration>) f -> arm(f, armed));
        return armed;
    }

    // Reads go straight to the buffer's native address. Netty's direct buffers have one on JDK 25, with or
    // without sun.misc.Unsafe (its MemorySegment-based cleaner); refuse an allocator whose buffers do not.
    private void checkAddressable(ByteBufAllocator bufferAllocator) {
        ByteBuf probe = bufferAllocator.directBuffer(readLimit);
        try {
            if (!probe.hasMemoryAddress()) {
                throw new IllegalArgumentException("TUN reads need direct buffers with a memory address; "
                        + bufferAllocator + " gives " + probe.getClass().getSimpleName());
            }
        } finally {
            probe.release();
        }
    }

    // Runs on the loop: the registration future completes there.
    private void arm(Future<IoRegistration> registered, Promise<Void> armed) {
        if (!registered.isSuccess()) {
            armed.setFailure(registered.cause());
            return;
        }
        // Keep the wrapper from the future, not the raw registration handle() receives: only the wrapper's
        // cancel() also updates the loop's registration count (netty-io.md §1, step 4).
        IoRegistration reg = registered.getNow();
        if (closed) {
            reg.cancel();
            armed.setFailure(new ClosedChannelException());
            return;
        }
        registration = reg;
        if (offloads.vnetHeader()) {
            offloadedReader = new OffloadedReader(fd.intValue(), allocator, headroom, readLimit - headroom);
        } else {
            plainReader = new PlainReader(
                    fd, deviceName + " queue " + index, allocator, headroom, readLimit - headroom, budget);
        }
        // Level-triggered (Netty 4.2 epoll never adds EPOLLET unless asked), so a budget-limited read is
        // resumed on the next loop turn. submit() replaces the whole interest mask.
        if (reg.submit(EpollIoOps.EPOLLIN) < 0) {
            armed.setFailure(new IllegalStateException("TUN queue registration became invalid"));
            return;
        }
        armed.setSuccess(null);
    }

    @Override
    public void handle(IoRegistration ignored, IoEvent event) {
        // EPOLLIN, or EPOLLERR/EPOLLHUP: either way the read below says what happened.
        if (plainReader == null && offloadedReader == null) {
            return; // reading stopped (deregistered, closed, failed): an event left in the loop's batch
        }
        int packets = 0;
        boolean threw = true;
        try {
            if (plainReader != null) {
                plainReader.rewind();
            }
            while (packets < budget) {
                int read = offloadedReader != null ? readOffloaded() : plainReader.read(guarded);
                if (read == 0) {
                    break; // EAGAIN: the queue is empty
                }
                packets += read;
            }
            threw = false;
        } catch (IOException e) {
            threw = false;
            stopAfterReadError(e);
        } finally {
            // After a throw part-way too (an Error): what the receiver holds must not wait for the next burst.
            if (packets > 0 || threw) {
                guarded.readComplete();
            }
        }
    }

    // One readv(2) of a virtio header and a packet or super-packet; a super-packet's segments are all
    // delivered in this burst (one sendmmsg at its end).
    private int readOffloaded() throws IOException {
        int packets = offloadedReader.read(guarded);
        if (packets > 1) {
            superPacketsRead++; // single writer (the loop): no lost update
        }
        return packets;
    }

    // A TUN read fails only when the device is gone (EBADFD after "ip link del") or the fd was closed.
    // The fd stays readable-with-error, so a level-triggered loop would spin: stop watching it.
    private void stopAfterReadError(IOException e) {
        if (!closed) {
            readFailed = true;
            LOG.warn("TUN {} queue {}: read failed, no longer reading: {}", deviceName, index, e.toString());
        }
        IoRegistration reg = registration;
        registration = null;
        if (reg != null) {
            reg.cancel();
        }
        releaseBuffers();
    }

    /** True once a read failed while the queue was open: the device was deleted under it. */
    public boolean readFailed() {
        return readFailed;
    }

    private void releaseBuffers() {
        if (plainReader != null) {
            plainReader.close();
            plainReader = null;
        }
        if (offloadedReader != null) {
            offloadedReader.close();
            offloadedReader = null;
        }
    }

    /**
     * Writes one IPv6 packet. One write(2) is one packet on a TUN fd. Returns false when the kernel refused it
     * (EAGAIN, device down, malformed packet, closed queue); the caller counts the drop.
     */
    @Override
    public boolean write(ByteBuf packet) {
        return writer.write(packet);
    }

    /** True with offloads: the kernel segments what {@link #writeSegmented} hands it (see {@link TunQueue}). */
    @Override
    public boolean segmentedWrites() {
        return offloads.vnetHeader();
    }

    /** True when the kernel accepted UDP segmentation offload (USO, Linux 6.2). */
    @Override
    public boolean segmentedUdpWrites() {
        return writer.udpSegmentation();
    }

    /** Writes one GSO super-packet ({@link TunQueue#writeSegmented}), see {@link TunWriter#writeSegmented}. */
    @Override
    public boolean writeSegmented(ByteBuf superPacket, int protocol, int segmentSize) {
        return writer.writeSegmented(superPacket, protocol, segmentSize);
    }

    /** Stops reading; the fd stays open, so {@link #write} still works. Completes on the loop. */
    public Future<Void> deregister() {
        return onLoop(() -> {
            IoRegistration reg = registration;
            registration = null;
            if (reg != null) {
                reg.cancel();
            }
            releaseBuffers();
        });
    }

    /**
     * Stops reading and closes the fd (on the loop, so no read is in flight). When the device's last queue is
     * closed the kernel deletes the device, with its addresses and routes, unless it is persistent.
     */
    public Future<Void> closeAsync() {
        return onLoop(this::closeNow);
    }

    /**
     * {@link io.netty.channel.IoHandle}'s close: also called by the loop itself when it shuts down with this handle still
     * registered. From another thread it waits (up to 5 s) for the loop to close the fd.
     */
    @Override
    public void close() {
        Future<Void> done = closeAsync();
        IoEventLoop l = loop;
        if (l != null && !l.inEventLoop()) {
            done.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        IoRegistration reg = registration;
        registration = null;
        try {
            if (reg != null) {
                reg.cancel(); // before the fd closes: Netty removes the epoll entry only while the fd is open
            }
            releaseBuffers();
        } finally {
            closeFd(); // whatever happened: an open queue fd keeps the device's queue attached
        }
    }

    private void closeFd() {
        try {
            fd.close();
        } catch (IOException e) {
            LOG.debug("closing TUN {} queue {}", deviceName, index, e);
        }
    }

    private Future<Void> onLoop(Runnable action) {
        return OnLoop.run(loop, action);
    }

    @Override
    public String toString() {
        return "TunQueue(" + deviceName + "#" + index + ", fd " + fd.intValue() + ")";
    }
}
