package org.jmiredo.server.tun.bsd;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmiredo.server.sys.BsdTunSyscalls;
import org.jmiredo.server.sys.Errno;
import org.jmiredo.server.sys.NativeException;
import org.jmiredo.server.tun.TunnelDevice;
import org.jmiredo.server.tun.linux.TunQueueOptions;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BSD tun or macOS utun device: one fd, so one queue, served by one kqueue event loop ({@link BsdTunHandle}).
 * Opened through FFM ({@link BsdTunSyscalls}) as each system allows ({@link BsdFlavor.Opening}), switched to carry
 * the 4-byte address-family header (TUNSIFHEAD where it is optional) and to point-to-point and multicast
 * (TUNSIFMODE where there is one), made non-blocking (FIONBIO) and close-on-exec (FIOCLEX). Where the system can
 * rename it (FreeBSD, DragonFly) the interface takes {@code tun.name}; elsewhere it keeps the kernel's tunN or
 * utunN. Closing it destroys the interface where it would outlive the fd.
 */
public final class BsdTunDevice implements TunnelDevice {
    private static final Logger LOG = LoggerFactory.getLogger(BsdTunDevice.class);
    /** How many /dev/tunN a NUMBERED system is tried for before giving up. */
    static final int MAX_UNITS = 64;

    private final BsdFlavor flavor;
    private final String name;
    private final BsdTunHandle queue;
    private final Commands commands;

    private BsdTunDevice(BsdFlavor flavor, String name, BsdTunHandle queue, Commands commands) {
        this.flavor = flavor;
        this.name = name;
        this.queue = queue;
        this.commands = commands;
    }

    /**
     * Opens a tunnel of {@code flavor} and names it {@code requestedName} where the system can.
     *
     * @throws IOException a {@link NativeException} with an operator hint (no driver, not root, all units busy), or
     *     the rename's failure
     * @throws IllegalStateException if Netty's kqueue transport (which serves the fd) is unavailable
     */
    public static BsdTunDevice open(BsdFlavor flavor, String requestedName, TunQueueOptions options, Commands commands)
            throws IOException {
        if (!KQueue.isAvailable()) {
            throw new IllegalStateException(
                    "the tunnel needs Netty's kqueue transport: " + KQueue.unavailabilityCause());
        }
        BsdTunSyscalls.Opened opened = openFd(flavor);
        try {
            prepare(flavor, opened);
            String name = opened.name();
            if (flavor.renamable() && !name.equals(requestedName)) {
                commands.run(BsdInterfacePlan.rename(name, requestedName));
                name = requestedName;
            } else if (!name.equals(requestedName)) {
                LOG.info(
                        "{} cannot rename a tunnel: the interface is {}, not {} (jmiredo.tun.name)",
                        flavor.label(),
                        name,
                        requestedName);
            }
            BsdTunHandle handle = new BsdTunHandle(new FileDescriptor(opened.fd()), name, flavor.afInet6(), options);
            return new BsdTunDevice(flavor, name, handle, commands);
        } catch (IOException | RuntimeException e) {
            BsdTunSyscalls.close(opened.fd());
            destroyQuietly(flavor, opened.name(), commands); // a tun interface outlives its fd (not renamed yet)
            throw e;
        }
    }

    private static void destroyQuietly(BsdFlavor flavor, String name, Commands commands) {
        for (List<String> step : BsdInterfacePlan.destroy(flavor, name)) {
            try {
                commands.run(step);
            } catch (IOException e) {
                LOG.debug("destroying the tunnel interface {}: {}", name, e.getMessage()); // gone with its fd
            }
        }
    }

    private static BsdTunSyscalls.Opened openFd(BsdFlavor flavor) throws NativeException {
        return switch (flavor.opening()) {
            case UTUN -> BsdTunSyscalls.openUtun(0, BsdIoctl.CTLIOCGINFO);
            case CLONING -> {
                int fd = BsdTunSyscalls.open("/dev/tun");
                try {
                    yield new BsdTunSyscalls.Opened(
                            fd, BsdTunSyscalls.ioctlName(fd, flavor.tunGetName(), "TUNGIFNAME"));
                } catch (NativeException e) {
                    BsdTunSyscalls.close(fd);
                    throw e;
                }
            }
            case NUMBERED -> openFirstFree();
        };
    }

    // The first /dev/tunN not in use (EBUSY); a missing node ends the search.
    private static BsdTunSyscalls.Opened openFirstFree() throws NativeException {
        NativeException last = null;
        for (int unit = 0; unit < MAX_UNITS; unit++) {
            try {
                return new BsdTunSyscalls.Opened(BsdTunSyscalls.open("/dev/tun" + unit), "tun" + unit);
            } catch (NativeException e) {
                last = e;
                if (e.errno() != Errno.EBUSY) {
                    break;
                }
            }
        }
        throw last;
    }

    private static void prepare(BsdFlavor flavor, BsdTunSyscalls.Opened opened) throws NativeException {
        int fd = opened.fd();
        if (flavor.tunSetHead() != 0) {
            BsdTunSyscalls.ioctlInt(fd, flavor.tunSetHead(), 1, "TUNSIFHEAD " + opened.name());
        }
        if (flavor.tunSetMode() != 0) {
            BsdTunSyscalls.ioctlInt(
                    fd,
                    flavor.tunSetMode(),
                    BsdFlavor.IFF_POINTOPOINT | BsdFlavor.IFF_MULTICAST,
                    "TUNSIFMODE " + opened.name());
        }
        BsdTunSyscalls.ioctlInt(fd, BsdIoctl.FIONBIO, 1, "FIONBIO " + opened.name());
        BsdTunSyscalls.ioctlVoid(fd, BsdIoctl.FIOCLEX, "FIOCLEX " + opened.name());
    }

    public BsdFlavor flavor() {
        return flavor;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String offloadsLabel() {
        return "none";
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public TunQueue queue(int index) {
        checkIndex(index);
        return queue;
    }

    @Override
    public Future<Void> register(int index, IoEventLoop loop, TunReceiver receiver, ByteBufAllocator allocator) {
        checkIndex(index);
        return queue.register(loop, receiver, allocator);
    }

    private static void checkIndex(int index) {
        if (index != 0) {
            throw new IndexOutOfBoundsException("a BSD tunnel has one queue, not " + (index + 1));
        }
    }

    @Override
    public boolean gone() {
        return queue.readFailed();
    }

    @Override
    public void stopReading() {
        await(queue.deregister());
    }

    /** Closes the fd on its loop, then destroys the interface where it outlives the fd. */
    @Override
    public void close() {
        await(queue.closeAsync());
        destroyQuietly(flavor, name, commands);
    }

    private static void await(Future<Void> f) {
        if (!f.awaitUninterruptibly(5, TimeUnit.SECONDS)) {
            LOG.warn("the tunnel did not stop within 5 s");
        }
    }

    @Override
    public String toString() {
        return "BsdTunDevice(" + name + ", " + flavor.label() + ")";
    }
}
