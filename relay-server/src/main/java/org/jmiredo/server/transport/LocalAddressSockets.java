package org.jmiredo.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.proto.Ipv4;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For a relay bound to 0.0.0.0: on each IPv4 address of the host, one more UDP socket per event loop on
 * the same port (SO_REUSEPORT), kept in step with the host's addresses by re-reading them at a fixed
 * interval. The kernel hands a datagram to the socket bound to its destination address before the
 * wildcard one, so the data path learns which address each peer reached and answers through that socket,
 * hence from that address. A wildcard socket alone answers from the address the route picks, which a NAT
 * that admits only the address its client sent to (restricted and port-restricted cones) drops.
 *
 * <p>Each address gets an index ({@link LocalAddressIndexes}, at most {@link RelayOutput#MAX_LOCAL}) that the
 * peer table stores.
 */
final class LocalAddressSockets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAddressSockets.class);

    /** The host's IPv4 addresses now, network-order ints. */
    @FunctionalInterface
    interface AddressSource {
        Set<Integer> addresses() throws SocketException;
    }

    /** Builds the pipeline of one socket bound to local address {@code local} on loop {@code loopIndex}. */
    @FunctionalInterface
    interface LocalSetup {
        void initChannel(Channel channel, int loopIndex, int local);
    }

    /** How the sockets are bound: the transport's own binder, or a test's. */
    @FunctionalInterface
    interface Binder {
        List<Channel> bind(InetSocketAddress target, Transport.ChannelSetup setup) throws TransportException;
    }

    private final Binder binder;
    private final int port;
    private final AddressSource source;
    private final LocalSetup setup;
    private final LocalAddressIndexes indexes = new LocalAddressIndexes(RelayOutput.MAX_LOCAL);
    /** By address: its index and its sockets, one per loop. */
    private final Map<Integer, Bound> bound = new HashMap<>();
    /** Addresses whose failure was already logged as a warning, so a lasting one is not repeated each refresh. */
    private final Set<Integer> warned = new HashSet<>();

    private final ScheduledExecutorService timer;
    private boolean closed;
    /** The last listing failed: warned once, not again at every refresh while it keeps failing. */
    private boolean listingFails;

    private record Bound(int local, List<Channel> channels) {}

    private LocalAddressSockets(Binder binder, int port, AddressSource source, LocalSetup setup) {
        this.binder = binder;
        this.port = port;
        this.source = source;
        this.setup = setup;
        this.timer = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("jmiredo-addresses", true));
    }

    /**
     * Binds the sockets of the host's addresses now, then re-reads the addresses every {@code refresh}.
     *
     * @param port the port of the wildcard sockets (the one the kernel gave, if the settings said 0)
     */
    static LocalAddressSockets start(
            Binder binder, int port, AddressSource source, LocalSetup setup, Duration refresh) {
        LocalAddressSockets sockets = new LocalAddressSockets(binder, port, source, setup);
        sockets.refresh();
        long millis = refresh.toMillis();
        sockets.timer.scheduleWithFixedDelay(sockets::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return sockets;
    }

    /** The transport's binder: its loops, options and buffers, without the port-in-use probe. */
    static Binder binder(
            TransportKind kind, List<IoEventLoop> loops, TransportSettings settings, SocketBuffers buffers) {
        return (target, channelSetup) -> UdpBinder.bindBeside(kind, loops, target, settings, buffers, channelSetup);
    }

    /** The host's addresses as this relay uses them: all but loopback, where no Teredo peer reaches it. */
    static AddressSource hostAddresses() {
        return () -> {
            Set<Integer> result = new LinkedHashSet<>();
            for (int address : HostIpv4.addresses()) {
                if ((address >>> 24) != 127) {
                    result.add(address);
                }
            }
            return result;
        };
    }

    /** The addresses that have sockets now, with their local address indexes. */
    synchronized Map<Integer, Integer> indexes() {
        Map<Integer, Integer> result = new HashMap<>();
        bound.forEach((address, b) -> result.put(address, b.local()));
        return result;
    }

    /** Opens sockets on new addresses and closes those of addresses that are gone. */
    synchronized void refresh() {
        if (closed) {
            return;
        }
        Set<Integer> now;
        try {
            now = source.addresses();
        } catch (SocketException e) {
            if (!listingFails) {
                LOG.warn(
                        "cannot list this host's addresses; the per-address sockets stay as they are until it can: {}",
                        e.getMessage());
            }
            listingFails = true;
            return;
        }
        if (listingFails) {
            LOG.info("this host's addresses can be listed again");
            listingFails = false;
        }
        for (Integer gone : new ArrayList<>(bound.keySet())) {
            if (!now.contains(gone)) {
                bound.remove(gone).channels().forEach(c -> c.close().awaitUninterruptibly(5, TimeUnit.SECONDS));
                indexes.release(gone);
                LOG.info("UDP {}:{} closed: the address left the host", Ipv4.toString(gone), port);
            }
        }
        warned.retainAll(now);
        for (Integer address : now) {
            if (!bound.containsKey(address)) {
                open(address);
            }
        }
    }

    private void open(int address) {
        int local = indexes.assign(address);
        if (local == 0) {
            warnOnce(
                    address,
                    "no socket for {}:{}: more than {} addresses; peers that reach it are answered from"
                            + " the address the route picks",
                    Ipv4.toString(address),
                    port,
                    RelayOutput.MAX_LOCAL);
            return;
        }
        try {
            bound.put(
                    address,
                    new Bound(
                            local,
                            binder.bind(
                                    new InetSocketAddress(inet(address), port),
                                    (channel, loopIndex) -> setup.initChannel(channel, loopIndex, local))));
            warned.remove(address);
            LOG.info(
                    "UDP {}:{} bound (local address {}): peers that reach it are answered from it",
                    Ipv4.toString(address),
                    port,
                    local);
        } catch (TransportException e) {
            indexes.release(address);
            warnOnce(
                    address,
                    "no socket for {}:{} ({}); peers that reach it are answered from the address the"
                            + " route picks; retried every refresh",
                    Ipv4.toString(address),
                    port,
                    e.getMessage());
        }
    }

    private void warnOnce(int address, String format, Object... args) {
        if (warned.add(address)) {
            LOG.warn(format, args);
        } else {
            LOG.debug(format, args);
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("refreshing the per-address sockets failed; tried again at the next refresh", e);
        }
    }

    private static InetAddress inet(int address) {
        try {
            return InetAddress.getByAddress(Ipv4.toBytes(address));
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }

    /** Stops the refresh and closes every per-address socket. Idempotent. */
    @Override
    public void close() {
        timer.shutdownNow();
        List<Future<Void>> closing = new ArrayList<>();
        synchronized (this) {
            closed = true;
            bound.values().forEach(b -> b.channels().forEach(c -> closing.add(c.close())));
            bound.clear();
        }
        closing.forEach(f -> f.awaitUninterruptibly(5, TimeUnit.SECONDS));
    }
}
