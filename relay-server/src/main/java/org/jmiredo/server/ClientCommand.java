package org.jmiredo.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code jmiredo client}: a Teredo client until SIGTERM, or until its tunnel is deleted under it (exit status 1,
 * as the relay); {@code --qualify-only}: its qualification and
 * maintenance alone, without a tunnel.
 */
final class ClientCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCommand.class);

    private final CommandSpec spec = RoleOptions.addTo(CliModel.command(
                    this,
                    "client",
                    "Teredo client (RFC 4380 section 5.2) of the server jmiredo.client.server-address: qualifies, "
                            + "puts the Teredo address and routes on its tunnel (jmiredo.tun.name) and carries IPv6 to "
                            + "Teredo peers and, through relays, to native IPv6 hosts. /readyz 200 while qualified."))
            .addOption(CliModel.flag(
                    "--qualify-only",
                    "Run qualification and maintenance alone: find and keep this "
                            + "host's Teredo address without a tunnel (needs no CAP_NET_ADMIN), carrying nothing."))
            .addOption(CliModel.option(
                    "--miredo-conf",
                    "FILE",
                    Path.class,
                    "A Miredo miredo.conf for a client (RelayType client, or none with a ServerAddress: "
                            + "ServerAddress (a host name or IPv4), ServerAddress2, InterfaceName, BindAddress, BindPort, "
                            + "SyslogFacility); wins over --config where both set a key."))
            .addOption(CliModel.option(
                    "--server-address",
                    "IPV4",
                    String.class,
                    "The Teredo server's primary address; wins over jmiredo.client.server-address."));

    /** This command's model (picocli's, built by hand: {@link CliModel}). */
    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        ConfigLoader.Sources sources = RoleOptions.of(spec).sources(CliModel.value(spec, "--miredo-conf"));
        String serverAddress = CliModel.value(spec, "--server-address");
        if (serverAddress != null) {
            sources = new ConfigLoader.Sources(
                    sources.hocon(),
                    sources.miredo(),
                    sources.environment(),
                    ConfigLoader.commandLineOption("jmiredo.client.server-address", serverAddress, "--server-address")
                            .withFallback(sources.commandLine()));
        }
        DaemonConfig config = ConfigLoader.load(sources, DataPathRole.CLIENT);
        config.requireRole(DataPathRole.CLIENT);
        if (!config.client().configured()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "no Teredo server: set jmiredo.client.server-address, --server-address, or ServerAddress in "
                            + "--miredo-conf");
        }
        LogSetup.apply(config.logging());
        config.ignoredBy(DataPathRole.CLIENT).forEach(LOG::warn);
        if (Boolean.TRUE.equals(CliModel.value(spec, "--qualify-only"))) {
            return DaemonRun.untilStopped(() -> ClientQualifyDaemon.start(config), LOG);
        }
        config.client().requireOwnTunnel();
        return DaemonRun.untilStopped(
                () -> ClientDaemon.start(config),
                DaemonRun.untilTunnelGone(ClientDaemon::goneTunnel, "client", LOG),
                LOG);
    }
}
