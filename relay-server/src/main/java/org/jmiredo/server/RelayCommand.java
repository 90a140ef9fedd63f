package org.jmiredo.server;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.InvalidConfigException;
import org.jmiredo.server.sys.SignalDisposition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jmiredo relay}: runs a relay until SIGTERM or SIGINT (then stops cleanly and exits 0). SIGHUP
 * reads the same files and environment again and applies what can change while running.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Run a Teredo relay. Defaults: all IPv4 addresses, UDP 3544, interface teredo, prefix 2001::/32.")
final class RelayCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RelayCommand.class);
    /** Exit status when the tunnel was deleted under the relay (systemd's Restart=on-failure restarts it). */
    static final int TUNNEL_GONE = 1;
    private static final long TUNNEL_WATCH_MILLIS = 1000;

    @Mixin
    RoleOptions options;

    @Option(names = "--miredo-conf", paramLabel = "FILE",
            description = "A Miredo miredo.conf (RelayType cone/relay/restricted, InterfaceName, BindAddress, "
                    + "BindPort, Prefix, InterfaceMTU, SyslogFacility); wins over --config where both set a key.")
    Path miredoConf;

    @Override
    public Integer call() throws InvalidConfigException, StartupException, InterruptedException {
        ConfigLoader.Sources sources = options.sources(miredoConf);
        DaemonConfig initial = ConfigLoader.load(sources);
        initial.requireRole(DataPathRole.RELAY);
        LogSetup.apply(initial.logging());
        // Handled before starting: a TERM during start-up stops the daemon as soon as it is up, and a HUP then
        // (the JVM's default for it is to exit) reloads once it is up: "ready" is logged inside start().
        CountDownLatch stop = new CountDownLatch(1);
        Signals.handle("TERM", stop::countDown);
        Signals.handle("INT", stop::countDown);
        Reloads reloads = new Reloads(sources);
        Signals.handleEvenIfIgnored("HUP", SignalDisposition.SIGHUP, reloads::signalled);
        try (RelayDaemon daemon = RelayDaemon.start(initial)) {
            // A safety net for exits that bypass the handlers (System.exit elsewhere, a JVM run with -Xrs).
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "jmiredo-shutdown"));
            reloads.started(daemon);
            if (!awaitStopOrTunnelGone(stop, daemon)) {
                LOG.error("the tunnel {} was deleted under the relay: stopping with status {} so that a supervisor "
                        + "starts it again (which creates the device anew)", daemon.config().tun().name(), TUNNEL_GONE);
                return TUNNEL_GONE;
            }
            LOG.info("stopping");
        }
        LOG.info("stopped");
        return 0;
    }

    /** False when the tunnel went first: a relay without it carries nothing, yet would look alive. */
    private static boolean awaitStopOrTunnelGone(CountDownLatch stop, RelayDaemon daemon) throws InterruptedException {
        while (!stop.await(TUNNEL_WATCH_MILLIS, TimeUnit.MILLISECONDS)) {
            if (daemon.tunnelGone()) {
                return false;
            }
        }
        return true;
    }

    /** SIGHUP: a reload of the running daemon, or, during start-up, one as soon as it is up. One at a time. */
    private static final class Reloads {
        private final ConfigLoader.Sources sources;
        private RelayDaemon daemon; // guarded by this
        private boolean pending; // guarded by this: a HUP came before the daemon was up

        Reloads(ConfigLoader.Sources sources) {
            this.sources = sources;
        }

        synchronized void signalled() {
            if (daemon == null) {
                pending = true;
                return;
            }
            reload();
        }

        synchronized void started(RelayDaemon running) {
            daemon = running;
            if (pending) {
                pending = false;
                LOG.info("SIGHUP arrived during start-up: reloading now");
                reload();
            }
        }

        private void reload() {
            try {
                daemon.reload(ConfigLoader.load(sources));
            } catch (InvalidConfigException e) {
                LOG.error("SIGHUP: configuration not reloaded, the running one stays: {}",
                        String.join("; ", e.problems()));
            } catch (RuntimeException e) {
                LOG.error("SIGHUP: configuration not reloaded: {}", e.toString());
            }
        }
    }
}
