package org.jmiredo.server;

import java.util.concurrent.Callable;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.ValueParsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jmiredo mire}: Miredo's teredo-mire, a stateless ICMPv6 echo responder over Teredo, until SIGTERM. */
@Command(name = "mire", mixinStandardHelpOptions = true,
        description = "Run a Teredo echo responder (like Miredo's teredo-mire) on UDP 3544 and 3545 of ADDRESS; "
                + "its Teredo address is <prefix>:<ADDRESS>:0:<~3545>:<~ADDRESS>.")
final class MireCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(MireCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    RoleOptions options;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "The IPv4 address to listen on: 0.0.0.0 (default, all) or a global unicast address of this host.")
    String bind;

    @Override
    public Integer call() throws Exception {
        int address;
        try {
            address = ValueParsers.bindAddress(bind);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--bind: " + e.getMessage());
        }
        DaemonConfig config = ConfigLoader.load(options.sources(null));
        LogSetup.apply(config.logging());
        return DaemonRun.untilStopped(() -> MireDaemon.start(config, address), LOG);
    }
}
