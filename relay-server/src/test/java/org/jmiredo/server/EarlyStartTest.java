package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EarlyStartTest {
    @Test
    void everyDaemonCommandStartsEarlyTheClientToo() {
        assertThat(EarlyStart.namesDaemon("relay", "--config", "/etc/jmiredo/jmiredo.conf")).isTrue();
        assertThat(EarlyStart.namesDaemon("--debug", "server")).isTrue();
        assertThat(EarlyStart.namesDaemon("mire")).isTrue();
        assertThat(EarlyStart.namesDaemon("client", "--server-address", "198.51.100.1")).isTrue();
    }

    @Test
    void otherCommandsDoNot() {
        assertThat(EarlyStart.namesDaemon("checkconf", "relay.conf")).isFalse();
        assertThat(EarlyStart.namesDaemon("help", "relay")).isFalse();
        assertThat(EarlyStart.namesDaemon("--help")).isFalse();
        assertThat(EarlyStart.namesDaemon()).isFalse();
    }

    @Test
    void aDaemonTakesTheMetersBuiltEarlyOnce() {
        EarlyStart.begin("client");

        var early = EarlyStart.meters();
        var later = EarlyStart.meters();

        assertThat(early.registry().isClosed()).isFalse();
        assertThat(later).as("built anew once the early ones are taken").isNotSameAs(early);
    }
}
