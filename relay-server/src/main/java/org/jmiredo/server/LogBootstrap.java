package org.jmiredo.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's start-up configuration, found through Logback's Configurator service (META-INF/services)
 * instead of a logback.xml: reading XML loaded about 500 classes of Joran and the JDK's XML parser on
 * the start-up path (BENCHMARKS.md, "Startup to ready" and "Third iteration: loss at 90 % and startup").
 * Once the configuration is read, {@link LogSetup#apply} sets what {@code jmiredo.logging} asks for.
 */
public final class LogBootstrap extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LogSetup.startUp(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
