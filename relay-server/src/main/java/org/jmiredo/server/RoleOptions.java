package org.jmiredo.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Optional;
import org.jmiredo.server.config.ConfigLoader;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The options every daemon command shares ({@code relay}, {@code server}, {@code mire}, {@code client}), and the
 * configuration layers they make. How the commands then run: {@link DaemonRun}.
 */
final class RoleOptions {
    private final Path config;
    private final String metricsListen;
    private final String logFormat;

    private RoleOptions(CommandSpec parsed) {
        config = CliModel.value(parsed, "--config");
        metricsListen = CliModel.value(parsed, "--metrics-listen");
        logFormat = CliModel.value(parsed, "--log-format");
    }

    /** Adds the shared options to a daemon command's model. */
    static CommandSpec addTo(CommandSpec spec) {
        return spec.addOption(CliModel.option(
                        "--config", "FILE", Path.class, "A HOCON file over the built-in reference.conf."))
                .addOption(CliModel.option(
                        "--metrics-listen",
                        "HOST:PORT",
                        String.class,
                        "Where /metrics, /healthz and /readyz are served (default 0.0.0.0:9544)."))
                .addOption(CliModel.option(
                        "--log-format", "text|json", String.class, "Log lines as text (default) or JSON."));
    }

    /** What the command line gave for the shared options of {@code parsed} (a model of {@link #addTo}). */
    static RoleOptions of(CommandSpec parsed) {
        return new RoleOptions(parsed);
    }

    /** The configuration layers: reference.conf, --config, {@code miredoConf}, environment, options. */
    ConfigLoader.Sources sources(Path miredoConf) {
        Config cli = ConfigFactory.empty();
        if (metricsListen != null) {
            cli = ConfigLoader.commandLineOption("jmiredo.metrics.listen", metricsListen, "--metrics-listen")
                    .withFallback(cli);
        }
        if (logFormat != null) {
            cli = ConfigLoader.commandLineOption("jmiredo.logging.format", logFormat, "--log-format")
                    .withFallback(cli);
        }
        return new ConfigLoader.Sources(
                Optional.ofNullable(config),
                Optional.ofNullable(miredoConf),
                ConfigFactory.systemEnvironmentOverrides(),
                cli);
    }
}
