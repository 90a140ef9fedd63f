package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.server.metrics.ProcessMeters;
import org.junit.jupiter.api.Test;

class DaemonLifecycleTest {
    private final ProcessMeters meters = ProcessMeters.create();
    private final DaemonLifecycle life = new DaemonLifecycle(meters);
    private final List<String> stopped = new ArrayList<>();

    private AutoCloseable part(String name) {
        return () -> {
            assertThat(meters.registry().isClosed())
                    .as("the registry outlives %s", name)
                    .isFalse();
            stopped.add(name);
        };
    }

    @Test
    void partsStopInReverseStartOrderOnceAndTheRegistryLast() throws Exception {
        life.start(() -> {
            life.closeLater(part("metrics"));
            life.closeLater(part("data path"));
            life.closeLater(part("transport"));
            life.markReady();
        });
        assertThat(life.isReady()).isTrue();

        life.close();
        life.close();

        assertThat(stopped).containsExactly("transport", "data path", "metrics");
        assertThat(meters.registry().isClosed()).isTrue();
        assertThat(life.isReady()).as("not ready once stopping").isFalse();
        assertThat(life.isClosed()).isTrue();
    }

    @Test
    void aPartThatFailsToStopDoesNotKeepTheEarlierOnesRunning() throws Exception {
        life.start(() -> {
            life.closeLater(part("metrics"));
            life.closeLater(() -> {
                throw new IOException("close failed");
            });
            life.closeLater(part("transport"));
        });

        life.close();

        assertThat(stopped).containsExactly("transport", "metrics");
        assertThat(meters.registry().isClosed()).isTrue();
    }

    /**
     * The collector's soft heap target named by bin/jmiredo ({@code jmiredo.soft-max-heap-size}, bytes) is set once the
     * daemon is ready, not before: set at start, ZGC's warm-up collection ran before ready in every start.
     */
    @Test
    void readySetsTheSoftHeapTargetTheLauncherNames() throws Exception {
        HotSpotDiagnosticMXBean diagnostic = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String before = diagnostic.getVMOption("SoftMaxHeapSize").getValue();
        String target = Long.toString(Long.parseLong(before) / 2 & -(1L << 20));
        System.setProperty("jmiredo.soft-max-heap-size", target);
        try {
            life.start(() -> {
                assertThat(diagnostic.getVMOption("SoftMaxHeapSize").getValue())
                        .as("while starting")
                        .isEqualTo(before);
                life.markReady();
            });
            assertThat(diagnostic.getVMOption("SoftMaxHeapSize").getValue())
                    .as("once ready")
                    .isEqualTo(target);
        } finally {
            System.clearProperty("jmiredo.soft-max-heap-size");
            diagnostic.setVMOption("SoftMaxHeapSize", before);
            life.close();
        }
    }

    @Test
    void notReadyUntilTheStepsSaySo() throws Exception {
        List<Boolean> during = new ArrayList<>();
        life.start(() -> during.add(life.isReady()));

        assertThat(during).containsExactly(false);
        assertThat(life.isReady()).isFalse();
    }

    @Test
    void aStartFailingHalfWayStopsWhatItStartedAndSaysWhyInOneLine() {
        assertThatThrownBy(() -> life.start(() -> {
                    life.closeLater(part("metrics"));
                    life.closeLater(part("data path"));
                    throw new IOException("cannot bind UDP 0.0.0.0:3544: Address already in use");
                }))
                .isInstanceOf(StartupException.class)
                .hasMessage("cannot bind UDP 0.0.0.0:3544: Address already in use")
                .hasCauseInstanceOf(IOException.class);

        assertThat(stopped).containsExactly("data path", "metrics");
        assertThat(life.isClosed()).isTrue();
        assertThat(meters.registry().isClosed()).isTrue();
    }

    @Test
    void anIoFailureWithoutAMessageIsNamedByItsType() {
        assertThatThrownBy(() -> life.start(() -> {
                    throw new IOException();
                }))
                .isInstanceOf(StartupException.class)
                .hasMessage("java.io.IOException");
    }

    @Test
    void aStartupFailureOrABugPassesThroughAfterTheStop() {
        for (Exception failure :
                List.of(new StartupException("no server address", null), new IllegalStateException("a bug"))) {
            DaemonLifecycle other = new DaemonLifecycle(ProcessMeters.create());
            List<String> order = new ArrayList<>();
            assertThatThrownBy(() -> other.start(() -> {
                        other.closeLater(() -> order.add("metrics"));
                        if (failure instanceof StartupException refused) {
                            throw refused;
                        }
                        throw (RuntimeException) failure;
                    }))
                    .isSameAs(failure);

            assertThat(order).as("after %s", failure).containsExactly("metrics");
            assertThat(other.isClosed()).isTrue();
        }
    }
}
