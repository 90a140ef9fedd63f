package org.jmiredo.server.tun.bsd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.IoRegistration;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import org.jmiredo.server.tun.OnLoop;
import org.jmiredo.server.tun.linux.GuardedReceiver;
import org.jmiredo.server.tun.linux.TunQueueOptions;
import org.jmiredo.server.tun.linux.TunReadSlots;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one queue of a BSD or macOS tunnel: an fd whose every read and write is one packet behind a 4-byte
 * address-family header in network byte order ({@link AfHeader}). Reads go, in bursts of at most the read budget,
 * into the slots of pooled direct buffers ({@link TunReadSlots}, as on Linux), each read 4 bytes before the
 * headroom's end so that the packet lands where a Linux read puts it and is handed on in place: no copy, no
 * allocation. A read whose header names another family than IPv6 (or shorter than the header) is dropped and
 * counted ({@link TunReceiver#notIpv6Dropped}). A write gathers the header and the packet with one writev(2).
 *
 * <p>What registers the fd on its loop is the subclass: {@link BsdTunHandle} on kqueue (the daemon's). The
 * tests run this class over a datagram socketpair registered on epoll, which keeps datagram boundaries as a tunnel
 * does, so the read, framing, dispatch and write run against real fds on Linux.
 *
 * <p>Threading: {@link #register} from any thread, once; then {@link #write}, {@link #handle} and the receiver's
 * calls on the loop's thread only; {@link #deregister} and {@link #closeAsync} hop to it.
 */
abstract class AfFramedQueue implements IoHandle, TunQueue {
    private static final Logger LOG = LoggerFactory.getLogger(AfFramedQueue.class);

    final FileDescriptor fd;
    private final String deviceName;
    private final int budget;
    private final int headroom;
    private final int mtu;
    private final AfHeader.Writer writer;
    private final int afInet6;

    private volatile IoEventLoop loop;
    private TunReceiver receiver;
    private ByteBufAllocator allocator;
    // Loop thread only.
    private volatile IoRegistration registration;
    private TunReadSlots slots; // from arm() until the reading stops
    private volatile boolean closed;
    private volatile boolean readFailed;

    AfFramedQueue(FileDescriptor fd, String deviceName, int afInet6, TunQueueOptions options) {
        if (options.headroom() < AfHeader.LENGTH) {
            throw new IllegalArgumentException("a BSD tunnel read needs " + AfHeader.LENGTH + " bytes of headroom");
        }
        this.fd = fd;
        this.deviceName = deviceName;
        this.afInet6 = afInet6;
        this.budget = options.readBudget();
        this.headroom = options.headroom();
        this.mtu = options.maxPacketSize();
        this.writer = new AfHeader.Writer(fd, afInet6);
    }

    /** Asks the loop for read readiness on the fd; negative when the registration is no longer valid. */
    abstract long submitRead(IoRegistration reg);

    /** Withdraws read readiness before the registration is cancelled (kqueue filters); nothing by default. */
    void withdrawRead(IoRegistration reg) {}

    String deviceName() {
        return deviceName;
    }

    /** True while the loop watches the fd. */
    boolean isReading() {
        IoRegistration reg = registration;
        return reg != null && reg.isValid();
    }

    /** True once a read failed while the queue was open: the device is gone. */
    boolean readFailed() {
        return readFailed;
    }

    /**
     * Registers the fd on {@code eventLoop} and starts reading into buffers from {@code bufferAllocator}.
     *
     * @return completes once reading is armed
     * @throws IllegalArgumentException if the loop cannot serve this kind of handle
     */
    Future<Void> register(IoEventLoop eventLoop, TunReceiver tunReceiver, ByteBufAllocator bufferAllocator) {
        if (!eventLoop.isCompatible(getClass())) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " cannot be served by " + eventLoop);
        }
        synchronized (this) {
            if (loop != null) {
                throw new IllegalStateException("the tunnel " + deviceName + " is already registered");
            }
            receiver = new GuardedReceiver(tunReceiver, deviceName, 0);
            allocator = bufferAllocator;
            loop = eventLoop;
        }
        Promise<Void> armed = eventLoop.newPromise();
        eventLoop.register(this).addListener((FutureListener<IoRegistration>) f -> arm(f, armed));
        return armed;
    }

    private void arm(Future<IoRegistration> registered, Promise<Void> armed) {
        if (!registered.isSuccess()) {
            armed.setFailure(registered.cause());
            return;
        }
        IoRegistration reg = registered.getNow(); // the wrapper, whose cancel() the loop counts
        if (closed) {
            reg.cancel();
            armed.setFailure(new ClosedChannelException());
            return;
        }
        registration = reg;
        slots = new TunReadSlots(allocator, headroom, mtu, budget);
        if (submitRead(reg) < 0) {
            armed.setFailure(new IllegalStateException("the tunnel's registration became invalid"));
            return;
        }
        armed.setSuccess(null);
    }

    @Override
    public void handle(IoRegistration ignored, IoEvent event) {
        if (slots == null) {
            return; // reading stopped: an event left in the loop's batch
        }
        int reads = 0;
        boolean threw = true;
        try {
            slots.rewind();
            while (reads < budget && readOne()) {
                reads++;
            }
            threw = false;
        } catch (IOException e) {
            threw = false;
            stopAfterReadError(e);
        } finally {
            if (reads > 0 || threw) {
                receiver.readComplete();
            }
        }
    }

    // One read(2): false when the fd had nothing (EAGAIN).
    private boolean readOne() throws IOException {
        int at = headroom - AfHeader.LENGTH;
        int n = fd.readAddress(slots.nextAddress(), at, headroom + TunReadSlots.readLimit());
        if (n <= 0) {
            if (n < 0) {
                throw new IOException("read returned end of file");
            }
            return false;
        }
        if (n < AfHeader.LENGTH) {
            receiver.notIpv6Dropped(); // nothing taken: the slot takes the next read
            return true;
        }
        ByteBuf packet = slots.take(headroom, at + n);
        if (packet.getInt(at) != afInet6) {
            packet.release();
            receiver.notIpv6Dropped();
            return true;
        }
        receiver.packetRead(packet);
        return true;
    }

    // A read fails when the device is gone or the fd was closed: stop watching it (it would stay readable).
    private void stopAfterReadError(IOException e) {
        if (!closed) {
            readFailed = true;
            LOG.warn("tunnel {}: read failed, no longer reading: {}", deviceName, e.toString());
        }
        stopReadingNow();
    }

    /** Writes one IPv6 packet behind its header (see {@link AfHeader.Writer#write}). */
    @Override
    public boolean write(ByteBuf packet) {
        return writer.write(packet);
    }

    /** Stops reading; the fd stays open, so {@link #write} still works. Completes on the loop. */
    Future<Void> deregister() {
        return onLoop(this::stopReadingNow);
    }

    /** Stops reading and closes the fd, on the loop (no read in flight). */
    Future<Void> closeAsync() {
        return onLoop(() -> {
            if (closed) {
                return;
            }
            closed = true;
            try {
                stopReadingNow(); // before the fd closes, while the loop can still withdraw its filter
            } finally {
                try {
                    fd.close();
                } catch (IOException e) {
                    LOG.debug("closing the tunnel {}", deviceName, e);
                }
            }
        });
    }

    /** IoHandle's close, also called by a loop that shuts down with the handle registered. */
    @Override
    public void close() {
        Future<Void> done = closeAsync();
        IoEventLoop l = loop;
        if (l != null && !l.inEventLoop()) {
            done.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private void stopReadingNow() {
        IoRegistration reg = registration;
        registration = null;
        if (reg != null) {
            withdrawRead(reg);
            reg.cancel();
        }
        if (slots != null) {
            slots.close();
            slots = null;
        }
    }

    private Future<Void> onLoop(Runnable action) {
        return OnLoop.run(loop, action);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + deviceName + ", fd " + fd.intValue() + ", AF_INET6 " + afInet6 + ")";
    }
}
