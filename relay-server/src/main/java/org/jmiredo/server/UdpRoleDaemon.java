package org.jmiredo.server;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.proto.Teredo;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.HostPort;
import org.jmiredo.server.metrics.DataPathMetrics;
import org.jmiredo.server.metrics.HostConntrack;
import org.jmiredo.server.metrics.MetricsServer;
import org.jmiredo.server.transport.TransportSettings;
import org.jmiredo.server.transport.UdpLoops;
import org.slf4j.LoggerFactory;

/**
 * The life of a daemon whose data path is UDP channels only ({@code jmiredo server}, {@code jmiredo mire}):
 * start in order (metrics endpoint, so that /healthz answers and /readyz says 503 during start-up; the
 * event loops; the role's sockets and handlers), report ready, stop in reverse order: the same
 * {@link DaemonLifecycle} as {@link RelayDaemon}'s; the metrics are the role's counters summed over the channels.
 */
abstract class UdpRoleDaemon implements AutoCloseable {
    private final DaemonLifecycle life = new DaemonLifecycle(EarlyStart.meters());
    final DaemonConfig config;
    /** Set once preflight has checked them; none before. */
    private volatile BoundAddresses bound = BoundAddresses.of(Map.of());

    UdpRoleDaemon(DaemonConfig config) {
        this.config = config;
    }

    /** Checks what the role needs before anything starts (addresses assigned, ...). */
    abstract void preflight() throws StartupException;

    /**
     * Opens what the data path uses besides the loops (a raw socket); registered with {@link #closeLater}
     * here, it is closed only after the loops have stopped.
     */
    void beforeLoops() throws IOException {}

    /** Binds the role's channels on {@code loops}; registers what must be closed with {@link #closeLater}. */
    abstract void bind(UdpLoops loops) throws IOException, StartupException;

    /** The event loops' settings; a role may narrow them (the client runs on one loop). */
    TransportSettings transportSettings() {
        return TransportSettingsMapping.of(config);
    }

    /**
     * The specific addresses the role's sockets bind (0 for all), by the key that set them: /readyz says 503
     * while one has left the host ({@link BoundAddresses}). Asked after {@link #preflight}.
     */
    Map<String, Integer> boundAddresses() {
        return Map.of();
    }

    /** Besides the sockets being bound: whether the role can serve now (the client: qualified). */
    boolean roleReady() {
        return true;
    }

    /** Registers the role's own meters besides its data-path counters (the client's state). */
    void bindMeters(MeterRegistry registry) {}

    /**
     * The role's name in its connection-tracking warning ("server", "mire"), or null for a role that takes UDP
     * from its server only (the client): a server or mire answers any source, each of which takes an entry of
     * the host's table where conntrack is in use ({@link HostConntrack}).
     */
    String conntrackRole() {
        return null;
    }

    /** The UDP ports the role answers any source on, for the connection-tracking warning's remedy. */
    List<Integer> conntrackPorts() {
        return List.of(Teredo.SERVICE_PORT);
    }

    /** The data path this daemon runs: which of the counters it exposes. */
    abstract DataPathRole dataPathRole();

    /** The per-channel counters to expose. */
    abstract List<DataPathCounters> counters();

    /** One line for the log once ready, e.g. "server on 198.51.100.1:3544 and 198.51.100.2:3544". */
    abstract String describe();

    /** Starts everything, or stops again what was started and rethrows. */
    final void startAll() throws StartupException {
        life.start(this::startSteps);
    }

    private void startSteps() throws IOException, StartupException {
        preflight();
        bound = BoundAddresses.of(boundAddresses());
        MetricsServer metrics = life.startMetrics(config.metrics(), this::isReady);
        beforeLoops();
        UdpLoops loops = life.closeLater(UdpLoops.start(transportSettings()));
        bind(loops);
        new DataPathMetrics(dataPathRole(), counters()).bindTo(life.registry());
        bindMeters(life.registry());
        watchConntrack(life.registry());
        life.bindLoopMeters(loops.eventLoops(), loops.socketBuffers());
        life.markReady();
        LoggerFactory.getLogger(getClass())
                .info(
                        "jmiredo {} {} ready: {} event loops ({}), metrics http://{}/metrics, configuration {}",
                        Version.current(),
                        describe(),
                        loops.eventLoops().size(),
                        loops.kind(),
                        HostPort.of(metrics.localAddress()),
                        config.sources());
    }

    /**
     * The host's connection tracking, where the kernel has it and the role answers any source: its table in
     * /metrics, and one warning when it is in use in our namespace (as the relay's). Nothing elsewhere.
     */
    private void watchConntrack(MeterRegistry registry) {
        String role = conntrackRole();
        if (role != null) {
            HostConntrack.find(Path.of("/proc")).ifPresent(conntrack -> {
                conntrack.bindTo(registry);
                conntrack.floodWarning(role, conntrackPorts()).ifPresent(LoggerFactory.getLogger(getClass())::warn);
            });
        }
    }

    /** Closed by {@link #close} before what was started earlier (reverse order). */
    final void closeLater(AutoCloseable resource) {
        life.closeLater(resource);
    }

    /**
     * Behind /readyz: every socket is bound, to addresses the host still has, the role can serve, and the
     * daemon is not stopping.
     */
    final boolean isReady() {
        return life.isReady() && roleReady() && bound.present();
    }

    /** The endpoint's /metrics text, scraped here (tests). */
    final String scrape() {
        return life.registry().scrape();
    }

    /** Stops in reverse start order. Idempotent. */
    @Override
    public final void close() {
        life.close();
    }
}
