package org.jmiredo.server.transport;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.kqueue.KQueue;
import java.io.IOException;
import java.util.Optional;
import org.jmiredo.server.netlink.InterfaceConfigurator;
import org.jmiredo.server.netlink.RtnetlinkConfigurator;
import org.jmiredo.server.tun.TunnelDevice;
import org.jmiredo.server.tun.bsd.BsdCommandConfigurator;
import org.jmiredo.server.tun.bsd.BsdFlavor;
import org.jmiredo.server.tun.bsd.BsdTunDevice;
import org.jmiredo.server.tun.bsd.Commands;
import org.jmiredo.server.tun.linux.LinuxTunDevice;
import org.jmiredo.server.tun.linux.TunOffloadMode;

/**
 * Which tunnel and transport the relay and the client get on this host: on Linux a multi-queue TUN on epoll loops (one queue per
 * loop); on FreeBSD, DragonFly, NetBSD, OpenBSD and macOS one tun or utun on one kqueue loop, set up with the
 * system's ifconfig and route; anywhere else, or without the native transport, a clear refusal.
 *
 * @param kind the loops' transport
 * @param bsd the BSD flavor, or empty on Linux
 */
public record TunnelPlatform(TransportKind kind, Optional<BsdFlavor> bsd) {
    /**
     * This host's platform. Only the transport the OS calls for is probed: on Linux asking kqueue would try to load
     * its native library, and on a BSD asking epoll the same. No lambda here: the start pays for each one it spins.
     */
    public static TunnelPlatform current() throws TransportException {
        String os = System.getProperty("os.name");
        if (BsdFlavor.of(os).isPresent()) {
            return forHost(os, false, KQueue.isAvailable(), null, KQueue.unavailabilityCause());
        }
        return forHost(os, Epoll.isAvailable(), false, Epoll.unavailabilityCause(), null);
    }

    /**
     * The platform of an OS named {@code osName} whose Netty transports are (un)available as given.
     *
     * @throws TransportException naming what is missing
     */
    static TunnelPlatform forHost(
            String osName, boolean epoll, boolean kqueue, Throwable epollCause, Throwable kqueueCause)
            throws TransportException {
        Optional<BsdFlavor> bsd = BsdFlavor.of(osName);
        if (bsd.isPresent()) {
            if (kqueue) {
                return new TunnelPlatform(TransportKind.KQUEUE, bsd);
            }
            throw new TransportException(
                    "the relay's tunnel on " + bsd.get().label() + " needs Netty's kqueue "
                            + "transport; it is unavailable: " + reason(kqueueCause),
                    kqueueCause);
        }
        if (epoll) {
            return new TunnelPlatform(TransportKind.EPOLL, Optional.empty());
        }
        throw new TransportException(
                "the relay's tunnel is built for Linux (epoll, x86-64/arm64) and for FreeBSD, "
                        + "DragonFly, NetBSD, OpenBSD and macOS (kqueue); on " + osName + " epoll is unavailable: "
                        + reason(epollCause),
                epollCause);
    }

    private static String reason(Throwable cause) {
        return cause == null ? "unknown reason" : cause.getMessage();
    }

    /**
     * The settings as this platform can serve them. Linux: unchanged. A BSD tunnel has one queue, so the relay runs
     * one event loop there: {@code transport.event-loops = 0} (one per processor) becomes 1, and more than 1 is
     * refused rather than left idle (a BSD kernel spreads no UDP across SO_REUSEPORT sockets either: macOS never,
     * FreeBSD only with SO_REUSEPORT_LB). What only Linux has is refused too: a host's persistent device, TUN
     * offloads asked for with {@code on}.
     */
    public TransportSettings fit(TransportSettings settings) throws TransportException {
        if (bsd.isEmpty()) {
            return settings;
        }
        String os = bsd.get().label();
        if (settings.eventLoops() > 1) {
            throw new TransportException("jmiredo.transport.event-loops = " + settings.eventLoops() + ": on " + os
                    + " the tunnel has a single queue, so the relay runs one event loop; set it to 1 or 0");
        }
        if (settings.tunPersistent()) {
            throw new TransportException(
                    "jmiredo.tun.persistent is built for Linux only; on " + os + " the relay creates its own tunnel");
        }
        if (settings.tunOffload() == TunOffloadMode.ON) {
            throw new TransportException(
                    "jmiredo.tun.offload = on needs a Linux TUN (virtio headers); on " + os + " set it to auto or off");
        }
        return settings.withEventLoops(1);
    }

    /**
     * Refuses, on a BSD or macOS ({@code os}), {@code what} is built for Linux only (the server's raw IPv6 socket),
     * naming what runs there.
     */
    public static void requireLinux(Optional<BsdFlavor> os, String what) throws TransportException {
        if (os.isPresent()) {
            throw new TransportException(
                    what + " is built for Linux only; on " + os.get().label() + " jmiredo runs "
                            + "the relay, the client, mire, and the server with jmiredo.server.native-forwarding = false");
        }
    }

    /** The interface configurator of the relay's tunnel here (the client brings its own). */
    InterfaceConfigurator relayConfigurator() {
        return bsd.isPresent() ? new BsdCommandConfigurator(bsd.get(), Commands.SYSTEM) : new RtnetlinkConfigurator();
    }

    /** Opens the tunnel for {@code settings} (already {@link #fit}). */
    TunnelDevice openTunnel(TransportSettings settings) throws IOException {
        if (bsd.isPresent()) {
            return BsdTunDevice.open(bsd.get(), settings.tunName(), settings.tunQueueOptions(), Commands.SYSTEM);
        }
        int n = settings.resolvedEventLoops();
        return settings.tunPersistent()
                ? LinuxTunDevice.attachPersistent(
                        settings.tunName(), n, settings.tunQueueOptions(), settings.tunOffload())
                : LinuxTunDevice.open(settings.tunName(), n, settings.tunQueueOptions(), settings.tunOffload());
    }
}
