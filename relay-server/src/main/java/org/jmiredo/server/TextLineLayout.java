package org.jmiredo.server;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The text log line, {@code 2026-11-27T09:31:37.123+00:00 INFO  [main] o.j.server.RelayDaemon: message}: what
 * Logback's PatternLayout made of {@link LogSetup#TEXT_PATTERN}, written out. PatternLayout's class registers about
 * 60 converters as method references, and the JDK spins a class for each at every start (the AOT cache keeps no
 * lambda under ZGC in JDK 25), then compiles the pattern: most of Logback's share of the main thread's start
 * (BENCHMARKS.md, "Twelfth iteration: start-up"). {@code TextLineLayoutTest} holds it to PatternLayout's output.
 */
final class TextLineLayout extends LayoutBase<ILoggingEvent> {
    /** {@code %logger{36}}: longer names get their packages cut to one letter, leftmost first. */
    static final int LOGGER_LENGTH = 36;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final int LEVEL_WIDTH = 5;

    private final ZoneId zone = ZoneId.systemDefault();
    private ThrowableProxyConverter throwables; // made at the first event that carries one

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()).atZone(zone), line);
        line.append(' ').append(event.getLevel());
        for (int pad = event.getLevel().toString().length(); pad < LEVEL_WIDTH; pad++) {
            line.append(' ');
        }
        line.append(" [").append(event.getThreadName()).append("] ");
        line.append(abbreviate(event.getLoggerName(), LOGGER_LENGTH))
                .append(": ")
                .append(event.getFormattedMessage())
                .append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            line.append(throwables().convert(event));
        }
        return line.toString();
    }

    /** PatternLayout's own stack trace format (it appends {@code %ex} to a pattern that has none). */
    private synchronized ThrowableProxyConverter throwables() {
        if (throwables == null) {
            ThrowableProxyConverter converter = new ThrowableProxyConverter();
            converter.setContext(getContext());
            converter.start();
            throwables = converter;
        }
        return throwables;
    }

    /**
     * {@code name} in at most {@code length} characters where it can be: from {@code length} on, each package, from
     * the left, cut to its first letter until the name fits; the class name is never cut.
     */
    static String abbreviate(String name, int length) {
        if (name.length() < length) {
            return name;
        }
        // As Logback does: a name of exactly the length gets its first package cut too.
        int last = name.lastIndexOf('.');
        StringBuilder cut = new StringBuilder(length);
        int remaining = name.length();
        int start = 0;
        while (start < last) {
            int dot = name.indexOf('.', start);
            if (dot > start) {
                cut.append(name.charAt(start));
                remaining -= dot - start - 1;
            }
            cut.append('.');
            start = dot + 1;
            if (remaining <= length) {
                break;
            }
        }
        return cut.append(name, start, name.length()).toString();
    }
}
