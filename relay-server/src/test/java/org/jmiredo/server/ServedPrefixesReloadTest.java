package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jmiredo.proto.Ipv6Prefix;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP applies {@code jmiredo.relay.served-prefixes} at once (RelayDataPath.update carries it to every loop). */
class ServedPrefixesReloadTest {
    @TempDir
    Path dir;

    @Test
    void aChangedRangeIsInForceAfterAReloadNotLeftForARestart() throws Exception {
        DaemonConfig before = ConfigLoader.defaults();
        Path file = Files.writeString(dir.resolve("r.conf"), "jmiredo.relay.served-prefixes = [\"2001:db8:6::/64\"]\n");
        DaemonConfig after = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file));

        assertThat(ConfigChanges.restartOnly(before, after)).isEmpty();
        DaemonConfig inForce = ConfigChanges.keepRestartOnly(before, after);
        assertThat(inForce.relaySettings().served().prefixes()).containsExactly(Ipv6Prefix.parse("2001:db8:6::/64"));
        assertThat(ConfigChanges.keepRestartOnly(inForce, before)
                        .relaySettings()
                        .served()
                        .prefixes())
                .isEmpty();
    }
}
