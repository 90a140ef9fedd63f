package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jmiredo.engine.UnknownPeerPolicy;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.HostPort;
import org.jmiredo.server.config.IcmpConfig;
import org.jmiredo.server.config.LogFormat;
import org.jmiredo.server.config.LoggingConfig;
import org.jmiredo.server.config.RelayConfig;
import org.jmiredo.server.config.RelayType;
import org.jmiredo.server.config.SyslogFacility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigChangesTest {
    @TempDir
    Path dir;

    private final DaemonConfig before = ConfigLoader.defaults();

    @Test
    void liveSettingsApplyAtOnceOthersWaitForARestart() {
        RelayConfig r = before.relay();
        LoggingConfig logging = new LoggingConfig(
                LogFormat.JSON, "DEBUG", Optional.of(SyslogFacility.DAEMON), new HostPort("localhost", 514));
        DaemonConfig after = new DaemonConfig(
                new RelayConfig(
                        RelayType.RESTRICTED, r.bindAddress(), 3545, r.prefix(), UnknownPeerPolicy.DROP, 0, 0, 7),
                before.tun(),
                before.transport(),
                before.peers(),
                new IcmpConfig(5),
                before.metrics(),
                logging,
                before.server(),
                before.client(),
                before.roleDirectives(),
                "reloaded");

        assertThat(ConfigChanges.restartOnly(before, after))
                .containsExactly("jmiredo.relay.bind-port", "jmiredo.relay.warm-up-peers");
        DaemonConfig inForce = ConfigChanges.keepRestartOnly(before, after);
        assertThat(inForce.logging()).isEqualTo(logging);
        assertThat(inForce.relay().bindPort()).isEqualTo(3544);
        assertThat(inForce.relay().warmUpPeers()).isEqualTo(20_000); // it runs at start only
        assertThat(inForce.relay().type()).isEqualTo(RelayType.RESTRICTED);
        assertThat(inForce.relay().unknownPeers()).isEqualTo(UnknownPeerPolicy.DROP);
        assertThat(inForce.relay().trustRenewalSeconds()).isZero();
        assertThat(inForce.relay().unknownBubblesPerSecond()).isEqualTo(7);
        assertThat(inForce.relaySettings().unknownBubblesPerSecond()).isEqualTo(7);
        assertThat(inForce.icmp().errorsPerSecond()).isEqualTo(5);
    }

    @Test
    void theServerSectionIsNotTheRelaysConcern() throws Exception {
        Path file = Files.writeString(dir.resolve("s.conf"), "jmiredo.server.primary-address = \"198.51.100.1\"\n");
        DaemonConfig after = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file));
        assertThat(ConfigChanges.restartOnly(before, after)).isEmpty();
    }

    @Test
    void noChangeNothingToRestart() {
        assertThat(ConfigChanges.restartOnly(before, ConfigLoader.defaults())).isEmpty();
    }
}
