package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jmiredo.server.metrics.ProcessMeters;
import org.junit.jupiter.api.Test;

class EarlyStartTest {
    @Test
    void everyDaemonCommandStartsEarlyTheClientToo() {
        assertThat(EarlyStart.namesDaemon("relay", "--config", "/etc/jmiredo/jmiredo.conf"))
                .isTrue();
        assertThat(EarlyStart.namesDaemon("--debug", "server")).isTrue();
        assertThat(EarlyStart.namesDaemon("mire")).isTrue();
        assertThat(EarlyStart.namesDaemon("client", "--server-address", "198.51.100.1"))
                .isTrue();
    }

    @Test
    void otherCommandsDoNot() {
        assertThat(EarlyStart.namesDaemon("checkconf", "relay.conf")).isFalse();
        assertThat(EarlyStart.namesDaemon("help", "relay")).isFalse();
        assertThat(EarlyStart.namesDaemon("--help")).isFalse();
        assertThat(EarlyStart.namesDaemon()).isFalse();
        // A daemon's help or version: printed, nothing started.
        assertThat(EarlyStart.namesDaemon("relay", "--help")).isFalse();
        assertThat(EarlyStart.namesDaemon("client", "-V")).isFalse();
        assertThat(EarlyStart.namesDaemon("-h", "server")).isFalse();
    }

    @Test
    void aDaemonTakesTheMetersBuiltEarlyOnce() {
        EarlyStart.begin("client");

        var early = EarlyStart.meters();
        var later = EarlyStart.meters();

        assertThat(early.registry().isClosed()).isFalse();
        assertThat(later).as("built anew once the early ones are taken").isNotSameAs(early);
    }

    /**
     * Built on two threads (the JVM's meters on one, Netty's allocator and its gauges on the other), the meters
     * are the ones built in turn on one: the same families, in the same order.
     */
    @Test
    void theMetersBuiltOnTwoThreadsAreTheMetersBuiltOnOne() {
        EarlyStart.begin("relay");
        var early = EarlyStart.meters();
        var inTurn = ProcessMeters.create();
        try {
            assertThat(families(early.registry().scrape()))
                    .isEqualTo(families(inTurn.registry().scrape()))
                    .contains(
                            "jvm_memory_used_bytes",
                            "process_uptime_seconds",
                            "netty_allocator_used_bytes",
                            "netty_direct_memory_used_bytes");
        } finally {
            early.process().close();
            early.registry().close();
            inTurn.process().close();
            inTurn.registry().close();
        }
    }

    /** The metric families of a scrape, in their order (each # TYPE line names one). */
    private static List<String> families(String scrape) {
        return scrape.lines()
                .filter(line -> line.startsWith("# TYPE "))
                .map(line -> line.split(" ")[2])
                .toList();
    }
}
