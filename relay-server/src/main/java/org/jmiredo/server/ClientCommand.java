package org.jmiredo.server;

import java.util.concurrent.Callable;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jmiredo client --qualify-only}: the Teredo client's qualification and maintenance, until SIGTERM.
 * Without {@code --qualify-only} it refuses to start: the data path (tunnel, bubbles, relays) is not built,
 * and a client that qualified but carried nothing would look as if it worked.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Teredo client (RFC 4380 section 5.2) of the server jmiredo.client.server-address. Only "
                + "qualification and maintenance are built: with --qualify-only it finds this host's Teredo address "
                + "and keeps it alive (/readyz 200 while qualified), but carries no IPv6 traffic yet.")
final class ClientCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    RoleOptions options;

    @Option(names = "--qualify-only", description = "Run qualification and maintenance alone (required: the "
            + "client's tunnel and data path are not built yet).")
    boolean qualifyOnly;

    @Option(names = "--server-address", paramLabel = "IPV4",
            description = "The Teredo server's primary address; wins over jmiredo.client.server-address.")
    String serverAddress;

    @Override
    public Integer call() throws Exception {
        if (!qualifyOnly) {
            throw new ParameterException(spec.commandLine(), "the Teredo client's data path (tunnel, bubbles, relays) "
                    + "is not built yet; only --qualify-only (qualification and maintenance, no traffic) is available");
        }
        ConfigLoader.Sources sources = options.sources(null);
        if (serverAddress != null) {
            sources = new ConfigLoader.Sources(sources.hocon(), sources.miredo(), sources.environment(),
                    ConfigLoader.commandLineOption("jmiredo.client.server-address", serverAddress, "--server-address")
                            .withFallback(sources.commandLine()));
        }
        DaemonConfig config = ConfigLoader.load(sources);
        if (!config.client().configured()) {
            throw new ParameterException(spec.commandLine(),
                    "no Teredo server: set jmiredo.client.server-address or --server-address");
        }
        LogSetup.apply(config.logging());
        RoleOptions.runUntilSignalled(() -> ClientDaemon.start(config), LOG);
        return 0;
    }
}
