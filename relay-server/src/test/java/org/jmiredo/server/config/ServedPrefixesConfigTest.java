package org.jmiredo.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jmiredo.engine.ServedPrefixes;
import org.jmiredo.proto.Ipv6Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmiredo.relay.served-prefixes}: the range the relay serves (RFC 4380 §5.4.2, R-5.4.2-dst). */
class ServedPrefixesConfigTest {
    @TempDir
    Path dir;

    @Test
    void byDefaultEveryGlobalDestinationButUniqueLocalOnes() {
        DaemonConfig config = ConfigLoader.defaults();
        assertThat(config.relay().served()).isSameAs(ServedPrefixes.defaults());
        assertThat(config.relaySettings().served()).isSameAs(ServedPrefixes.defaults());
    }

    @Test
    void aListOfPrefixesReachesTheRelaySettingsInItsOrder() throws Exception {
        Path file = write("relay.conf", """
                jmiredo.relay.served-prefixes = ["2001:db8:6::/64", "fd00:1::/32", "2001:db8:ff::7"]
                """);
        DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file));
        assertThat(config.relaySettings().served().prefixes())
                .containsExactly(
                        Ipv6Prefix.parse("2001:db8:6::/64"),
                        Ipv6Prefix.parse("fd00:1::/32"),
                        Ipv6Prefix.parse("2001:db8:ff::7/128"));
        assertThat(config.relaySettings().served().serves(0x2001_0db8_0006_0000L, 0x20))
                .isTrue();
        assertThat(config.relaySettings().served().serves(0x2001_0db8_0099_0000L, 1))
                .isFalse();
    }

    @Test
    void aBadPrefixNamesFileLineAndKeyEachOne() throws Exception {
        Path file = write("relay.conf", """
                jmiredo.relay {
                  served-prefixes = [
                    "2001:db8:6::/64",
                    "2001:db8:6::1/64",
                    "2001:db8:7::/48",
                    "198.51.100.0/24"
                  ]
                }
                """);
        assertProblems(
                file,
                file + ":4: jmiredo.relay.served-prefixes: has bits set after the first 64, got \"2001:db8:6::1/64\"",
                file + ":6: jmiredo.relay.served-prefixes: must be an IPv6 prefix such as 2001:db8::/48, got "
                        + "\"198.51.100.0/24\"");
    }

    @Test
    void notAListIsRefusedAtItsLine() throws Exception {
        Path file = write("relay.conf", "\njmiredo.relay.served-prefixes = 48\n");
        assertProblems(
                file,
                file + ":2: jmiredo.relay.served-prefixes: must be a list such as [\"2001:db8::/48\"], " + "got 48");
        Path nested = write("nested.conf", "jmiredo.relay.served-prefixes = [[\"2001:db8::/48\"]]\n");
        assertProblems(
                nested,
                nested + ":1: jmiredo.relay.served-prefixes: must hold single values, got " + "[\"2001:db8::/48\"]");
    }

    @Test
    void atMostSixtyFourPrefixes() throws Exception {
        StringBuilder list = new StringBuilder("jmiredo.relay.served-prefixes = [");
        for (int i = 0; i < 65; i++) {
            list.append(i == 0 ? "" : ", ")
                    .append("\"2001:db8:")
                    .append(Integer.toHexString(i))
                    .append("::/48\"");
        }
        Path file = write("many.conf", list.append("]\n").toString());
        assertProblems(
                file,
                file + ":1: jmiredo.relay.served-prefixes: must hold at most 64 prefixes, got 65 "
                        + "(aggregate them into shorter ones)");
    }

    @Test
    void anEnvironmentOverrideIsOneStringOfPrefixes() throws Exception {
        Config env = ConfigFactory.parseMap(
                Map.of("jmiredo.relay.served-prefixes", "2001:db8:6::/64, 2001:db8:7::/64"), "env variables overrides");
        DaemonConfig config = ConfigLoader.load(
                new ConfigLoader.Sources(Optional.empty(), Optional.empty(), env, ConfigFactory.empty()));
        assertThat(config.relay().served().prefixes())
                .containsExactly(Ipv6Prefix.parse("2001:db8:6::/64"), Ipv6Prefix.parse("2001:db8:7::/64"));

        Config bad = ConfigFactory.parseMap(
                Map.of("jmiredo.relay.served-prefixes", "2001:db8:6::/64 2001:db8:7::1/64"), "env variables overrides");
        assertThatThrownBy(() -> ConfigLoader.load(
                        new ConfigLoader.Sources(Optional.empty(), Optional.empty(), bad, ConfigFactory.empty())))
                .hasMessage("environment variable CONFIG_FORCE_jmiredo_relay_served__prefixes: "
                        + "jmiredo.relay.served-prefixes: has bits set after the first 64, got \"2001:db8:7::1/64\"");
    }

    @Test
    void theClientRefusesIt() throws Exception {
        Path file = write("client.conf", """
                jmiredo.client.server-address = "198.51.100.1"
                jmiredo.relay.served-prefixes = ["2001:db8:6::/64"]
                """);
        DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file));
        assertThatThrownBy(() -> config.client().requireOwnTunnel())
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(file
                                + ":2: jmiredo.relay.served-prefixes: `jmiredo client` does not use it (it forwards no "
                                + "one's packets but its own host's): remove it"));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void assertProblems(Path file, String... expected) {
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(expected));
    }
}
