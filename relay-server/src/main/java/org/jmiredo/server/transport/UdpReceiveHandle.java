package org.jmiredo.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jmiredo.pipeline.UdpIngress;
import org.jmiredo.server.sys.DatagramReceiveBatch;
import org.jmiredo.server.sys.Descriptors;
import org.jmiredo.server.sys.Errno;
import org.jmiredo.server.sys.NativeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's own reading of one epoll UDP channel's socket, past Netty's read path (which makes a
 * DatagramPacket, an InetSocketAddress, an InetAddress and a slice per datagram: about 200 bytes of garbage
 * per packet, and the GC cycles that come with it). The channel's own reading is off; a duplicate of its fd
 * is registered with the channel's loop, level-triggered EPOLLIN, and each wake-up reads up to
 * {@code maxMessagesPerRead} datagrams with recvmmsg(2) into the slots of one pooled direct buffer, handing
 * each to the {@link UdpIngress} as a reused view of its slot with the sender as two ints. The channel
 * stays for sending, its outbound buffer and its close, which closes the duplicate too (a socket lives,
 * bound and receiving, until its last fd is closed).
 *
 * <p>Loop thread only, from {@link #start} (called from the channel's initializer) on.
 */
final class UdpReceiveHandle implements EpollIoHandle {
    private static final Logger LOG = LoggerFactory.getLogger(UdpReceiveHandle.class);
    /** A failing socket is logged at most once a minute (each failure is counted). */
    private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final EpollDatagramChannel channel;
    private final IoEventLoop loop;
    private final FileDescriptor fd;
    private final UdpIngress ingress;
    private final ByteBufAllocator allocator;
    private final DatagramReceiveBatch batch;
    private final int slotSize;
    private final int maxPerRead;
    /** One view per slot of {@link #buffer}, handed over with its indexes set to the datagram received. */
    private final ByteBuf[] slots;
    /** The datagrams of one recvmmsg that were not truncated, with their senders, for the ingress in one call. */
    private final ByteBuf[] received;

    private final int[] receivedIpv4;
    private final int[] receivedPort;
    private ByteBuf buffer;
    private IoRegistration registration;
    private boolean closed;
    private long lastErrorLog;
    private boolean errorLogged;

    private UdpReceiveHandle(EpollDatagramChannel channel, int fd, UdpIngress ingress, TransportSettings settings) {
        this.channel = channel;
        this.loop = (IoEventLoop) channel.eventLoop();
        this.fd = new FileDescriptor(fd);
        this.ingress = ingress;
        this.allocator = channel.config().getAllocator();
        this.batch = new DatagramReceiveBatch(settings.recvBatch());
        this.slotSize = settings.datagramSlotSize();
        this.maxPerRead = settings.maxMessagesPerRead();
        this.slots = new ByteBuf[settings.recvBatch()];
        this.received = new ByteBuf[settings.recvBatch()];
        this.receivedIpv4 = new int[settings.recvBatch()];
        this.receivedPort = new int[settings.recvBatch()];
    }

    /**
     * Makes the relay read {@code channel}'s datagrams into {@code ingress}: the channel's reading off, a
     * duplicate of its fd on its loop. Call on the loop, before the channel is bound (its initializer). If the
     * loop refuses the registration or the allocator's buffers have no memory address, the channel's own
     * reading is turned back on (the pipeline's UdpIngressHandler then hands the datagrams over).
     *
     * @return the handle, registered on the channel's loop once the loop gets to it
     * @throws NativeException when no fd is left to duplicate
     */
    @SuppressWarnings("unchecked") // the registration future's listener sees it as Future<? super ...>
    static UdpReceiveHandle start(EpollDatagramChannel channel, UdpIngress ingress, TransportSettings settings)
            throws NativeException {
        UdpReceiveHandle handle =
                new UdpReceiveHandle(channel, Descriptors.duplicate(channel.fd().intValue()), ingress, settings);
        channel.config().setAutoRead(false);
        channel.closeFuture().addListener(f -> handle.close());
        handle.loop.register(handle).addListener(f -> handle.arm((Future<IoRegistration>) f));
        return handle;
    }

    private void arm(Future<IoRegistration> registered) {
        if (!registered.isSuccess()) {
            fallBackToNetty(registered.cause());
            return;
        }
        // Keep the wrapper from the future: only its cancel() also updates the loop's count (netty-io.md §1).
        IoRegistration reg = registered.getNow();
        if (closed) {
            reg.cancel();
            return;
        }
        registration = reg;
        try {
            renewBuffer();
        } catch (RuntimeException e) {
            fallBackToNetty(e);
            return;
        }
        // Level-triggered (no EPOLLET): a wake-up that stops at maxMessagesPerRead is resumed on the next turn.
        reg.submit(EpollIoOps.EPOLLIN);
    }

    /** The socket is read by Netty's pipeline after all (its UdpIngressHandler hands the datagrams over). */
    private void fallBackToNetty(Throwable cause) {
        LOG.warn("cannot read UDP socket {} directly; Netty reads it: {}", channel, cause.toString());
        closeNow();
        channel.config().setAutoRead(true);
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration ignored, IoEvent event) {
        if (closed) {
            return;
        }
        int read = 0;
        try {
            if (buffer == null) {
                renewBuffer(); // the last renewal failed (no direct memory): try again
            }
            while (read < maxPerRead) {
                int want = Math.min(slots.length, maxPerRead - read);
                int n = batch.receive(fd.intValue(), want);
                if (n <= 0) {
                    if (n != -Errno.EAGAIN && n != -Errno.EINTR) {
                        receiveFailed(-n);
                    }
                    break;
                }
                read += n; // before: a throw part-way (an Error) must still end the burst below
                deliver(n);
                if (n < want) {
                    break; // drained for now: level-triggered, the loop wakes us again when more came
                }
            }
        } catch (RuntimeException e) {
            ingress.failed(e);
        } finally {
            if (read > 0) {
                ingress.burstEnd();
            }
        }
    }

    /** Hands the {@code n} datagrams received over in one call, so that the ingress can look them up at once. */
    private void deliver(int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            int length = batch.length(i);
            if (batch.truncated(i)) {
                ingress.truncated(length);
                continue;
            }
            ByteBuf slot = slots[i];
            buffer.retain(); // the view's own reference, released by whoever ends the datagram's way
            slot.setIndex(0, length);
            received[count] = slot;
            receivedIpv4[count] = batch.ipv4(i);
            receivedPort[count] = batch.port(i);
            count++;
        }
        ingress.receive(received, receivedIpv4, receivedPort, count);
        if (buffer.refCnt() != 1) {
            // A datagram is kept beyond this call (held for coalescing until the burst's end): its slot must
            // not be overwritten; the next recvmmsg goes into a fresh buffer.
            renewBuffer();
        }
    }

    private void renewBuffer() {
        ByteBuf old = buffer;
        buffer = null; // never read into a buffer given back, even if the allocation below fails
        if (old != null) {
            old.release();
        }
        ByteBuf fresh = allocator.directBuffer(slotSize * slots.length);
        if (!fresh.hasMemoryAddress()) {
            fresh.release();
            throw new IllegalStateException(
                    "recvmmsg needs direct buffers with a memory address; " + allocator + " gives none");
        }
        for (int i = 0; i < slots.length; i++) {
            slots[i] = fresh.slice(i * slotSize, slotSize);
            batch.slot(i, fresh.memoryAddress() + (long) i * slotSize, slotSize);
        }
        buffer = fresh;
    }

    private void receiveFailed(int errno) {
        ingress.receiveFailed();
        long now = System.nanoTime();
        if (!errorLogged || now - lastErrorLog >= ERROR_LOG_INTERVAL_NANOS) {
            errorLogged = true;
            lastErrorLog = now;
            LOG.warn(
                    "UDP socket {}: recvmmsg failed ({}); counted in jmiredo_udp_receive_errors_total, logged at most"
                            + " once a minute",
                    channel,
                    Errno.name(errno));
        }
    }

    /** Stops reading and closes the duplicate fd, on the loop; idempotent. Also called by the loop at shutdown. */
    @Override
    public void close() {
        if (loop.inEventLoop()) {
            closeNow();
            return;
        }
        try {
            loop.execute(this::closeNow);
        } catch (RejectedExecutionException terminated) {
            closeNow(); // the loop is gone: nothing else touches this handle any more
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
            if (buffer != null) {
                buffer.release();
                buffer = null;
            }
        } finally {
            closeFd(); // whatever happened: an open duplicate would keep the socket bound and receiving
        }
    }

    private void closeFd() {
        try {
            fd.close();
        } catch (IOException e) {
            LOG.debug("closing the duplicate fd of {}", channel, e);
        }
    }
}
