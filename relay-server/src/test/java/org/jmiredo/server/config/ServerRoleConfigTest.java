package org.jmiredo.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.proto.Ipv4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmiredo.server} from HOCON and from miredo-server.conf (issue 3), checked as the relay's keys are. */
class ServerRoleConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsLeaveTheRoleUnconfiguredWithMiredoValues() {
        ServerRoleConfig role = ConfigLoader.defaults().server();
        assertThat(role.configured()).isFalse();
        assertThat(role).isEqualTo(new ServerRoleConfig(0, 0, 0x2001_0000, 1280, 88, 0, true, 20, 16_384));
        assertThatThrownBy(role::settings)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("primary-address");
    }

    @Test
    void hoconSecondaryDefaultsToPrimaryPlusOneAndInheritsPrefixAndMtu() throws Exception {
        DaemonConfig config = load("s.conf", """
                jmiredo.relay.prefix = "3ffe:831f::/32"
                jmiredo.tun.mtu = 1400
                jmiredo.server { primary-address = "198.51.100.1", ra-per-second = 50 }
                """, false);
        ServerSettings settings = config.server().settings();
        assertThat(settings.primaryIpv4()).isEqualTo(Ipv4.of(198, 51, 100, 1));
        assertThat(settings.secondaryIpv4()).isEqualTo(Ipv4.of(198, 51, 100, 2));
        assertThat(settings.prefix()).isEqualTo(0x3ffe_831f);
        assertThat(settings.advertisedMtu()).isEqualTo(1400);
        assertThat(settings.raPerSecond()).isEqualTo(50);
        assertThat(settings.maxIcmpPayload()).isEqualTo(ServerSettings.MIREDO_MAX_ICMP_PAYLOAD);
        assertThat(settings.nativeForwarding()).isTrue();
    }

    @Test
    void hoconOwnKeysWinOverTheSharedOnes() throws Exception {
        DaemonConfig config = load("s.conf", """
                jmiredo.server {
                  primary-address = "203.0.113.7"
                  secondary-address = "203.0.113.9"
                  prefix = "2001::/32"
                  advertised-mtu = 0
                  max-icmp-payload = 200
                  native-forwarding = false
                }
                jmiredo.relay.prefix = "3ffe:831f::/32"
                """, false);
        assertThat(config.server())
                .isEqualTo(new ServerRoleConfig(
                        Ipv4.of(203, 0, 113, 7), Ipv4.of(203, 0, 113, 9), 0x2001_0000, 0, 200, 0, false, 20, 16_384));
    }

    @Test
    void miredoServerConfFillsTheServerSection() throws Exception {
        DaemonConfig config = load("miredo-server.conf", """
                # miredo-server.conf(5)
                ServerBindAddress 198.51.100.1
                ServerBindAddress2 198.51.100.5
                Prefix 3ffe:831f::
                InterfaceMTU 1400
                SyslogFacility daemon
                """, true);
        assertThat(config.server())
                .isEqualTo(new ServerRoleConfig(
                        Ipv4.of(198, 51, 100, 1),
                        Ipv4.of(198, 51, 100, 5),
                        0x3ffe_831f,
                        1400,
                        88,
                        0,
                        true,
                        20,
                        16_384));
        // Prefix, InterfaceMTU and SyslogFacility serve both roles; the addresses only the server.
        assertThat(config.ignoredBy(DataPathRole.SERVER)).isEmpty();
        assertThat(config.ignoredBy(DataPathRole.RELAY))
                .containsExactly(
                        dir.resolve("miredo-server.conf")
                                + ":2: directive \"ServerBindAddress\" is for `jmiredo server`; "
                                + "`jmiredo relay` ignores it",
                        dir.resolve("miredo-server.conf")
                                + ":3: directive \"ServerBindAddress2\" is for `jmiredo server`; "
                                + "`jmiredo relay` ignores it");
    }

    @Test
    void hoconSectionIsNoWarningForTheRelay() throws Exception {
        // One HOCON file may serve a relay and a server of one Teredo service: not a mistake.
        DaemonConfig config = load("s.conf", "jmiredo.server.primary-address = \"198.51.100.1\"\n", false);
        assertThat(config.server().configured()).isTrue();
        assertThat(config.ignoredBy(DataPathRole.RELAY)).isEmpty();
    }

    @Test
    void layersConflictKeyByKeyButTheMiredoAddressesComeAsAPair() throws Exception {
        Path hocon = Files.writeString(dir.resolve("s.conf"), """
                jmiredo.server {
                  primary-address = "203.0.113.7"
                  secondary-address = "203.0.113.9"
                  prefix = "3ffe:831f::/32"
                  ra-per-second = 50
                }
                """);
        Path miredo = Files.writeString(
                dir.resolve("miredo-server.conf"), "ServerBindAddress 198.51.100.1\nPrefix 2001:0::\n");
        Config env = ConfigFactory.parseMap(Map.of("jmiredo.server.ra-per-second", 7));
        ServerRoleConfig role = ConfigLoader.load(
                        new ConfigLoader.Sources(Optional.of(hocon), Optional.of(miredo), env, ConfigFactory.empty()))
                .server();
        // ServerBindAddress alone means primary + 1, as miredo-server.conf(5): the HOCON secondary goes too.
        assertThat(role.primaryAddress()).isEqualTo(Ipv4.of(198, 51, 100, 1));
        assertThat(role.secondaryAddress()).isEqualTo(Ipv4.of(198, 51, 100, 2));
        // Prefix sets the shared jmiredo.relay.prefix; the server's own key, from HOCON, still wins.
        assertThat(role.prefix()).isEqualTo(0x3ffe_831f);
        // The environment wins over both files.
        assertThat(role.raPerSecond()).isEqualTo(7);
    }

    @Test
    void badValuesFromEachSourceNameFileLineAndKey() throws Exception {
        // 9.255.255.255 is global; plus one, the miredo-server.conf default secondary, is 10.0.0.0.
        Path miredo =
                Files.writeString(dir.resolve("miredo-server.conf"), "# server\nServerBindAddress 9.255.255.255\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(miredo)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(miredo
                                + ":2: jmiredo.server.primary-address: the default secondary address (the primary plus "
                                + "one, 10.0.0.0) is not global unicast: set secondary-address"));
        Path same = Files.writeString(
                dir.resolve("same.conf"), "ServerBindAddress 198.51.100.1\nServerBindAddress2 198.51.100.1\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(same)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                same + ":2: jmiredo.server.secondary-address: must differ from the primary address "
                                        + "(RFC 4380 section 5.3.2)"));
        Path hocon = Files.writeString(dir.resolve("s.conf"), "jmiredo.server.primary-adress = \"198.51.100.1\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(hocon)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(hocon + ":1: jmiredo.server.primary-adress: unknown key "
                                + "(did you mean jmiredo.server.primary-address?)"));
    }

    @Test
    void miredoServerConfAloneGivesPrimaryPlusOne() throws Exception {
        DaemonConfig config = load("miredo-server.conf", "ServerBindAddress 203.0.113.7\n", true);
        assertThat(config.server().secondaryAddress()).isEqualTo(Ipv4.of(203, 0, 113, 8));
    }

    @Test
    void badServerValuesNameFileLineAndKey() throws Exception {
        Path file = Files.writeString(dir.resolve("s.conf"), """
                jmiredo.server {
                  primary-address = "10.0.0.1"
                  advertised-mtu = 1000
                  ra-per-second = -1
                  ra-per-destination = -2
                  ra-destination-slots = 5000
                }
                """);
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                file + ":2: jmiredo.server.primary-address: must be a global unicast IPv4 address "
                                        + "(RFC 4380 section 5.2.4), got 10.0.0.1",
                                file
                                        + ":3: jmiredo.server.advertised-mtu: must be 0 (no MTU option) or 1280-65535, got 1000",
                                file + ":4: jmiredo.server.ra-per-second: must be 0-1000000, got -1",
                                file + ":5: jmiredo.server.ra-per-destination: must be 0-1000000, got -2",
                                file + ":6: jmiredo.server.ra-destination-slots: must be a power of two, got 5000"));
    }

    @Test
    void secondaryNeedsAPrimaryAndMustDifferFromIt() throws Exception {
        Path alone = Files.writeString(dir.resolve("a.conf"), "jmiredo.server.secondary-address = \"198.51.100.2\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(alone)))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        alone
                                                + ":1: jmiredo.server.secondary-address: needs jmiredo.server.primary-address as well"));
        Path same = Files.writeString(
                dir.resolve("b.conf"),
                "jmiredo.server { primary-address = \"198.51.100.1\", secondary-address = \"198.51.100.1\" }\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(same)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .asString()
                        .contains("jmiredo.server.secondary-address: must differ from the primary"));
    }

    @Test
    void primaryPlusOneMustBeGlobalToo() throws Exception {
        // 9.255.255.255 is global; plus one is 10.0.0.0, private (RFC 4380 section 5.2.4).
        Path file = Files.writeString(dir.resolve("c.conf"), "jmiredo.server.primary-address = \"9.255.255.255\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .asString()
                        .contains("the default secondary address (the primary plus one, 10.0.0.0)"));
    }

    /** A defaulted secondary address keeps where the primary was set, for the start's message; a set one not. */
    @Test
    void aDefaultedSecondaryRemembersWhereThePrimaryWasSet() throws Exception {
        DaemonConfig hocon = load("s.conf", "\njmiredo.server.primary-address = \"198.51.100.1\"\n", false);
        assertThat(hocon.server().secondaryAddress()).isEqualTo(Ipv4.of(198, 51, 100, 2));
        assertThat(hocon.server().secondaryDefaultedAt()).isEqualTo(dir.resolve("s.conf") + ":2");
        DaemonConfig miredo = load("miredo-server.conf", "# x\n\nServerBindAddress 198.51.100.1\n", true);
        assertThat(miredo.server().secondaryDefaultedAt()).isEqualTo(dir.resolve("miredo-server.conf") + ":3");
        DaemonConfig both = load(
                "t.conf",
                "jmiredo.server { primary-address = \"198.51.100.1\"\n" + "secondary-address = \"198.51.100.2\" }\n",
                false);
        assertThat(both.server().secondaryDefaultedAt()).isNull();
    }

    private DaemonConfig load(String name, String text, boolean miredo) throws Exception {
        Path file = Files.writeString(dir.resolve(name), text);
        ConfigLoader.Sources none = ConfigLoader.Sources.none();
        return ConfigLoader.load(miredo ? none.withMiredo(file) : none.withHocon(file));
    }
}
