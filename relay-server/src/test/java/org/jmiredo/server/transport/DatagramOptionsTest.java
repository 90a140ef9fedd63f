package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.WriteBufferWaterMark;
import org.junit.jupiter.api.Test;

class DatagramOptionsTest {
    @Test
    void highWaterMarkHoldsSeveralTunnelBurstsOfFullSizePackets() {
        TransportSettings defaults = TransportSettings.defaults();
        WriteBufferWaterMark mark = DatagramOptions.writeWaterMark(defaults);
        int burst = defaults.tunReadBudget() * (defaults.tunMtu() + 40);

        assertThat(mark.high()).isGreaterThanOrEqualTo(4 * burst).isGreaterThanOrEqualTo(1 << 20);
        assertThat(mark.low()).isLessThan(mark.high()).isGreaterThan(burst);
    }
}
