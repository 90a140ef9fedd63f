package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TunQueueOptionsTest {
    @Test
    void defaultsLeaveRoomForAnOriginIndicationAndReadMinimumMtuPackets() {
        assertThat(TunQueueOptions.DEFAULTS).isEqualTo(new TunQueueOptions(64, 8, 1280));
        assertThat(TunQueueOptions.DEFAULTS.withMaxPacketSize(1500).maxPacketSize())
                .isEqualTo(1500);
    }

    @Test
    void rejectsUselessValues() {
        assertThatThrownBy(() -> new TunQueueOptions(0, 8, 1280)).hasMessageContaining("readBudget");
        assertThatThrownBy(() -> new TunQueueOptions(1, -1, 1280)).hasMessageContaining("headroom");
        assertThatThrownBy(() -> new TunQueueOptions(1, 8, 1279)).hasMessageContaining("maxPacketSize");
        assertThatThrownBy(() -> new TunQueueOptions(1, 8, 65_576)).hasMessageContaining("maxPacketSize");
    }
}
