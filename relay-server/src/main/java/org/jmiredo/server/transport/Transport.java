package org.jmiredo.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jmiredo.pipeline.DataPathWiring;
import org.jmiredo.pipeline.UdpIngress;
import org.jmiredo.pipeline.UdpSender;
import org.jmiredo.server.netlink.InterfaceConfigurator;
import org.jmiredo.server.netlink.InterfaceConfigurator.ConfiguredInterface;
import org.jmiredo.server.sys.NativeException;
import org.jmiredo.server.tun.TunnelDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's I/O: N epoll event loops; on loop i, UDP channel i (all N bound to one address and port with
 * SO_REUSEPORT) and TUN queue i of one multi-queue device (on the BSDs and macOS: one kqueue loop, one UDP channel
 * and the tunnel's one queue, {@link TunnelPlatform}). Everything a packet touches between the socket and
 * the device is on one thread. The data path is plugged in through {@link DataPathWiring}.
 *
 * <p>Start order: TUN device, interface set-up (link, address, route), loops, UDP channels (pipelines built
 * before bind), TUN reading. {@link #close} undoes it in the reverse order. With
 * {@link TransportSettings#tunPersistent()} the device is the host's: its queues are attached, the interface is
 * only checked, and it stays, configured, after {@link #close}.
 */
public final class Transport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    /** Builds the pipeline of one UDP channel; {@code loopIndex} is the position of its loop in the group. */
    @FunctionalInterface
    public interface ChannelSetup {
        void initChannel(Channel channel, int loopIndex);
    }

    private final TransportKind kind;
    private final TransportSettings settings;
    private final MultiThreadIoEventLoopGroup group;
    private final List<IoEventLoop> loops;
    private final TunnelDevice tun;
    private final List<Channel> relayChannels = new ArrayList<>();
    private final List<Channel> extraChannels = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SocketBuffers buffers;
    private volatile ConfiguredInterface configured;
    /** Puts back the route of the daemon's own device after a link flap; only observes a host's device. */
    private volatile TunnelWatch watch;
    /** With a wildcard bind address: the further sockets on each of the host's addresses; else null. */
    private volatile LocalAddressSockets localSockets;

    private Transport(
            TransportKind kind, TransportSettings settings, MultiThreadIoEventLoopGroup group, TunnelDevice tun) {
        this.kind = kind;
        this.settings = settings;
        this.buffers = new SocketBuffers(kind, settings);
        this.group = group;
        this.tun = tun;
        List<IoEventLoop> list = new ArrayList<>();
        for (EventExecutor executor : group) {
            list.add((IoEventLoop) executor);
        }
        this.loops = List.copyOf(list);
    }

    /**
     * Starts the relay's transport on this host's platform ({@link TunnelPlatform}): on Linux with the interface
     * set up through rtnetlink in this process's network namespace, on the BSDs and macOS with ifconfig and route.
     *
     * @param settings as {@link TunnelPlatform#fit} made them for this platform
     */
    public static Transport start(TransportSettings settings, DataPathWiring wiring) throws IOException {
        TunnelPlatform platform = TunnelPlatform.current();
        return start(platform.fit(settings), wiring, platform.relayConfigurator(), platform);
    }

    /**
     * Opens the tunnel, configures it with {@code configurator} (the client's, or a test's), starts the loops and
     * binds the UDP channels; {@code settings} are first fitted to this host's platform ({@link TunnelPlatform#fit}).
     *
     * @throws IOException with a one-line message: {@link org.jmiredo.server.sys.NativeException} (TUN),
     *     {@link org.jmiredo.server.netlink.InterfaceConfigException} (address/route),
     *     {@link TransportException} (no epoll, port in use)
     */
    public static Transport start(TransportSettings settings, DataPathWiring wiring, InterfaceConfigurator configurator)
            throws IOException {
        TunnelPlatform platform = TunnelPlatform.current();
        return start(platform.fit(settings), wiring, configurator, platform);
    }

    private static Transport start(
            TransportSettings settings,
            DataPathWiring wiring,
            InterfaceConfigurator configurator,
            TunnelPlatform platform)
            throws IOException {
        TransportKind kind = platform.kind();
        int n = settings.resolvedEventLoops();
        TunnelDevice tun = platform.openTunnel(settings);
        Transport transport = null;
        try {
            transport = new Transport(kind, settings, newGroup(kind, n), tun);
            transport.configured = setUpInterface(settings, configurator, tun);
            if (platform.bsd().isEmpty()) { // the BSDs' interface is not watched (their configurator runs commands)
                transport.watch = TunnelWatch.start(
                        configurator,
                        settings.tunnelInterface(tun.name()),
                        !settings.tunPersistent(),
                        tun::gone,
                        TunnelWatch.INTERVAL);
            }
            Transport reader = transport;
            transport.relayChannels.addAll(transport.bindOnLoops(
                    settings.bindSocketAddress(),
                    (channel, i) -> reader.read(channel, wiring.initUdpChannel(channel, tun.queue(i)))));
            transport.startLocalSockets(wiring);
            transport.startTunReading(wiring);
        } catch (IOException | RuntimeException e) {
            if (transport != null) {
                transport.close();
            } else {
                tun.close();
            }
            throw e;
        }
        LOG.info(
                "{} transport: {} with {} loops, UDP {}{}, TUN {} ({}mtu {}, {}, offload {}: {})",
                configurator.role(),
                kind,
                n,
                transport.localAddress(),
                transport.localSockets != null ? " and a socket on each host address" : "",
                tun.name(),
                settings.tunPersistent() ? "persistent, host-configured, " : "",
                settings.tunMtu(),
                configurator.routing(settings.tunnelInterface(tun.name())),
                settings.tunOffload().label(),
                tun.offloadsLabel());
        return transport;
    }

    // A persistent device is the host's: check it, change nothing, and leave nothing to undo at close.
    private static ConfiguredInterface setUpInterface(
            TransportSettings settings, InterfaceConfigurator configurator, TunnelDevice tun) throws IOException {
        if (!settings.tunPersistent()) {
            return configurator.configure(settings.tunnelInterface(tun.name()));
        }
        configurator
                .checkHostSetup(settings.tunnelInterface(tun.name()), tun.queueCount())
                .forEach(LOG::warn);
        return () -> {};
    }

    static MultiThreadIoEventLoopGroup newGroup(TransportKind kind, int threads) {
        return new MultiThreadIoEventLoopGroup(
                threads, new DefaultThreadFactory("jmiredo-loop"), kind.ioHandlerFactory());
    }

    /**
     * Bound to 0.0.0.0, a socket answers from the address the route picks, not from the one its peer sent
     * to; unless turned off, the relay also binds each of the host's addresses (LocalAddressSockets).
     */
    private void startLocalSockets(DataPathWiring wiring) {
        if (settings.localAddressSockets()) {
            localSockets = LocalAddressSockets.start(
                    LocalAddressSockets.binder(kind, loops, settings, buffers),
                    localAddress().getPort(),
                    LocalAddressSockets.hostAddresses(),
                    (channel, loopIndex, local) -> read(channel, wiring.initLocalChannel(channel, local)),
                    settings.localAddressRefresh());
        }
    }

    /**
     * On epoll the relay reads its UDP sockets itself ({@link UdpReceiveHandle}: no objects per datagram);
     * elsewhere, and with UDP GRO (whose aggregates Netty cuts up), Netty reads them through the pipeline.
     */
    private void read(Channel channel, UdpIngress ingress) {
        if (channel instanceof EpollDatagramChannel epoll && !settings.udpGro()) {
            try {
                UdpReceiveHandle.start(epoll, ingress, settings);
            } catch (NativeException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    private void startTunReading(DataPathWiring wiring) throws TransportException {
        List<Future<Void>> armed = new ArrayList<>(relayChannels.size());
        for (int i = 0; i < relayChannels.size(); i++) {
            Channel channel = relayChannels.get(i);
            armed.add(tun.register(
                    i,
                    (IoEventLoop) channel.eventLoop(),
                    wiring.tunReceiver(channel, tun.queue(i)),
                    channel.config().getAllocator()));
        }
        for (Future<Void> f : armed) {
            if (!f.awaitUninterruptibly(5, TimeUnit.SECONDS) || !f.isSuccess()) {
                throw new TransportException(
                        "cannot start reading the TUN device " + tun.name() + ": " + f.cause(), f.cause());
            }
        }
    }

    /**
     * Binds more UDP channels on the same loops, one per loop (SO_REUSEPORT), for a role that listens on
     * other addresses, e.g. a Teredo server's two consecutive IPv4 addresses (RFC 4380 §5.3). They get the
     * relay's socket options and are closed by {@link #close}.
     *
     * @param target the address and port; port 0 picks one port for all the channels
     * @return channel i on loop i
     */
    public List<Channel> bindOnEveryLoop(InetSocketAddress target, ChannelSetup setup) throws TransportException {
        if (closed.get()) {
            throw new TransportException("the transport is closed");
        }
        List<Channel> channels = bindOnLoops(target, setup);
        extraChannels.addAll(channels);
        return channels;
    }

    private List<Channel> bindOnLoops(InetSocketAddress target, ChannelSetup setup) throws TransportException {
        return UdpBinder.bind(kind, loops, target, settings, buffers, setup);
    }

    /**
     * How the data path sends on this transport's channels: its own sendmmsg on epoll ({@link MmsgUdpSender}),
     * with runs to one destination as UDP GSO sends while {@code gso} is in use.
     */
    public static UdpSender.Factory udpSenders(UdpGso gso) {
        return MmsgUdpSender.factory(gso);
    }

    /** Senders for the relay's warm-up: {@link MmsgUdpSender}s that send nothing ({@link MmsgUdpSender#discarding}). */
    public static UdpSender.Factory discardingSenders(UdpGso gso) {
        return (udp, counters) -> MmsgUdpSender.discarding(udp, counters, gso);
    }

    /** SO_RCVBUF and SO_SNDBUF as the kernel gave them to the UDP sockets. */
    public SocketBuffers socketBuffers() {
        return buffers;
    }

    public TransportKind kind() {
        return kind;
    }

    public IoEventLoopGroup group() {
        return group;
    }

    /** The loops, in the order of the channels and TUN queues. */
    public List<IoEventLoop> eventLoops() {
        return loops;
    }

    /** The tunnel: a Linux multi-queue TUN, or a BSD/macOS tun or utun. */
    public TunnelDevice tunDevice() {
        return tun;
    }

    /** The relay's UDP channels: channel i runs on loop i with TUN queue i. */
    public List<Channel> relayChannels() {
        return List.copyOf(relayChannels);
    }

    /**
     * False while the tunnel is down (set down under the running relay; the kernel then drops the route of the
     * daemon's own device, which comes back with the link) or, for a host's device, while the prefix is not
     * routed into it: nothing reaches the relay from the IPv6 side.
     */
    public boolean tunnelServing() {
        TunnelWatch current = watch;
        return current == null || current.serving();
    }

    /** Where the relay's UDP channels are bound (the actual port when the settings said 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) relayChannels.getFirst().localAddress();
    }

    /**
     * Stops in order: TUN reading (no packet reaches a closing channel), the tunnel watch, the per-address sockets and their
     * refresh, the UDP channels, the interface's
     * route and address (while the device still exists), the TUN queues (the kernel then deletes the device),
     * the loops. Idempotent. A persistent device keeps its route and address and stays.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        tun.stopReading();
        if (watch != null) {
            watch.close();
        }
        if (localSockets != null) {
            localSockets.close();
        }
        List<Future<Void>> closing = new ArrayList<>();
        relayChannels.forEach(c -> closing.add(c.close()));
        extraChannels.forEach(c -> closing.add(c.close()));
        closing.forEach(f -> f.awaitUninterruptibly(5, TimeUnit.SECONDS));
        if (configured != null) {
            configured.close();
        }
        tun.close();
        if (!group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS)) {
            LOG.warn("event loops did not stop within 5 s");
        }
    }
}
