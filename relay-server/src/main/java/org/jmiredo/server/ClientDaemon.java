package org.jmiredo.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.pipeline.client.ClientDataPath;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.HostPort;
import org.jmiredo.server.metrics.DataPathMetrics;
import org.jmiredo.server.metrics.MetricsServer;
import org.jmiredo.server.metrics.PeerTableMetrics;
import org.jmiredo.server.metrics.UdpGsoMetrics;
import org.jmiredo.server.netlink.ClientInterface;
import org.jmiredo.server.netlink.ClientTunnelInterface;
import org.jmiredo.server.transport.Transport;
import org.jmiredo.server.transport.TransportSettings;
import org.jmiredo.server.transport.UdpGso;
import org.jmiredo.server.tun.bsd.BsdClientInterface;
import org.jmiredo.server.tun.bsd.BsdFlavor;
import org.jmiredo.server.tun.bsd.Commands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code jmiredo client}: a Teredo client (RFC 4380 §5.2) on one event loop with one UDP socket and its own
 * tunnel. Start order as the relay's: metrics endpoint (/readyz 503 meanwhile), data path, transport (the
 * tunnel up without an address, the socket bound); the qualification then puts the Teredo address and the
 * routes on the tunnel, and takes them off while not qualified. /readyz says 200 only while qualified.
 */
public final class ClientDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientDaemon.class);
    /** A client talks to few peers: the relay's table bounds, capped (each peer costs memory up front). */
    private static final int MAX_PEERS = 4096;

    private static final int MAX_QUEUED_PEERS = 256;
    /** The key /readyz's address check names (also when miredo.conf's BindAddress set it). */
    static final String BIND_ADDRESS_KEY = "jmiredo.client.bind-address";

    private final DaemonLifecycle life = new DaemonLifecycle(EarlyStart.meters());
    private final DaemonConfig config;
    private final QualificationSettings settings;
    private final ClientReport report;
    private final ClientTunnelInterface tunnel;
    private final ClientTunnelAddress address;
    /** The socket's specific address, if any: /readyz says 503 while the host lacks it, as the relay's. */
    private final BoundAddresses bound;

    private volatile Transport transport;

    private ClientDaemon(DaemonConfig config) {
        this.config = config;
        this.settings = config.client().settings(config.relay().prefix());
        this.report = new ClientReport(settings, config.tun().mtu(), this::addressChanged);
        this.tunnel = tunnelInterface(config.client().defaultRoute());
        this.address = new ClientTunnelAddress(ClientTunnelAddress.Tunnel.of(tunnel));
        this.bound = BoundAddresses.of(Map.of(BIND_ADDRESS_KEY, config.client().bindAddress()));
    }

    /** The tunnel's interface calls: rtnetlink on Linux, ifconfig and route on the BSDs and macOS. */
    private static ClientTunnelInterface tunnelInterface(boolean defaultRoute) {
        Optional<BsdFlavor> bsd = BsdFlavor.current();
        return bsd.isPresent()
                ? new BsdClientInterface(bsd.get(), Commands.SYSTEM, defaultRoute)
                : new ClientInterface(defaultRoute);
    }

    /** Starts everything, or nothing: on failure what was started is stopped again. */
    public static ClientDaemon start(DaemonConfig config) throws StartupException {
        ClientDaemon daemon = new ClientDaemon(config);
        daemon.life.start(daemon::startAll);
        return daemon;
    }

    private void startAll() throws IOException {
        life.closeLater(address); // after the transport: its last withdrawal still runs
        MetricsServer metrics = life.startMetrics(config.metrics(), this::isReady);
        PrometheusMeterRegistry registry = life.registry();
        UdpGso gso = new UdpGso(config.transport().udpGso(), config.transport().udpGsoRetry());
        ClientDataPath dataPath = life.closeLater(new ClientDataPath(
                settings,
                report,
                peerSettings(config.peers()),
                config.icmp().errorsPerSecond(),
                Clock.monotonic(),
                Transport.udpSenders(gso)));
        dataPath.lookUpServers(lookup(config, settings))
                .answerBudgets(
                        config.client().originBubblesPerSecond(),
                        config.client().echoTestsPerSecond());
        new DataPathMetrics(DataPathRole.CLIENT, dataPath.counters()).bindTo(registry);
        new PeerTableMetrics(PeerStats.of(dataPath.peers())).bindTo(registry); // packets queued, then discarded
        report.bindTo(registry);
        address.bindTo(registry);
        TransportSettings transportSettings = TransportSettingsMapping.client(config);
        Transport running = life.closeLater(Transport.start(transportSettings, dataPath, tunnel));
        transport = running;
        life.bindLoopMeters(running.eventLoops(), running.socketBuffers());
        UdpGsoMetrics.bindTo(registry, gso.mode().label(), gso::inUse, gso::refusedDestinations);
        life.markReady();
        LOG.info(
                "jmiredo {} Teredo client of server {} and {} started: UDP {}, TUN {} (mtu {}), metrics http://{}"
                        + "/metrics, configuration {}",
                Version.current(),
                Ipv4.toString(settings.primaryServer()),
                Ipv4.toString(settings.secondaryServer()),
                HostPort.of(running.localAddress()),
                running.tunDevice().name(),
                config.tun().mtu(),
                HostPort.of(metrics.localAddress()),
                config.sources());
    }

    /** The lookup of the server's host names after a failed round, stopped with the daemon; null without names. */
    private ServerNameLookup lookup(DaemonConfig config, QualificationSettings servers) {
        ServerNameLookup lookup =
                ServerNameLookup.of(config.client().serverNames(), servers.primaryServer(), servers.secondaryServer());
        return lookup == null ? null : life.closeLater(lookup);
    }

    static PeerTableSettings peerSettings(PeerTableSettings relay) {
        return new PeerTableSettings(
                Math.min(relay.maxPeers(), MAX_PEERS),
                1,
                relay.idleSeconds(),
                relay.queueBytesPerPeer(),
                Math.min(relay.maxQueuedPeers(), MAX_QUEUED_PEERS));
    }

    /** On the event loop: hands the change to the netlink thread. */
    private void addressChanged(long[] teredo, int mtu) {
        if (!life.isClosed()) {
            address.changed(teredo, mtu);
        }
    }

    /**
     * Behind /readyz: qualified with the address and its routes on the tunnel, the tunnel up and the socket bound
     * (to an address the host still has, when it is a specific one: a socket bound to an address that left the
     * host sends and receives nothing, and the client would lose its server only after three refreshes), and not
     * stopping.
     */
    public boolean isReady() {
        Transport current = transport;
        return life.isReady()
                && report.qualified()
                && address.onTunnel()
                && current != null
                && current.tunnelServing()
                && bound.present();
    }

    /** The tunnel's name once it was deleted under the running client (nothing brings it back), else null. */
    String goneTunnel() {
        Transport current = transport;
        return current != null && current.tunDevice().gone()
                ? current.tunDevice().name()
                : null;
    }

    /** The Teredo address while qualified, else "". */
    public String teredoAddress() {
        return report.teredoAddress();
    }

    /** Stops in reverse start order. Idempotent. */
    @Override
    public void close() {
        life.close();
    }
}
