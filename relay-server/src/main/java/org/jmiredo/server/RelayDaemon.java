package org.jmiredo.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jmiredo.engine.Clock;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.pipeline.DataPathWiring;
import org.jmiredo.pipeline.HandshakeWarmUp;
import org.jmiredo.pipeline.RelayDataPath;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.HostPort;
import org.jmiredo.server.metrics.ConfigReloadMetrics;
import org.jmiredo.server.metrics.DataPathMetrics;
import org.jmiredo.server.metrics.HostConntrack;
import org.jmiredo.server.metrics.MetricsServer;
import org.jmiredo.server.metrics.PeerTableMetrics;
import org.jmiredo.server.metrics.TunOffloadMetrics;
import org.jmiredo.server.metrics.UdpGsoMetrics;
import org.jmiredo.server.metrics.WriteLatencyCollector;
import org.jmiredo.server.transport.Transport;
import org.jmiredo.server.transport.TransportSettings;
import org.jmiredo.server.transport.TunnelPlatform;
import org.jmiredo.server.transport.UdpGso;
import org.jmiredo.server.tun.TunnelDevice;
import org.jmiredo.server.tun.linux.LinuxTunDevice;
import org.jmiredo.server.tun.linux.RpsQueues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay daemon's life: start in order (metrics endpoint, data path, transport with its TUN device and
 * UDP sockets), report ready, reload what can change at run time, stop in reverse order. The metrics
 * endpoint comes first so that /healthz answers, and /readyz says 503, while the rest starts.
 */
