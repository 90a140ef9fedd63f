package org.jmiredo.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Optional;
import org.jmiredo.server.config.ConfigLoader;
import picocli.CommandLine.Option;

/**
 * The options every daemon command shares ({@code relay}, {@code server}, {@code mire}, {@code client}): a
 * picocli mixin. How the commands then run: {@link DaemonRun}.
 */
final class RoleOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON file over the built-in reference.conf.")
    Path config;

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT",
            description = "Where /metrics, /healthz and /readyz are served (default 0.0.0.0:9544).")
    String metricsListen;

    @Option(names = "--log-format", paramLabel = "text|json", description = "Log lines as text (default) or JSON.")
    String logFormat;

    /** The configuration layers: reference.conf, --config, {@code miredoConf}, environment, options. */
    ConfigLoader.Sources sources(Path miredoConf) {
        Config cli = ConfigFactory.empty();
        if (metricsListen != null) {
            cli = ConfigLoader.commandLineOption("jmiredo.metrics.listen", metricsListen, "--metrics-listen")
                    .withFallback(cli);
        }
        if (logFormat != null) {
            cli = ConfigLoader.commandLineOption("jmiredo.logging.format", logFormat, "--log-format").withFallback(cli);
        }
        return new ConfigLoader.Sources(Optional.ofNullable(config), Optional.ofNullable(miredoConf),
                ConfigFactory.systemEnvironmentOverrides(), cli);
    }
}
