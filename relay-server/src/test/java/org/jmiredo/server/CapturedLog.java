package org.jmiredo.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The client daemon's log lines (its parts log under ClientDaemon), captured until closed. */
final class CapturedLog implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(ClientDaemon.class);

    CapturedLog() {
        appender.start();
        log.addAppender(appender);
    }

    /** The lines at {@code level}, formatted. */
    List<String> at(Level level) {
        return appender.list.stream()
                .filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    List<ILoggingEvent> all() {
        return appender.list;
    }

    @Override
    public void close() {
        log.detachAppender(appender);
    }
}
