package org.jmiredo.server;

import java.util.concurrent.Callable;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.ValueParsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** {@code jmiredo mire}: Miredo's teredo-mire, a stateless ICMPv6 echo responder over Teredo, until SIGTERM. */
final class MireCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(MireCommand.class);

    private final CommandSpec spec = RoleOptions.addTo(CliModel.command(
                    this,
                    "mire",
                    "Run a Teredo echo responder (like Miredo's teredo-mire) on UDP 3544 and 3545 of ADDRESS; "
                            + "its Teredo address is <prefix>:<ADDRESS>:0:<~3545>:<~ADDRESS>."))
            .addOption(OptionSpec.builder("--bind")
                    .paramLabel("ADDRESS")
                    .type(String.class)
                    .defaultValue("0.0.0.0")
                    .description("The IPv4 address to listen on: 0.0.0.0 (default, all) or a global unicast address "
                            + "of this host.")
                    .build());

    /** This command's model (picocli's, built by hand: {@link CliModel}). */
    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        int address;
        try {
            address = ValueParsers.bindAddress(CliModel.value(spec, "--bind"));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--bind: " + e.getMessage());
        }
        DaemonConfig config = ConfigLoader.load(RoleOptions.of(spec).sources(null));
        LogSetup.apply(config.logging());
        return DaemonRun.untilStopped(() -> MireDaemon.start(config, address), LOG);
    }
}
