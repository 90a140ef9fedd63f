package org.jmiredo.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.net.SyslogAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.status.NopStatusListener;
import java.nio.charset.StandardCharsets;
import org.jmiredo.server.config.LogFormat;
import org.jmiredo.server.config.LoggingConfig;
import org.jmiredo.server.config.SyslogFacility;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code jmiredo.logging} to Logback: root level, text or JSON lines on standard error, and
 * syslog when a facility is set. Called at start-up and again on SIGHUP. The new appender is attached
 * before the old one is detached, so a line logged meanwhile may appear twice but is never lost.
 */
public final class LogSetup {
    static final String CONSOLE = "STDERR";
    static final String SYSLOG = "SYSLOG";
    /** The text lines' format in Logback's pattern syntax; {@link TextLineLayout} writes it without a PatternLayout. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36}: %msg%n";

    private LogSetup() {}

    /**
     * The start-up configuration ({@link LogBootstrap}): the default {@code jmiredo.logging} (text lines
     * on standard error at INFO), without Logback's own status lines, and the libraries that say a lot
     * about their own start-up kept quiet.
     */
    static void startUp(LoggerContext context) {
        context.getStatusManager().add(new NopStatusListener());
        // Netty and Micrometer log much at DEBUG about their start-up; in a network namespace without a
        // hardware address Netty warns that channel ids use random bytes: harmless, not worth a warning.
        context.getLogger("io.netty").setLevel(Level.INFO);
        context.getLogger("io.micrometer").setLevel(Level.INFO);
        context.getLogger("io.netty.util.internal.MacAddressUtil").setLevel(Level.ERROR);
        apply(context, LoggingConfig.defaults());
    }

    /** Applies to the process's Logback context; does nothing if SLF4J is bound to something else. */
    public static void apply(LoggingConfig config) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            apply(context, config);
        }
    }

    static synchronized void apply(LoggerContext context, LoggingConfig config) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(config.level(), Level.INFO));
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(CONSOLE);
        console.setTarget("System.err");
        console.setEncoder(encoder(context, config.format()));
        console.start();
        replace(root, CONSOLE, console);
        if (config.syslogFacility().isPresent()) {
            replace(root, SYSLOG, syslog(context, config));
        } else {
            replace(root, SYSLOG, null);
        }
    }

    /** JSON lines, or text lines as {@link #TEXT_PATTERN} says (written out by {@link TextLineLayout}). */
    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format) {
        LayoutBase<ILoggingEvent> layout = format == LogFormat.JSON ? new JsonLineLayout() : new TextLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }

    /**
     * Logback's SyslogAppender: RFC 3164 messages over UDP to logging.syslog-address (localhost:514 by
     * default), tagged "jmiredo[PID]:". The local syslog daemon must listen on UDP (rsyslog's imudp).
     */
    private static Appender<ILoggingEvent> syslog(LoggerContext context, LoggingConfig config) {
        SyslogFacility facility = config.syslogFacility().orElseThrow();
        SyslogAppender syslog = new SyslogAppender();
        syslog.setContext(context);
        syslog.setName(SYSLOG);
        syslog.setSyslogHost(config.syslogAddress().host());
        syslog.setPort(config.syslogAddress().port());
        syslog.setFacility(facility.name());
        syslog.setSuffixPattern("jmiredo[" + ProcessHandle.current().pid() + "]: %logger{0}: %msg");
        syslog.setStackTracePattern("jmiredo[" + ProcessHandle.current().pid() + "]: \t");
        syslog.start();
        return syslog;
    }

    private static void replace(Logger root, String name, Appender<ILoggingEvent> replacement) {
        Appender<ILoggingEvent> old = root.getAppender(name);
        if (replacement != null) {
            root.addAppender(replacement);
        }
        if (old != null && old != replacement) {
            root.detachAppender(old);
            old.stop();
        }
    }
}
