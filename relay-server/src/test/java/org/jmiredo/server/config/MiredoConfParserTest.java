package org.jmiredo.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.proto.Ipv4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MiredoConfParserTest {
    @TempDir
    Path dir;

    @Test
    void relayFileMapsOntoTheSameRecords() throws Exception {
        Path file = dir.resolve("miredo.conf");
        Files.writeString(file, """
                # Miredo relay, as in the lab
                relaytype   cone
                InterfaceName\tteredo0
                BINDADDRESS 198.51.100.3
                BindPort 3545   # a trailing comment
                Prefix 2001:0000::
                InterfaceMTU 1400

                SyslogFacility local1
                """);
        DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(file));
        assertThat(config.relay().type()).isEqualTo(RelayType.CONE);
        assertThat(config.tun().name()).isEqualTo("teredo0");
        assertThat(config.relay().bindAddress()).isEqualTo(Ipv4.of(198, 51, 100, 3));
        assertThat(config.relay().bindPort()).isEqualTo(3545);
        assertThat(config.relay().prefix()).isEqualTo(0x2001_0000);
        assertThat(config.tun().mtu()).isEqualTo(1400);
        assertThat(config.logging().syslogFacility()).contains(SyslogFacility.LOCAL1);
        assertThat(config.server().configured()).isFalse();
        // The relay's own directives: the relay uses them, the server would say it ignores them.
        assertThat(config.ignoredBy(DataPathRole.RELAY)).isEmpty();
        assertThat(config.ignoredBy(DataPathRole.SERVER)).containsExactly(
                file + ":2: directive \"relaytype\" is for `jmiredo relay`; `jmiredo server` ignores it",
                file + ":3: directive \"InterfaceName\" is for `jmiredo relay`; `jmiredo server` ignores it",
                file + ":4: directive \"BINDADDRESS\" is for `jmiredo relay`; `jmiredo server` ignores it",
                file + ":5: directive \"BindPort\" is for `jmiredo relay`; `jmiredo server` ignores it");
        // What miredo.conf cannot say keeps its default.
        assertThat(config.peers().maxPeers()).isEqualTo(1 << 20);
    }

    @Test
    void relayIsASynonymOfConeAndRestrictedIsKept() throws Exception {
        assertThat(type("RelayType relay")).isEqualTo("cone");
        assertThat(type("RelayType Restricted")).isEqualTo("restricted");
    }

    @Test
    void clientRoleIsAClearErrorWithItsLine() {
        assertProblems(List.of("# client", "RelayType client", "ServerAddress 198.51.100.1"),
                "m.conf:2: directive \"RelayType\": not a relay type: the Teredo client is `jmiredo client`, configured with jmiredo.client.* (miredo.conf client directives are not read yet); use cone, relay or restricted",
                "m.conf:3: directive \"ServerAddress\": a client directive, not read yet: configure `jmiredo client` with jmiredo.client.server-address");
    }

    @Test
    void badValuesAndUnknownDirectivesNameFileLineAndDirective() {
        assertProblems(List.of(
                        "RelayType cone",
                        "BindPort 70000",
                        "Foo bar",
                        "BindAddress 192.168.1.1",
                        "InterfaceMTU 576",
                        "Prefix ff02::",
                        "InterfaceName a/b",
                        "SyslogFacility local9",
                        "BindPort 3545"),
                "m.conf:2: directive \"BindPort\": must be 1-65535, got 70000",
                "m.conf:3: directive \"Foo\": unknown directive",
                "m.conf:4: directive \"BindAddress\": must be 0.0.0.0 or a global unicast IPv4 address "
                        + "(RFC 4380 section 5.2.4), got 192.168.1.1",
                "m.conf:5: directive \"InterfaceMTU\": must be 1280-65535, got 576",
                "m.conf:6: directive \"Prefix\": must not be multicast (ff00::/8), got \"ff02::\"",
                "m.conf:7: directive \"InterfaceName\": must not contain \"/\", \":\", white space or non-ASCII, got \"a/b\"",
                "m.conf:8: directive \"SyslogFacility\": must be none or one of kern, user, mail, daemon, auth, syslog, "
                        + "lpr, news, uucp, cron, authpriv, ftp, local0, local1, local2, local3, local4, local5, local6, "
                        + "local7, got \"local9\"",
                "m.conf:9: directive \"BindPort\": given twice (first at line 2)");
    }

    @Test
    void malformedLines() {
        assertProblems(List.of("BindPort", "BindPort 1 2", "InterfaceMTU # nothing", "BindPort abc"),
                "m.conf:1: directive \"BindPort\": missing value",
                "m.conf:2: directive \"BindPort\": unexpected text after the value: \"2\"",
                "m.conf:3: directive \"InterfaceMTU\": missing value",
                "m.conf:4: directive \"BindPort\": must be an integer, got \"abc\"");
    }

    @Test
    void serverFileGivesTheServerSection() throws Exception {
        MiredoConfParser.Result result = MiredoConfParser.parse("miredo-server.conf", List.of(
                "ServerBindAddress 198.51.100.1", "ServerBindAddress2 198.51.100.2", "Prefix 2001:0::", "InterfaceMTU 1280"));
        assertThat(result.overlay().getString("jmiredo.server.primary-address")).isEqualTo("198.51.100.1");
        assertThat(result.overlay().getString("jmiredo.server.secondary-address")).isEqualTo("198.51.100.2");
        assertThat(result.overlay().getValue("jmiredo.server.secondary-address").origin().lineNumber()).isEqualTo(2);
        assertThat(result.roleDirectives()).containsExactly(
                new RoleDirective("miredo-server.conf:1", "ServerBindAddress", DataPathRole.SERVER),
                new RoleDirective("miredo-server.conf:2", "ServerBindAddress2", DataPathRole.SERVER));

        MiredoConfParser.Result implicit = MiredoConfParser.parse("s.conf", List.of("ServerBindAddress 203.0.113.7"));
        assertThat(implicit.overlay().getString("jmiredo.server.secondary-address")).isEmpty(); // primary + 1
        assertThat(implicit.overlay().getValue("jmiredo.server.secondary-address").origin().lineNumber()).isEqualTo(1);
    }

    @Test
    void serverAddressesMustBeGlobalAndComplete() {
        assertProblems(List.of("ServerBindAddress 10.0.0.1"),
                "m.conf:1: directive \"ServerBindAddress\": must be a global unicast IPv4 address (RFC 4380 section 5.2.4), got 10.0.0.1");
        assertProblems(List.of("", "ServerBindAddress2 198.51.100.2"),
                "m.conf:2: directive \"ServerBindAddress2\": needs ServerBindAddress as well");
    }

    @Test
    void theDebianDefaultClientFileIsRefusedAsAClient() {
        assertProblems(List.of(
                        "# Please refer to the miredo.conf(5) man page for details.",
                        "InterfaceName\tteredo",
                        "",
                        "# Pick a Teredo server:",
                        "#ServerAddress\tteredo.ipv6.microsoft.com",
                        "ServerAddress\tteredo-debian.remlab.net"),
                "m.conf:6: directive \"ServerAddress\": a client directive, not read yet: configure `jmiredo client` with jmiredo.client.server-address");
    }

    private static String type(String line) throws InvalidConfigException {
        return MiredoConfParser.parse("m.conf", List.of(line)).overlay().getString("jmiredo.relay.type");
    }

    private static void assertProblems(List<String> lines, String... expected) {
        assertThatThrownBy(() -> MiredoConfParser.parse("m.conf", lines))
                .isInstanceOfSatisfying(InvalidConfigException.class,
                        e -> assertThat(e.problems()).containsExactly(expected));
    }

    @Test
    void emptyFileIsTheDefaults() throws Exception {
        MiredoConfParser.Result result = MiredoConfParser.parse("m.conf", List.of("# nothing", "   "));
        assertThat(result.overlay().isEmpty()).isTrue();
        assertThat(result.roleDirectives()).isEmpty();
    }
}
