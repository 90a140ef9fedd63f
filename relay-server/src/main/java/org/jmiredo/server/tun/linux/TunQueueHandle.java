package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.Buffer;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;
import org.jmiredo.tun.offload.GsoSplitter;
import org.jmiredo.tun.offload.OffloadDrop;
import org.jmiredo.tun.offload.VirtioNetHeader;
import org.jmiredo.tun.offload.VirtioReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue (one fd) of a multi-queue Linux TUN device, served by one epoll event loop: the same loop as the
 * UDP channel it is paired with, so a packet read here is written to that channel inline, with no task hop.
 *
 * <p>With offloads ({@link TunOffloads}, {@code IFF_VNET_HDR}) every read and write starts with a virtio
 * header. A read may then be a GSO super-packet of up to 64 KiB: it is read into one buffer of that size
 * and handed on as the packets it stands for, each copied into its own pooled buffer by a
 * {@link VirtioReader} (plain packets too: one copy of at most an MTU, against one read(2) per segment
 * saved). A write gathers the header and the packet with writev(2), so the packet is not copied.
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
    private final GuardedReceiver guarded = new GuardedReceiver();
    private final SegmentWriter segmentWriter = new SegmentWriter();
    // The virtio headers a write puts in front of its packet, and the two-entry iovec of that writev(2);
    // native memory of its own, as writes may come before register() supplies an allocator.
    private final ByteBuffer writeHeaders;
    private final ByteBuf writeHeadersView;
    private final long writeHeadersAddress;

    // Written once by register(), before the loop can call us (the loop's task queue publishes them).
    private volatile IoEventLoop loop;
    private TunReceiver receiver;
    private ByteBufAllocator allocator;

    // Loop thread only.
    private volatile IoRegistration registration;
    private ByteBuf spare;
    private ByteBuf offloadReadBuffer; // with offloads: one buffer for every read, up to a 64 KiB super-packet
    private VirtioReader virtioReader;
    private ByteBuffer scratch;
    private volatile long superPacketsRead; // written by the loop only; volatile for readers elsewhere
    private boolean receiverFailureLogged;
    private volatile boolean closed;

    // writeHeaders layout: the all-zero header of a plain packet, a super-packet's header, the iovec array.
    private static final int PLAIN_HEADER = 0;
    private static final int SEGMENTED_HEADER = 16;
    private static final int IOVEC = 32;
    private static final int IOVEC_SIZE = 16; // struct iovec: base pointer, then size_t length (64-bit)

    TunQueueHandle(FileDescriptor fd, String deviceName, int index, TunQueueOptions options, TunOffloads offloads) {
        this.fd = fd;
        this.deviceName = deviceName;
        this.index = index;
        this.budget = options.readBudget();
        this.headroom = options.headroom();
        this.readLimit = options.headroom() + options.maxPacketSize();
        this.offloads = offloads;
        this.writeHeaders = ByteBuffer.allocateDirect(IOVEC + 2 * IOVEC_SIZE).order(ByteOrder.nativeOrder());
        this.writeHeadersView = Unpooled.wrappedBuffer(writeHeaders);
        this.writeHeadersAddress = Buffer.memoryAddress(writeHeaders);
        writeHeaders.putLong(IOVEC + 8, VirtioNetHeader.LENGTH); // the first iovec is always a header
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
            receiver = tunReceiver;
            allocator = bufferAllocator;
            if (offloads.vnetHeader()) {
                virtioReader = new VirtioReader(bufferAllocator, headroom, readLimit - headroom);
            }
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
            offloadReadBuffer = allocator.directBuffer(VirtioNetHeader.LENGTH + TunQueueOptions.MAX_IPV6_PACKET);
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
        int packets = 0;
        try {
            while (packets < budget) {
                int read = offloadReadBuffer != null ? readOffloaded() : readPlain();
                if (read == 0) {
                    break; // EAGAIN: the queue is empty
                }
                packets += read;
            }
        } catch (IOException e) {
            stopAfterReadError(e);
        }
        if (packets > 0) {
            guarded.readComplete();
        }
    }

    // One read(2) of one packet straight into a pooled buffer, after the headroom: no copy. Returns the
    // packets handled (delivered or dropped), 0 when the queue is empty.
    private int readPlain() throws IOException {
        // The buffer stays ours (in spare) until handed over: kept across EAGAIN, freed on error.
        ByteBuf buf = spare != null ? spare : allocator.directBuffer(readLimit);
        spare = buf;
        int n = checkRead(fd.readAddress(buf.memoryAddress(), headroom, readLimit));
        if (n == 0) {
            return 0;
        }
        if (n > readLimit - headroom) {
            // The kernel reports a packet's full length even when it did not fit (the device's MTU was
            // raised above tun.mtu): drop it, keep the buffer for the next read.
            guarded.oversizedPacketDropped();
            return 1;
        }
        spare = null;
        buf.setIndex(headroom, headroom + n);
        guarded.packetRead(buf);
        return 1;
    }

    // One read(2) of a virtio header and a packet or super-packet; the reader cuts and copies it into as
    // many pooled buffers as it stands for packets, all delivered in this burst (one sendmmsg at its end).
    private int readOffloaded() throws IOException {
        int n = checkRead(fd.readAddress(offloadReadBuffer.memoryAddress(), 0, offloadReadBuffer.capacity()));
        if (n == 0) {
            return 0;
        }
        if (n > offloadReadBuffer.capacity()) {
            guarded.oversizedPacketDropped(); // beyond what IPv6 without jumbograms can carry
            return 1;
        }
        int packets = virtioReader.deliver(offloadReadBuffer, 0, n, guarded);
        if (packets > 1) {
            superPacketsRead++; // single writer (the loop): no lost update
        }
        return packets;
    }

    private static int checkRead(int n) throws IOException {
        if (n < 0) {
            throw new IOException("read returned end of file");
        }
        return n;
    }

    /** The receiver, shielded: it owns what it was handed even when it throws, and must not stop the loop. */
    private final class GuardedReceiver implements TunReceiver {
        @Override
        public void packetRead(ByteBuf packet) {
            try {
                receiver.packetRead(packet);
            } catch (RuntimeException e) {
                logReceiverFailure(e);
            }
        }

        @Override
        public void readComplete() {
            try {
                receiver.readComplete();
            } catch (RuntimeException e) {
                logReceiverFailure(e);
            }
        }

        @Override
        public void oversizedPacketDropped() {
            try {
                receiver.oversizedPacketDropped();
            } catch (RuntimeException e) {
                logReceiverFailure(e);
            }
        }

        @Override
        public void offloadDropped(OffloadDrop reason) {
            try {
                receiver.offloadDropped(reason);
            } catch (RuntimeException e) {
                logReceiverFailure(e);
            }
        }
    }

    private void logReceiverFailure(RuntimeException e) {
        if (!receiverFailureLogged) {
            receiverFailureLogged = true;
            LOG.warn("TUN receiver of {} queue {} threw (logged once)", deviceName, index, e);
        } else {
            LOG.debug("TUN receiver of {} queue {} threw", deviceName, index, e);
        }
    }

    // A TUN read fails only when the device is gone (EBADFD after "ip link del") or the fd was closed.
    // The fd stays readable-with-error, so a level-triggered loop would spin: stop watching it.
    private void stopAfterReadError(IOException e) {
        if (!closed) {
            LOG.warn("TUN {} queue {}: read failed, no longer reading: {}", deviceName, index, e.toString());
        }
        IoRegistration reg = registration;
        registration = null;
        if (reg != null) {
            reg.cancel();
        }
        releaseSpare();
    }

    private void releaseSpare() {
        if (spare != null) {
            spare.release();
            spare = null;
        }
        if (offloadReadBuffer != null) {
            offloadReadBuffer.release();
            offloadReadBuffer = null;
        }
    }

    /**
     * Writes one IPv6 packet. One write(2) is one packet on a TUN fd. Returns false when the kernel refused it
     * (EAGAIN, device down, malformed packet, closed queue); the caller counts the drop.
     */
    @Override
    public boolean write(ByteBuf packet) {
        return offloads.vnetHeader() ? writeWithHeader(packet, PLAIN_HEADER) : writePlain(packet);
    }

    /** True with offloads: the kernel segments what {@link #writeSegmented} hands it (see {@link TunQueue}). */
    @Override
    public boolean segmentedWrites() {
        return offloads.vnetHeader();
    }

    /**
     * Writes one GSO super-packet ({@link TunQueue#writeSegmented}): one writev(2) of its virtio header and
     * the packet, which the kernel segments. UDP super-packets on a kernel without USO (before Linux 6.2)
     * are cut here and written one segment per write(2).
     */
    @Override
    public boolean writeSegmented(ByteBuf superPacket, int protocol, int segmentSize) {
        if (!offloads.vnetHeader()) {
            throw new UnsupportedOperationException("TUN " + deviceName + " was opened without offloads");
        }
        int at = superPacket.readerIndex();
        int length = superPacket.readableBytes();
        if (protocol == GsoSplitter.UDP && !offloads.udpSegmentation()) {
            return segmentWriter.writeCut(superPacket, protocol, segmentSize);
        }
        return VirtioNetHeader.setSegmented(writeHeadersView, SEGMENTED_HEADER, superPacket, at, length, protocol,
                segmentSize) && writeWithHeader(superPacket, SEGMENTED_HEADER);
    }

    private boolean writePlain(ByteBuf packet) {
        int length = packet.readableBytes();
        if (length == 0 || length > TunQueueOptions.MAX_IPV6_PACKET) {
            return false;
        }
        try {
            int written = packet.hasMemoryAddress()
                    ? fd.writeAddress(packet.memoryAddress(), packet.readerIndex(), packet.writerIndex())
                    : writeCopy(packet, length, -1);
            return written == length;
        } catch (IOException e) {
            return false;
        }
    }

    // The virtio header at writeHeaders[header] and the packet, gathered by one writev(2) without a copy.
    private boolean writeWithHeader(ByteBuf packet, int header) {
        int length = packet.readableBytes();
        if (length == 0 || length > TunQueueOptions.MAX_IPV6_PACKET) {
            return false;
        }
        try {
            long written;
            if (packet.hasMemoryAddress()) {
                writeHeaders.putLong(IOVEC, writeHeadersAddress + header);
                writeHeaders.putLong(IOVEC + IOVEC_SIZE, packet.memoryAddress() + packet.readerIndex());
                writeHeaders.putLong(IOVEC + IOVEC_SIZE + 8, length);
                written = fd.writevAddresses(writeHeadersAddress + IOVEC, 2);
            } else {
                written = writeCopy(packet, length, header);
            }
            return written == VirtioNetHeader.LENGTH + length;
        } catch (IOException e) {
            return false;
        }
    }

    // Heap or composite packets: copy into one reusable direct buffer (the syscall needs one native range),
    // after the virtio header at writeHeaders[header] unless header is negative.
    private int writeCopy(ByteBuf packet, int length, int header) throws IOException {
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + TunQueueOptions.MAX_IPV6_PACKET);
        }
        scratch.clear();
        if (header >= 0) {
            scratch.put(0, writeHeaders, header, VirtioNetHeader.LENGTH).position(VirtioNetHeader.LENGTH);
        }
        int total = scratch.position() + length;
        scratch.limit(total);
        packet.getBytes(packet.readerIndex(), scratch);
        return fd.write(scratch, 0, total);
    }

    /** Cuts a super-packet the kernel cannot segment and writes the segments one by one. */
    private final class SegmentWriter implements TunReceiver {
        private boolean allWritten;

        boolean writeCut(ByteBuf superPacket, int protocol, int segmentSize) {
            int at = superPacket.readerIndex();
            int length = superPacket.readableBytes();
            int headers = GsoSplitter.headersLength(superPacket, at, length, protocol);
            if (headers < 0 || segmentSize < 1) {
                return false;
            }
            allWritten = true;
            GsoSplitter.split(superPacket, at, length, protocol, headers, segmentSize, superPacket.alloc(), 0, this);
            return allWritten;
        }

        @Override
        public void packetRead(ByteBuf segment) {
            try {
                allWritten &= write(segment);
            } finally {
                segment.release();
            }
        }

        @Override
        public void readComplete() {}
    }

    /** Stops reading; the fd stays open, so {@link #write} still works. Completes on the loop. */
    public Future<Void> deregister() {
        return onLoop(() -> {
            IoRegistration reg = registration;
            registration = null;
            if (reg != null) {
                reg.cancel();
            }
            releaseSpare();
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
        if (reg != null) {
            reg.cancel(); // before the fd closes: Netty removes the epoll entry only while the fd is open
        }
        releaseSpare();
        try {
            fd.close();
        } catch (IOException e) {
            LOG.debug("closing TUN {} queue {}", deviceName, index, e);
        }
    }

    private Future<Void> onLoop(Runnable action) {
        IoEventLoop l = loop;
        if (l == null || l.inEventLoop()) {
            action.run();
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }
        Promise<Void> done = l.newPromise();
        try {
            l.execute(() -> {
                try {
                    action.run();
                    done.setSuccess(null);
                } catch (RuntimeException e) {
                    done.setFailure(e);
                }
            });
            return done;
        } catch (RejectedExecutionException terminated) {
            // The loop is gone, so nothing else touches this handle any more.
            action.run();
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }
    }

    @Override
    public String toString() {
        return "TunQueue(" + deviceName + "#" + index + ", fd " + fd.intValue() + ")";
    }
}
