package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.transport.TransportSettings;
import org.jmiredo.server.tun.linux.TunOffloadMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportSettingsMappingTest {
    @TempDir
    Path dir;

    @Test
    void defaultsMapOntoTheTransport() {
        TransportSettings s = TransportSettingsMapping.of(ConfigLoader.defaults());
        assertThat(s.bindSocketAddress().getAddress().getHostAddress()).isEqualTo("0.0.0.0");
        assertThat(s.bindPort()).isEqualTo(3544);
        assertThat(s.tunName()).isEqualTo("teredo");
        assertThat(s.tunMtu()).isEqualTo(1280);
        assertThat(s.prefix().getHostAddress()).isEqualTo("2001:0:0:0:0:0:0:0");
        assertThat(s.prefixLength()).isEqualTo(32);
        assertThat(s.eventLoops()).isZero();
        assertThat(s.socketReceiveBuffer()).isEqualTo(12 << 20);
        assertThat(s.tunPersistent())
                .as("creates its own device unless told otherwise")
                .isFalse();
        assertThat(s.tunTxQueueLength()).as("absorbs a burst of new peers").isEqualTo(4096);
    }

    @Test
    void everyTunedValueReachesTheTransport() throws Exception {
        Path file = dir.resolve("relay.conf");
        Files.writeString(file, """
                jmiredo {
                  relay { bind-address = "203.0.113.5", bind-port = 3600, prefix = "3ffe:831f::/32" }
                  tun { name = tr0, mtu = 1400, read-budget = 17, persistent = true, offload = off, tx-queue-length = 8192 }
                  transport { event-loops = 3, recv-batch = 8, max-messages-per-read = 9,
                              socket-receive-buffer = 1 MiB, socket-send-buffer = 2 MiB, udp-gro = true,
                              local-address-refresh = 30s }
                }
                """);
        TransportSettings s = TransportSettingsMapping.of(
                ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)));
        assertThat(s)
                .isEqualTo(new TransportSettings(
                        3,
                        TransportSettingsMapping.ipv4(0xCB00_7105),
                        3600,
                        8,
                        9,
                        1 << 20,
                        2 << 20,
                        true,
                        "tr0",
                        1400,
                        17,
                        TransportSettingsMapping.prefix(0x3FFE_831F),
                        32,
                        true,
                        TunOffloadMode.OFF,
                        8192,
                        Duration.ofSeconds(30)));
        assertThat(s.prefix().getHostAddress()).isEqualTo("3ffe:831f:0:0:0:0:0:0");
        assertThat(s.bindAddress().getHostAddress()).isEqualTo("203.0.113.5");
    }
}
