package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TextLineLayout} writes what Logback's PatternLayout wrote for {@link LogSetup#TEXT_PATTERN}. */
class TextLineLayoutTest {
    private final LoggerContext context = new LoggerContext();

    private String pattern(LoggingEvent event) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(LogSetup.TEXT_PATTERN);
        layout.start();
        return layout.doLayout(event);
    }

    private String text(LoggingEvent event) {
        TextLineLayout layout = new TextLineLayout();
        layout.setContext(context);
        layout.start();
        return layout.doLayout(event);
    }

    private LoggingEvent event(String logger, Level level, String message, Throwable thrown, Object... args) {
        LoggingEvent event =
                new LoggingEvent(getClass().getName(), context.getLogger(logger), level, message, thrown, args);
        event.setTimeStamp(1_795_767_097_123L);
        return event;
    }

    @Test
    void everyLevelAndLoggerNameAsPatternLayoutWroteThem() {
        List<String> loggers = List.of(
                "x",
                "org.jmiredo.server.RelayDaemon",
                "org.jmiredo.server.config.ConfigLoader",
                "org.jmiredo.server.transport.TransportSettingsMappingX",
                "io.netty.util.internal.MacAddressUtil",
                "io.micrometer.core.instrument.binder.jvm.JvmGcMetrics",
                "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t",
                "averyveryveryveryveryverylongpackagename.Clazz",
                "noPackageButAVeryLongNameThatIsLongerThan36",
                "org.jmiredo.server.AClassNameThatAloneIsLongerThanThirtySixCharacters",
                "org..jmiredo.server.Empty",
                ".org.jmiredo.server.LeadingDotAndLongName",
                "org.jmiredo.server.metrics.TrailingDot.",
                "ROOT",
                "org.jmiredo.server.config.abcdefghi",
                "org.jmiredo.server.config.abcdefghij",
                "org.jmiredo.server.config.abcdefghijkl",
                "org.jmiredo.server.config.abcdefghijklm",
                "ab.cd.efghijklmnopqrstuvwxyz0123456789",
                "org.jmiredo.server.metrics.PrometheusEndpointX.Inner");
        for (String logger : loggers) {
            for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
                LoggingEvent event = event(logger, level, "peer {} after {} ms", null, "198.51.100.3", 42);
                assertThat(text(event)).as(logger + " " + level).isEqualTo(pattern(event));
            }
        }
    }

    @Test
    void messagesThreadsAndTimesAsPatternLayoutWroteThem() {
        for (String message : List.of("", "plain", "two\nlines", "tab\tand unicode \u00e9\u2028", "{} {}")) {
            LoggingEvent event = event("org.jmiredo.server.Main", Level.INFO, message, null, "a");
            event.setThreadName("jmiredo-early-start");
            assertThat(text(event)).as(message).isEqualTo(pattern(event));
        }
        for (long millis : new long[] {0, 1, 999, 1_000, 1_795_767_097_001L, 4_102_444_800_000L}) {
            LoggingEvent event = event("x", Level.WARN, "at {}", null, millis);
            event.setTimeStamp(millis);
            event.setThreadName("main");
            assertThat(text(event)).as("%d ms", millis).isEqualTo(pattern(event));
        }
    }

    @Test
    void stackTracesAsPatternLayoutWroteThem() {
        IOException cause = new IOException("no such device");
        IllegalStateException thrown = new IllegalStateException("the tunnel teredo is gone", cause);
        thrown.addSuppressed(new UncheckedIOException("close", new IOException("EBADF")));
        for (Throwable t : List.of(new RuntimeException(), cause, thrown)) {
            LoggingEvent event = event("org.jmiredo.server.RelayDaemon", Level.ERROR, "failed", t);
            assertThat(text(event)).as(t.toString()).isEqualTo(pattern(event)).contains("\tat ");
        }
    }
}
