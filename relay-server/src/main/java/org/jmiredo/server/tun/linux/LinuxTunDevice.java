package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmiredo.server.sys.Errno;
import org.jmiredo.server.sys.NativeException;
import org.jmiredo.server.sys.TunSyscalls;
import org.jmiredo.server.tun.TunnelDevice;
import org.jmiredo.tun.TunReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux multi-queue TUN device ({@code IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE}, Linux 3.8): one fd per
 * event loop, each a {@link TunQueueHandle}. For packets the kernel sends into the device it picks the queue
 * by the flow's hash (tun_select_queue), so one IPv6 flow stays on one queue and one loop. With
 * {@code tun.offload} the queues are attached with {@code IFF_VNET_HDR} too and the device's offloads are
 * settled once, on the first queue ({@link OffloadNegotiation}).
 *
 * <p>{@link #open} creates a device that is not persistent: it exists while at least one queue is open, and
 * the kernel removes it, with its addresses and routes, when the last one closes. The first queue is opened
 * with {@code IFF_TUN_EXCL}, so a device of the same name that already exists (another relay, a Miredo) is
 * an error instead of silently sharing its traffic. Creating a device needs CAP_NET_ADMIN.
 *
 * <p>{@link #attachPersistent} attaches to a persistent device the host created ({@code ip tuntap add ...
 * multi_queue user U}); the kernel lets its owner attach queues without CAP_NET_ADMIN (tun_not_capable), and
 * the device, with its addresses and routes, stays when the queues close.
 */
