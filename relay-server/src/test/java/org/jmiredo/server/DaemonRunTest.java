package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The run of a daemon command without its signal handlers (RelayProcessTest sends the real signals). */
class DaemonRunTest {
    private final Logger log = (Logger) LoggerFactory.getLogger(DaemonRunTest.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final List<String> seen = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    /** A daemon that notes its close. */
    private final class Daemon implements AutoCloseable {
        @Override
        public void close() {
            seen.add("closed");
        }
    }

    /** Notes when it is told the daemon is up. */
    private final class NotedHangup implements DaemonRun.Hangup<Daemon> {
        @Override
        public void signalled() {
            throw new AssertionError("no signal in this test");
        }

        @Override
        public void started(Daemon daemon) {
            seen.add("up");
        }
    }

    DaemonRunTest() {
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void detach() {
        log.detachAppender(logged);
    }

    private List<String> lines() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aStopDuringStartUpStopsTheDaemonOnceUpWithStatusZero() throws Exception {
        int status = DaemonRun.run(
                stop,
                () -> {
                    stop.countDown(); // SIGTERM while starting
                    return new Daemon();
                },
                new NotedHangup(),
                null,
                log);

        assertThat(status).isZero();
        assertThat(seen).containsExactly("up", "closed");
        assertThat(lines()).containsExactly("stopping", "stopped");
    }

    @Test
    void theWatchsStatusEndsTheRunAndClosesTheDaemon() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        int status = DaemonRun.run(
                stop,
                Daemon::new,
                new NotedHangup(),
                daemon -> looks.incrementAndGet() < 2 ? 0 : DaemonRun.TUNNEL_GONE,
                log);

        assertThat(status).isEqualTo(DaemonRun.TUNNEL_GONE);
        assertThat(looks).hasValue(2);
        assertThat(seen).containsExactly("up", "closed");
        assertThat(lines()).as("the watch says why itself").isEmpty();
    }

    @Test
    void aStopWinsOverAWatchThatWouldGoOn() throws Exception {
        int status = DaemonRun.run(
                stop,
                () -> {
                    stop.countDown();
                    return new Daemon();
                },
                new NotedHangup(),
                daemon -> 0,
                log);

        assertThat(status).isZero();
        assertThat(seen).containsExactly("up", "closed");
    }

    @Test
    void aFailedStartEndsTheRunWithNothingToStop() {
        StartupException refused = new StartupException("cannot bind UDP 0.0.0.0:3544", null);
        assertThatThrownBy(() -> DaemonRun.run(
                        stop,
                        () -> {
                            throw refused;
                        },
                        new NotedHangup(),
                        null,
                        log))
                .isSameAs(refused);

        assertThat(seen).as("never up, never closed here").isEmpty();
        assertThat(lines()).isEmpty();
    }
}