public final class RelayDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayDaemon.class);

    /** Starts the transport; a seam so that tests can make it fail without a TUN device. */
    @FunctionalInterface
    interface TransportStarter {
        Transport start(TransportSettings settings, DataPathWiring wiring) throws IOException;
    }

    private final DaemonLifecycle life = new DaemonLifecycle(EarlyStart.meters());
    private volatile DaemonConfig config;
    private RelayDataPath dataPath;
    private volatile TunnelDevice tun;
    private volatile Transport transport;
    private volatile CompletableFuture<HandshakeWarmUp.Result> warmUp;
    /** The relay's bind address when it is a specific one: /readyz says 503 while the host has lost it. */
    private final BoundAddresses bound;
    /** What SIGHUP did, in /metrics: a refused reload shows there, not only in the log. */
    private final ConfigReloadMetrics reloads = new ConfigReloadMetrics();

    private RelayDaemon(DaemonConfig config) {
        this.config = config;
        this.bound = BoundAddresses.of(
                Map.of("jmiredo.relay.bind-address", config.relay().bindAddress()));
    }

    /** Starts everything, or nothing: on failure what was started is stopped again. */
    public static RelayDaemon start(DaemonConfig config) throws StartupException {
        return start(config, Transport::start);
    }

    static RelayDaemon start(DaemonConfig config, TransportStarter transports) throws StartupException {
        RelayDaemon daemon = new RelayDaemon(config);
        daemon.life.start(() -> daemon.startAll(transports));
        return daemon;
    }

    private void startAll(TransportStarter transports) throws IOException {
        config.ignoredBy(DataPathRole.RELAY).forEach(LOG::warn);
        MetricsServer metrics = life.startMetrics(config.metrics(), this::isReady);
        PrometheusMeterRegistry registry = life.registry();
        reloads.bindTo(registry);

        TransportSettings settings = platformSettings(TransportSettingsMapping.of(config));
        UdpGso gso = new UdpGso(config.transport().udpGso(), config.transport().udpGsoRetry());
        dataPath = life.closeLater(new RelayDataPath(
                config.relaySettings(), config.peers(), Clock.monotonic(), Transport.udpSenders(gso)));
        new DataPathMetrics(DataPathRole.RELAY, dataPath.counters()).bindTo(registry);
        new PeerTableMetrics(PeerStats.of(dataPath.peers())).bindTo(registry);
        registry.getPrometheusRegistry().register(new WriteLatencyCollector(dataPath.counters()));

        Transport transport = life.closeLater(transports.start(settings, dataPath));
        life.bindLoopMeters(transport.eventLoops(), transport.socketBuffers());
        UdpGsoMetrics.bindTo(registry, gso.mode().label(), gso::inUse, gso::refusedDestinations);
        tun = transport.tunDevice();
        if (tun instanceof LinuxTunDevice linux) { // a BSD tunnel has neither offloads nor receive queues to steer
            TunOffloadMetrics.bindTo(registry, settings.tunOffload(), linux);
            RpsQueues.setUp(config.tun().receiveSteering(), linux, config.tun().persistent())
                    .forEach(LOG::warn);
        }
        this.transport = transport;
        life.markReady();
        warmUp(config.relay().warmUpPeers(), gso);
        warnIfNotForwarding();
        watchConntrack(registry);
        LOG.info(
                "jmiredo {} relay ({}) ready: UDP {} on {} event loops, TUN {} (mtu {}, route {}), offloads {}, "
                        + "metrics http://{}/metrics, configuration {}",
                Version.current(),
                config.relay().type().label(),
                HostPort.of(transport.localAddress()),
                transport.eventLoops().size(),
                transport.tunDevice().name(),
                config.tun().mtu(),
                settings.tunnelInterface(transport.tunDevice().name()).prefixText(),
                transport.tunDevice().offloadsLabel(),
                HostPort.of(metrics.localAddress()),
                config.sources());
    }

    /**
     * The settings as this host's tunnel can serve them ({@link TunnelPlatform#fit}): unchanged on Linux, one event
     * loop on the BSDs and macOS. The data path is sized by them, so they are settled before it is built.
     */
    private static TransportSettings platformSettings(TransportSettings settings) throws IOException {
        return TunnelPlatform.current().fit(settings);
    }

    /**
     * Once ready, synthetic handshakes through the handshake path so that the JIT has compiled it before the
     * first burst of real peers; between the loop's reads, seen by no peer, tunnel or metric (HandshakeWarmUp).
     */
    private void warmUp(int peers, UdpGso gso) {
        if (peers == 0) {
            return;
        }
        warmUp = dataPath.warmUp(peers, Transport.discardingSenders(gso)).result();
        warmUp.whenComplete((result, failure) -> {
            if (failure != null && !life.isClosed()) {
                LOG.warn("the handshake warm-up ended early: {}", failure.toString());
            }
        });
    }

    /** The warm-up started at ready, if {@code jmiredo.relay.warm-up-peers} asked for one. */
    Optional<CompletableFuture<HandshakeWarmUp.Result>> warmUp() {
        return Optional.ofNullable(warmUp);
    }

    /** A relay on a host that does not forward IPv6 starts fine and carries nothing: say so once. */
    private static void warnIfNotForwarding() {
        Path forwarding = Path.of("/proc/sys/net/ipv6/conf/all/forwarding");
        try {
            if (Files.exists(forwarding) && Files.readString(forwarding).trim().equals("0")) {
                LOG.warn("IPv6 forwarding is off (net.ipv6.conf.all.forwarding = 0): packets between the "
                        + "tunnel and the IPv6 network will not be forwarded; set it to 1");
            }
        } catch (IOException e) {
            LOG.debug("cannot read {}", forwarding, e);
        }
    }

    /**
     * The host's connection tracking, where the kernel has it: its table in /metrics, and one warning when it
     * is in use in our namespace with a limit below our peer capacity (HostConntrack). Nothing elsewhere.
     */
    private void watchConntrack(PrometheusMeterRegistry registry) {
        HostConntrack.find(Path.of("/proc")).ifPresent(conntrack -> {
            conntrack.bindTo(registry);
            conntrack.capacityWarning(config.peers().maxPeers()).ifPresent(LOG::warn);
        });
    }

    /**
     * Behind /readyz: the TUN device is up and the UDP sockets are bound (to an address the host still has,
     * when it is a specific one), and we are not stopping.
     */
    public boolean isReady() {
        Transport current = transport;
        return life.isReady() && !tunnelGone() && (current == null || current.tunnelServing()) && bound.present();
    }

    /**
     * True when the tunnel was deleted under the running relay ("ip link del", a host script): the relay
     * can carry nothing any more, and only a new start creates the device again (or attaches the host's).
     */
    public boolean tunnelGone() {
        TunnelDevice device = tun;
        return device != null && device.gone();
    }

    public DaemonConfig config() {
        return config;
    }

    /**
     * SIGHUP: applies what can change while running ({@code jmiredo.logging}, {@code jmiredo.icmp}, and
     * the relay's type, unknown-peer policy, trust renewal, bubbles to unknown peers and served prefixes) and says
     * which other settings changed and wait for a restart.
     */
    public synchronized void reload(DaemonConfig next) {
        DaemonConfig previous = config;
        LogSetup.apply(next.logging());
        List<String> restartOnly = ConfigChanges.restartOnly(previous, next);
        config = ConfigChanges.keepRestartOnly(previous, next);
        if (dataPath != null) {
            dataPath.update(config.relaySettings());
        }
        reloads.applied();
        if (restartOnly.isEmpty()) {
            LOG.info("configuration reloaded ({})", next.sources());
        } else {
            LOG.warn(
                    "configuration reloaded ({}); changes to {} take effect at the next restart",
                    next.sources(),
                    String.join(", ", restartOnly));
        }
    }

    /**
     * A SIGHUP whose configuration was refused (invalid, or a client's): counted before the caller logs why, so
     * that the metric has moved by the time the log says so. The running configuration stays.
     */
    public void reloadRefused() {
        reloads.refused();
    }

    /** What SIGHUP did so far, as /metrics shows it. */
    ConfigReloadMetrics reloads() {
        return reloads;
    }

    /**
     * Stops in reverse start order: transport (sockets, TUN, route), data path, metrics endpoint. Idempotent;
     * never during a {@link #reload}.
     */
    @Override
    public synchronized void close() {
        life.close();
    }
}
