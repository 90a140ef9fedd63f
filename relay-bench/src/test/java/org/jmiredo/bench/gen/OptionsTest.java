package org.jmiredo.bench.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {
    @Test
    void returnTrafficIsOffUnlessAsked() {
        assertThat(Options.parse(new String[] {"--direction", "i2t"}).returnRate())
                .isZero();
        assertThat(Options.parse(new String[] {"--direction", "i2t", "--return-rate", "2000"})
                        .returnRate())
                .isEqualTo(2000.0);
    }

    @Test
    void returnTrafficIsForIpv6ToTeredoOnly() {
        for (String direction : new String[] {"t2i", "both", "udp-sink"}) {
            assertThatThrownBy(() -> Options.parse(new String[] {"--direction", direction, "--return-rate", "10"}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--return-rate");
        }
        assertThatThrownBy(() -> Options.parse(new String[] {"--direction", "i2t", "--return-rate", "-1"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
