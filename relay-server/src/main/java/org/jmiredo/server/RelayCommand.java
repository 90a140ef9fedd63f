package org.jmiredo.server;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.InvalidConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jmiredo relay}: runs a relay until SIGTERM or SIGINT (then stops cleanly and exits 0). SIGHUP
 * reads the same files and environment again and applies what can change while running.
 */
final class RelayCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RelayCommand.class);

    private final CommandSpec spec = RoleOptions.addTo(CliModel.command(
                    this,
                    "relay",
                    "Run a Teredo relay. Defaults: all IPv4 addresses, UDP 3544, interface teredo, prefix 2001::/32."))
            .addOption(
                    CliModel.option(
                            "--miredo-conf",
                            "FILE",
                            Path.class,
                            "A Miredo miredo.conf (RelayType cone/relay/restricted, InterfaceName, BindAddress, "
                                    + "BindPort, Prefix, InterfaceMTU, SyslogFacility); wins over --config where both set a key."));

    /** This command's model (picocli's, built by hand: {@link CliModel}). */
    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        ConfigLoader.Sources sources = RoleOptions.of(spec).sources(CliModel.value(spec, "--miredo-conf"));
        DaemonConfig initial = ConfigLoader.load(sources, DataPathRole.RELAY);
        initial.requireRole(DataPathRole.RELAY);
        long memory = MemoryBudget.totalMemory();
        requireMemory(initial, memory); // a restart would fail the same way: EX_CONFIG, as for a bad value
        LogSetup.apply(initial.logging());
        MemoryBudget.warning(initial.peers(), memory).ifPresent(LOG::warn);
        return DaemonRun.untilStopped(
                () -> RelayDaemon.start(initial),
                new Reloads(sources),
                DaemonRun.untilTunnelGone(d -> d.tunnelGone() ? d.config().tun().name() : null, "relay", LOG),
                LOG);
    }

    /** Refuses peer bounds the process's memory cannot hold ({@link MemoryBudget}). */
    private static void requireMemory(DaemonConfig config, long memory) throws InvalidConfigException {
        Optional<String> tooBig = MemoryBudget.problem(config.peers(), memory);
        if (tooBig.isPresent()) {
            throw new InvalidConfigException(tooBig.get());
        }
    }

    /**
     * SIGHUP: a reload of the running daemon, or, during start-up, one as soon as it is up ("ready" is logged
     * inside the start). One at a time.
     */
    private static final class Reloads implements DaemonRun.Hangup<RelayDaemon> {
        private final ConfigLoader.Sources sources;
        private RelayDaemon daemon; // guarded by this
        private boolean pending; // guarded by this: a HUP came before the daemon was up

        Reloads(ConfigLoader.Sources sources) {
            this.sources = sources;
        }

        @Override
        public synchronized void signalled() {
            if (daemon == null) {
                pending = true;
                return;
            }
            reload();
        }

        @Override
        public synchronized void started(RelayDaemon running) {
            daemon = running;
            if (pending) {
                pending = false;
                LOG.info("SIGHUP arrived during start-up: reloading now");
                reload();
            }
        }

        private void reload() {
            try {
                DaemonConfig next = ConfigLoader.load(sources, DataPathRole.RELAY);
                next.requireRole(DataPathRole.RELAY); // what the start refuses, a reload refuses too
                requireMemory(next, MemoryBudget.totalMemory()); // waits for a restart, which would refuse it
                daemon.reload(next);
            } catch (InvalidConfigException e) {
                daemon.reloadRefused();
                LOG.error(
                        "SIGHUP: configuration not reloaded, the running one stays: {}",
                        String.join("; ", e.problems()));
            } catch (RuntimeException e) {
                daemon.reloadRefused();
                LOG.error("SIGHUP: configuration not reloaded: {}", e.toString());
            }
        }
    }
}
