package org.jmiredo.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.sys.SignalDisposition;
import picocli.CommandLine.Option;

/**
 * The options {@code jmiredo server} and {@code jmiredo mire} share with {@code relay} (a picocli mixin),
 * and their run-until-signal loop: SIGTERM or SIGINT stop the daemon cleanly and the command exits 0;
 * SIGHUP is logged and ignored (nothing of these roles changes at run time).
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

    /** Something started that runs until stopped. */
    @FunctionalInterface
    interface Starter<D extends AutoCloseable> {
        D start() throws StartupException;
    }

    /**
     * Installs the TERM/INT handlers (before starting: a TERM during start-up stops the daemon as soon as
     * it is up), starts, waits for a signal, stops.
     */
    static <D extends AutoCloseable> void runUntilSignalled(Starter<D> starter, org.slf4j.Logger log)
            throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Signals.handle("TERM", stop::countDown);
        Signals.handle("INT", stop::countDown);
        // The JVM's default for SIGHUP is to exit; an init system's "reload" must not stop the service.
        Signals.handleEvenIfIgnored("HUP", SignalDisposition.SIGHUP, () -> log.warn("SIGHUP: this role reads its configuration at start only; "
                + "restart it to apply changes"));
        try (D daemon = starter.start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(daemon), "jmiredo-shutdown"));
            stop.await();
            log.info("stopping");
        }
        log.info("stopped");
    }

    private static void closeQuietly(AutoCloseable daemon) {
        try {
            daemon.close();
        } catch (Exception e) {
            // the JVM is exiting; the daemon logged what failed
        }
    }
}
