package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jmiredo.server.netlink.InterfaceConfigException;
import org.jmiredo.server.netlink.InterfaceConfigurator;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The watch's reading of what the configurator found, driven check by check (the timer never fires here). */
class TunnelWatchTest {
    private static final TunnelInterfaceSpec SPEC =
            TunnelInterfaceSpec.relay("teredo", 1280, TunnelInterfaceSpec.TEREDO_PREFIX, 32);
    private static final InterfaceConfigurator.Restoration IN_PLACE =
            new InterfaceConfigurator.Restoration(true, List.of());
    private static final InterfaceConfigurator.Restoration DOWN =
            new InterfaceConfigurator.Restoration(false, List.of());

    private final Deque<Object> answers = new ArrayDeque<>();
    private final AtomicBoolean deviceGone = new AtomicBoolean();
    private final Logger log = (Logger) LoggerFactory.getLogger(TunnelWatch.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private TunnelWatch watch;

    @BeforeEach
    void start() {
        logged.start();
        log.addAppender(logged);
        watch = TunnelWatch.start(scripted(), SPEC, true, deviceGone::get, Duration.ofHours(1));
    }

    @AfterEach
    void stop() {
        watch.close();
        log.detachAppender(logged);
    }

    private InterfaceConfigurator scripted() {
        return new InterfaceConfigurator() {
            @Override
            public ConfiguredInterface configure(TunnelInterfaceSpec spec) {
                throw new AssertionError("the watch never configures");
            }

            @Override
            public List<String> checkHostSetup(TunnelInterfaceSpec spec, int attachedQueues) {
                throw new AssertionError("the watch never checks a host's device");
            }

            @Override
            public Restoration restore(TunnelInterfaceSpec spec) throws InterfaceConfigException {
                return (Restoration) next();
            }

            @Override
            public boolean serving(TunnelInterfaceSpec spec) throws InterfaceConfigException {
                return (Boolean) next();
            }

            private Object next() throws InterfaceConfigException {
                Object next = answers.removeFirst();
                if (next instanceof InterfaceConfigException e) {
                    throw e;
                }
                return next;
            }
        };
    }

    @Test
    void aLinkDownIsNotServingAndSaidOnceAndWhatWasPutBackIsSaid() {
        answers.addAll(List.of(
                IN_PLACE,
                DOWN,
                DOWN,
                new InterfaceConfigurator.Restoration(
                        true, List.of("address fe80::ffff:ffff:ffff/64", "route 2001::/32")),
                IN_PLACE));
        watch.check();
        assertThat(watch.serving()).isTrue();
        assertThat(messages(Level.WARN)).isEmpty();

        watch.check();
        watch.check();
        assertThat(watch.serving()).isFalse();
        assertThat(messages(Level.WARN))
                .singleElement()
                .asString()
                .startsWith("tunnel interface teredo is down: the kernel dropped its route for 2001::/32");

        watch.check();
        assertThat(watch.serving()).isTrue();
        assertThat(messages(Level.WARN))
                .hasSize(2)
                .last()
                .asString()
                .isEqualTo(
                        "tunnel interface teredo: put back its "
                                + "address fe80::ffff:ffff:ffff/64 and route 2001::/32 (the link was set down and up, or they were deleted)");
        watch.check();
        assertThat(messages(Level.WARN)).hasSize(2);
    }

    @Test
    void aFailingCheckIsSaidOnceAndKeepsTheLastState() {
        answers.addAll(List.of(
                new InterfaceConfigException("cannot find interface teredo: No such device"),
                new InterfaceConfigException("cannot find interface teredo: No such device"),
                IN_PLACE));
        watch.check();
        watch.check();
        assertThat(watch.serving())
                .as("a vanished device is LinuxTunDevice.gone()'s to report")
                .isTrue();
        assertThat(messages(Level.WARN))
                .containsExactly(
                        "cannot check the tunnel interface teredo: cannot find interface teredo: No such device");
        watch.check();
        assertThat(answers).isEmpty();
    }

    @Test
    void aDeletedDeviceEndsTheChecksWithoutAskingNetlinkOrWarning() {
        answers.add(IN_PLACE);
        watch.check();
        deviceGone.set(true);
        watch.check();
        watch.check();
        assertThat(watch.serving()).isFalse();
        assertThat(answers)
                .as("netlink is not asked about a device that is gone")
                .isEmpty();
        assertThat(logged.list)
                .as("the daemon says why it stops; the watch adds no 'cannot check'")
                .isEmpty();
    }

    @Test
    void aHostsDeviceIsOnlyObservedAndEachChangeSaidOnce() {
        watch.close();
        watch = TunnelWatch.start(scripted(), SPEC, false, deviceGone::get, Duration.ofHours(1));
        answers.addAll(List.of(true, false, false, true));
        watch.check();
        assertThat(watch.serving()).isTrue();
        watch.check();
        watch.check();
        assertThat(watch.serving()).isFalse();
        watch.check();
        assertThat(watch.serving()).isTrue();
        assertThat(messages(Level.WARN))
                .singleElement()
                .asString()
                .startsWith("tunnel interface teredo (the host's) "
                        + "is down or the route for 2001::/32 does not lead into it");
        assertThat(messages(Level.INFO)).containsExactly("tunnel interface teredo (the host's) serves again");
    }

    private List<String> messages(Level level) {
        return logged.list.stream()
                .filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
