package org.jmiredo.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jmiredo server}: runs a Teredo server until SIGTERM or SIGINT (then stops cleanly, exit 0). */
final class ServerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    private final CommandSpec spec = RoleOptions.addTo(CliModel.command(
                    this,
                    "server",
                    "Run a Teredo server (RFC 4380 section 5.3) on UDP 3544 of two IPv4 addresses of this host "
                            + "(jmiredo.server.primary-address and secondary-address, default primary + 1)."))
            .addOption(CliModel.option(
                    "--miredo-conf",
                    "FILE",
                    Path.class,
                    "A Miredo miredo-server.conf (ServerBindAddress, ServerBindAddress2, Prefix, InterfaceMTU, "
                            + "SyslogFacility); wins over --config where both set a key."));

    /** This command's model (picocli's, built by hand: {@link CliModel}). */
    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        ConfigLoader.Sources sources = RoleOptions.of(spec).sources(CliModel.value(spec, "--miredo-conf"));
        DaemonConfig config = ConfigLoader.load(sources, DataPathRole.SERVER);
        LogSetup.apply(config.logging());
        return DaemonRun.untilStopped(() -> ServerDaemon.start(config), LOG);
    }
}