public final class LinuxTunDevice implements TunnelDevice {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxTunDevice.class);

    /** The kernel's limit of queues per device (MAX_TAP_QUEUES). */
    public static final int MAX_QUEUES = 256;

    private static final int FLAGS = TunSyscalls.IFF_TUN | TunSyscalls.IFF_NO_PI | TunSyscalls.IFF_MULTI_QUEUE;

    private final String name;
    private final List<TunQueueHandle> queues;
    private final TunOffloads offloads;

    private LinuxTunDevice(String name, List<TunQueueHandle> queues, TunOffloads offloads) {
        this.name = name;
        this.queues = List.copyOf(queues);
        this.offloads = offloads;
    }

    /** Opens {@code queues} queues of a new device {@code name}, with {@link TunQueueOptions#DEFAULTS}. */
    public static LinuxTunDevice open(String name, int queues) throws NativeException {
        return open(name, queues, TunQueueOptions.DEFAULTS, TunOffloadMode.OFF);
    }

    /**
     * Creates the device {@code name} and opens {@code queues} queues on it.
     *
     * @param name the interface name, 1 to 15 characters; a "%d" in it lets the kernel pick a number
     * @param offload whether to ask for checksum and segmentation offloads ({@link #offloads} says what
     *     the kernel accepted)
     * @throws NativeException with an operator hint (no tun module, missing CAP_NET_ADMIN, name taken,
     *     offloads refused with {@link TunOffloadMode#ON}…)
     * @throws IllegalStateException if Netty's epoll transport (which reads the fds) is unavailable
     */
    public static LinuxTunDevice open(String name, int queues, TunQueueOptions options, TunOffloadMode offload)
            throws NativeException {
        checkArguments(queues);
        List<TunSyscalls.Attached> attached = new ArrayList<>(queues);
        try {
            TunOffloads offloads = attachAll(attached, name, queues, TunSyscalls.IFF_TUN_EXCL, offload, fd -> {});
            return wrap(attached, options, offloads);
        } catch (NativeException e) {
            closeQuietly(attached);
            throw e.errno() == Errno.EBUSY ? PersistentTun.ofThisProcess().explainTaken(name, e) : e;
        } catch (RuntimeException e) {
            closeQuietly(attached);
            throw e;
        }
    }

    /**
     * Opens {@code queues} queues on the existing persistent multi-queue device {@code name}, without
     * {@code IFF_TUN_EXCL}. Changes nothing on the device but its virtio-header flag and offloads, which
     * belong to whoever attaches last ({@link TunSyscalls#IFF_VNET_HDR}); {@link #close} leaves it in place.
     *
     * @throws IOException with an operator hint: the device is missing, not persistent, not a multi-queue
     *     TUN, or belongs to another user ({@link NativeException} for the kernel's refusals)
     * @throws IllegalStateException if Netty's epoll transport (which reads the fds) is unavailable
     */
    public static LinuxTunDevice attachPersistent(
            String name, int queues, TunQueueOptions options, TunOffloadMode offload) throws IOException {
        return attachPersistent(PersistentTun.ofThisProcess(), name, queues, options, offload);
    }

    static LinuxTunDevice attachPersistent(
            PersistentTun host, String name, int queues, TunQueueOptions options, TunOffloadMode offload)
            throws IOException {
        checkArguments(queues);
        host.checkBeforeAttach(name);
        List<TunSyscalls.Attached> attached = new ArrayList<>(queues);
        try {
            // Checked after the first attach: still the host's device, not one the kernel just created.
            TunOffloads offloads = attachAll(attached, name, queues, 0, offload, fd -> host.checkPersistent(name));
            return wrap(attached, options, offloads);
        } catch (NativeException e) {
            closeQuietly(attached);
            throw host.explain(name, e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(attached);
            throw e;
        }
    }

    /** What to check once the first queue is attached. */
    private interface FirstQueueCheck<E extends Exception> {
        void check(int fd) throws E;
    }

    // Attaches the first queue, settles the offloads on it (they are per device), then the other queues
    // with the same flags: the kernel applies the flags of each attach to the whole device.
    private static <E extends Exception> TunOffloads attachAll(
            List<TunSyscalls.Attached> attached,
            String name,
            int queues,
            int firstFlags,
            TunOffloadMode mode,
            FirstQueueCheck<E> check)
            throws NativeException, E {
        int flags = mode == TunOffloadMode.OFF ? FLAGS : FLAGS | TunSyscalls.IFF_VNET_HDR;
        TunSyscalls.Attached first = TunSyscalls.attach(name, flags | firstFlags);
        attached.add(first);
        check.check(first.fd());
        TunOffloads offloads = OffloadNegotiation.settle(first.fd(), mode, first.name());
        if (offloads == TunOffloads.NONE && flags != FLAGS) {
            // auto, and the kernel refused: reopen without virtio headers, as with tun.offload = off.
            closeQuietly(attached);
            attached.clear();
            flags = FLAGS;
            first = TunSyscalls.attach(name, flags | firstFlags);
            attached.add(first);
            check.check(first.fd());
        }
        for (int i = 1; i < queues; i++) {
            attached.add(TunSyscalls.attach(first.name(), flags));
        }
        return offloads;
    }

    private static void checkArguments(int queues) {
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("a TUN device has 1 to " + MAX_QUEUES + " queues, not " + queues);
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("TUN queues need Netty's epoll transport: " + Epoll.unavailabilityCause());
        }
    }

    private static LinuxTunDevice wrap(
            List<TunSyscalls.Attached> attached, TunQueueOptions options, TunOffloads offloads) {
        int queues = attached.size();
        String actualName = attached.getFirst().name();
        List<TunQueueHandle> handles = new ArrayList<>(queues);
        for (int i = 0; i < queues; i++) {
            handles.add(new TunQueueHandle(new FileDescriptor(attached.get(i).fd()), actualName, i, options, offloads));
        }
        LOG.debug("opened TUN {} with {} queues, offloads {}", actualName, queues, offloads.label());
        return new LinuxTunDevice(actualName, handles, offloads);
    }

    private static void closeQuietly(List<TunSyscalls.Attached> attached) {
        for (TunSyscalls.Attached a : attached) {
            try {
                TunSyscalls.close(a.fd());
            } catch (NativeException e) {
                LOG.debug("closing a half-opened TUN queue", e);
            }
        }
    }

    /** The interface name the kernel gave (differs from the requested one only if that held "%d"). */
    @Override
    public String name() {
        return name;
    }

    /** The offloads the kernel accepted ({@link TunOffloads#NONE} with tun.offload = off). */
    public TunOffloads offloads() {
        return offloads;
    }

    @Override
    public String offloadsLabel() {
        return offloads.label();
    }

    @Override
    public int queueCount() {
        return queues.size();
    }

    @Override
    public TunQueueHandle queue(int index) {
        return queues.get(index);
    }

    @Override
    public Future<Void> register(int index, IoEventLoop loop, TunReceiver receiver, ByteBufAllocator allocator) {
        return queues.get(index).register(loop, receiver, allocator);
    }

    public List<TunQueueHandle> queues() {
        return queues;
    }

    /** True once a queue's read failed: the device was deleted under the daemon ("ip link del"). */
    @Override
    public boolean gone() {
        return queues.stream().anyMatch(TunQueueHandle::readFailed);
    }

    /** Stops reading on every queue (each on its own loop); the fds stay open and the device stays. */
    @Override
    public void stopReading() {
        awaitAll(queues.stream().map(TunQueueHandle::deregister).toList());
    }

    /**
     * Closes every queue (each on its own loop) and waits: the kernel then deletes the device, unless it is
     * persistent.
     */
    @Override
    public void close() {
        awaitAll(queues.stream().map(TunQueueHandle::closeAsync).toList());
    }

    private static void awaitAll(List<Future<Void>> futures) {
        for (Future<Void> f : futures) {
            if (!f.awaitUninterruptibly(5, TimeUnit.SECONDS)) {
                LOG.warn("a TUN queue did not stop within 5 s");
            }
        }
    }

    @Override
    public String toString() {
        return "LinuxTunDevice(" + name + ", " + queues.size() + " queues, offloads " + offloads.label() + ")";
    }
}
