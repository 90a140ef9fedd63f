package org.jmiredo.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        assertThat(config.ignoredBy(DataPathRole.SERVER))
                .containsExactly(
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
    void clientFileGivesTheClientSection() throws Exception {
        Path file = dir.resolve("miredo.conf");
        Files.writeString(file, """
                RelayType client
                InterfaceName teredo1
                ServerAddress 198.51.100.1
                ServerAddress2 198.51.100.9
                BindAddress 198.51.100.10
                BindPort 3546
                """);
        DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(file));
        assertThat(config.client().serverAddress()).isEqualTo(Ipv4.of(198, 51, 100, 1));
        assertThat(config.client().serverAddress2()).isEqualTo(Ipv4.of(198, 51, 100, 9));
        assertThat(config.client().bindAddress()).isEqualTo(Ipv4.of(198, 51, 100, 10));
        assertThat(config.client().bindPort()).isEqualTo(3546);
        assertThat(config.tun().name()).isEqualTo("teredo1");
        assertThat(config.relay().bindPort()).as("not the relay's").isNotEqualTo(3546);
        config.requireRole(DataPathRole.CLIENT);
        assertThat(config.ignoredBy(DataPathRole.CLIENT)).isEmpty();
        assertThatThrownBy(() -> config.requireRole(DataPathRole.RELAY))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                file + ":1: directive \"RelayType\": this file configures a Teredo client: run "
                                        + "`jmiredo client --miredo-conf`"));
        assertThat(config.ignoredBy(DataPathRole.SERVER)).hasSize(5); // all but InterfaceName
    }

    @Test
    void aRelaysFileIsRefusedByTheClientAndAClientDirectiveInItIsAnError() throws Exception {
        DaemonConfig relay = ConfigLoader.load(
                ConfigLoader.Sources.none().withMiredo(write("relay.conf", "RelayType cone\nBindPort 3545\n")));
        assertThatThrownBy(() -> relay.requireRole(DataPathRole.CLIENT))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(dir.resolve("relay.conf")
                                + ":1: directive \"RelayType\": this file configures a Teredo relay: "
                                + "run `jmiredo relay --miredo-conf`"));
        assertProblems(
                List.of("RelayType restricted", "ServerAddress 198.51.100.1"),
                "m.conf:2: directive \"ServerAddress\": a client directive in a relay's file (RelayType restricted): "
                        + "Miredo's client is RelayType client");
        assertProblems(
                List.of("RelayType autoclient", "ServerAddress 198.51.100.1", "ServerBindAddress 198.51.100.1"),
                "m.conf:3: directive \"ServerBindAddress\": a server directive in a client's file (RelayType client, "
                        + "or a ServerAddress): miredo-server.conf is `jmiredo server --miredo-conf`");
    }

    /**
     * Debian's default miredo.conf (a client's: a ServerAddress host name, no RelayType) given to the relay on a
     * host without DNS (review16): the refusal comes before any lookup, as it does online, not "does not
     * resolve". Likewise the client given a relay's file, and the server, which ignores a client's directives,
     * does not look their names up.
     */
    @Test
    void theRunningRolesRefusalComesBeforeAnyNameIsLookedUp() throws Exception {
        List<String> asked = new ArrayList<>();
        MiredoConfParser.Resolver offline = name -> {
            asked.add(name);
            throw new UnknownHostException(name);
        };
        Path debian = write("miredo.conf", "# Debian's\nInterfaceName teredo\nServerAddress teredo.remlab.net\n");
        assertThatThrownBy(() ->
                        ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(debian), offline, DataPathRole.RELAY))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                debian + ":3: directive \"ServerAddress\": this file configures a Teredo client: run "
                                        + "`jmiredo client --miredo-conf`"));
        Path typed = write("typed.conf", "ServerAddress teredo.remlab.net\nRelayType client\n");
        assertThatThrownBy(() ->
                        ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(typed), offline, DataPathRole.RELAY))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                typed + ":2: directive \"RelayType\": this file configures a Teredo client: run "
                                        + "`jmiredo client --miredo-conf`"));
        Path relay = write("relay.conf", "RelayType cone\nBindAddress relay.example\n");
        assertThatThrownBy(() ->
                        ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(relay), offline, DataPathRole.CLIENT))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                relay + ":1: directive \"RelayType\": this file configures a Teredo relay: run "
                                        + "`jmiredo relay --miredo-conf`"));
        DaemonConfig server =
                ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(debian), offline, DataPathRole.SERVER);
        assertThat(server.ignoredBy(DataPathRole.SERVER))
                .containsExactly(debian + ":3: directive \"ServerAddress\" "
                        + "is for `jmiredo client`; `jmiredo server` ignores it");
        Path serverFile = write("server.conf", "ServerBindAddress teredo.example\nServerBindAddress2 198.51.100.2\n");
        DaemonConfig relayOfServerFile =
                ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(serverFile), offline, DataPathRole.RELAY);
        assertThat(relayOfServerFile.ignoredBy(DataPathRole.RELAY))
                .as("the pair ignored as one")
                .hasSize(2);
        assertThat(asked).as("names looked up").isEmpty();
        // A client's file refuses a server directive whatever its value, a name as a literal address.
        for (String value : List.of("teredo.example", "198.51.100.1")) {
            Path clientWithServerKey =
                    write("client-" + value + ".conf", "ServerAddress 198.51.100.9\nServerBindAddress " + value + "\n");
            assertThatThrownBy(() -> ConfigLoader.load(
                            ConfigLoader.Sources.none().withMiredo(clientWithServerKey), offline, DataPathRole.CLIENT))
                    .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                            .anyMatch(p -> p.contains("a server directive in a client's file")));
        }
        assertThat(asked).as("names looked up").isEmpty();
        // Without a running role (checkconf), and for the role that reads it, the name is looked up as before.
        assertThatThrownBy(() ->
                        ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(debian), offline, DataPathRole.CLIENT))
                .isInstanceOf(InvalidConfigException.class);
        assertThat(asked).containsExactly("teredo.remlab.net");
    }

    @Test
    void aClientsServerAddressMayBeAHostNameResolvedToItsFirstIpv4() throws Exception {
        MiredoConfParser.Resolver resolver = name -> switch (name) {
            case "teredo.example" ->
                new InetAddress[] {
                    InetAddress.getByName("2001:db8::1"),
                    InetAddress.getByName("203.0.113.7"),
                    InetAddress.getByName("203.0.113.9")
                };
            case "v6only.example" -> new InetAddress[] {InetAddress.getByName("2001:db8::1")};
            default -> throw new UnknownHostException(name);
        };
        MiredoConfParser.Result result =
                MiredoConfParser.parse("m.conf", List.of("ServerAddress teredo.example"), resolver);
        assertThat(result.overlay().getString("jmiredo.client.server-address")).isEqualTo("203.0.113.7");
        assertThat(result.roleDirectives())
                .containsExactly(new RoleDirective("m.conf:1", "ServerAddress", DataPathRole.CLIENT, true));
        assertThatThrownBy(() -> MiredoConfParser.parse(
                        "m.conf",
                        List.of("RelayType client", "ServerAddress nowhere.example", "ServerAddress2 v6only.example"),
                        resolver))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "m.conf:2: directive \"ServerAddress\": host name \"nowhere.example\" does not resolve: check "
                                                + "the name and the resolver (/etc/hosts, DNS)",
                                        "m.conf:3: directive \"ServerAddress2\": host name \"v6only.example\" has no IPv4 address"));
    }

    @Test
    void theServersBindAddressesMayBeHostNamesAsInMiredo() throws Exception {
        // miredo-server resolves both (conf.c miredo_conf_parse_IPv4): an existing file must keep working.
        MiredoConfParser.Resolver resolver = name -> switch (name) {
            case "teredo.example" ->
                new InetAddress[] {InetAddress.getByName("2001:db8::1"), InetAddress.getByName("203.0.113.7")};
            case "teredo2.example" -> new InetAddress[] {InetAddress.getByName("203.0.113.9")};
            case "private.example" -> new InetAddress[] {InetAddress.getByName("10.0.0.1")};
            default -> throw new UnknownHostException(name);
        };
        MiredoConfParser.Result result = MiredoConfParser.parse(
                "s.conf", List.of("ServerBindAddress teredo.example", "ServerBindAddress2 teredo2.example"), resolver);
        assertThat(result.overlay().getString("jmiredo.server.primary-address")).isEqualTo("203.0.113.7");
        assertThat(result.overlay().getString("jmiredo.server.secondary-address"))
                .isEqualTo("203.0.113.9");
        assertThatThrownBy(() -> MiredoConfParser.parse(
                        "s.conf",
                        List.of("ServerBindAddress nowhere.example", "ServerBindAddress2 private.example"),
                        resolver))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                "s.conf:1: directive \"ServerBindAddress\": host name \"nowhere.example\" does not resolve: "
                                        + "check the name and the resolver (/etc/hosts, DNS)",
                                "s.conf:2: directive \"ServerBindAddress2\": must be a global unicast IPv4 address (RFC 4380 "
                                        + "section 5.2.4), got 10.0.0.1"));
    }

    @Test
    void aResolvedServerAddressIsCheckedAsTheClientsKeyWithItsLine() throws Exception {
        Path file = write("c.conf", "# loopback is not a Teredo server\nServerAddress localhost\n");
        assertThatThrownBy(() -> ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(file)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(file
                                + ":2: jmiredo.client.server-address: must be a global unicast IPv4 address (RFC 4380 "
                                + "section 5.2.4), got 127.0.0.1"));
    }

    @Test
    void badValuesAndUnknownDirectivesNameFileLineAndDirective() {
        assertProblems(
                List.of(
                        "RelayType cone",
                        "BindPort 70000",
                        "Foo bar",
                        "BindAddress 192.168.1.1",
                        "InterfaceMTU 576",
                        "Prefix ff02::",
                        "InterfaceName a/b",
                        "SyslogFacility local9",
                        "BindPort 3545"),
                "m.conf:2: directive \"BindPort\": must be an integer 0-65535 (decimal, 0x hex, or 0 octal, as Miredo reads it), got \"70000\"",
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
        assertProblems(
                List.of("BindPort", "InterfaceMTU # nothing", "BindPort abc"),
                "m.conf:1: directive \"BindPort\": missing value",
                "m.conf:2: directive \"InterfaceMTU\": missing value",
                "m.conf:3: directive \"BindPort\": must be an integer 0-65535 (decimal, 0x hex, or 0 octal, as Miredo reads it), got \"abc\"");
    }

    @Test
    void numbersAndAddressesMeanWhatTheyMeantToMiredo() throws Exception {
        // strtoul(3) with base 0: 03544 is octal, so Miredo listened on 1892.
        assertThat(relayKey("BindPort 03544", "jmiredo.relay.bind-port")).isEqualTo("1892");
        assertThat(relayKey("BindPort 0x0DDD", "jmiredo.relay.bind-port")).isEqualTo("3549");
        assertThat(relayKey("BindPort +3545", "jmiredo.relay.bind-port")).isEqualTo("3545");
        assertThat(relayKey("InterfaceMTU 0x578", "jmiredo.tun.mtu")).isEqualTo("1400");
        // getaddrinfo(3): inet_aton(3) forms and host names.
        assertThat(relayKey("BindAddress 3325256707", "jmiredo.relay.bind-address"))
                .isEqualTo("198.51.100.3");
        assertThat(relayKey("BindAddress 198.51.25603", "jmiredo.relay.bind-address"))
                .isEqualTo("198.51.100.3");
        assertThat(relayKey("BindAddress relay.example", "jmiredo.relay.bind-address"))
                .isEqualTo("198.51.100.1");
        // Prefix: the first 32 bits of the address.
        assertThat(relayKey("Prefix 3ffe:831f:1:2::9", "jmiredo.relay.prefix")).isEqualTo("3ffe:831f::/32");
        MiredoConfParser.Result client = MiredoConfParser.parse(
                "c.conf", List.of("ServerAddress 198.51.100.1", "BindAddress 0xc0a80102", "BindPort 0"), ANY_NAME);
        assertThat(client.overlay().getString("jmiredo.client.bind-address")).isEqualTo("192.168.1.2");
        assertThat(client.overlay().getInt("jmiredo.client.bind-port")).isZero();
        assertProblems(
                List.of("BindPort 08", "InterfaceMTU -1"),
                "m.conf:1: directive \"BindPort\": must be an integer 0-65535 (decimal, 0x hex, or 0 octal, as Miredo "
                        + "reads it), got \"08\"",
                "m.conf:2: directive \"InterfaceMTU\": must be an integer 0-65535 (decimal, 0x hex, or 0 octal, as "
                        + "Miredo reads it), got \"-1\"");
        assertProblems(
                List.of("BindPort 0"),
                "m.conf:1: directive \"BindPort\": 0 (a port the kernel picks, Miredo's default) is not supported by "
                        + "`jmiredo relay`: its sockets share one fixed port; omit BindPort for 3544, or name a port");
    }

    /** Every name is 198.51.100.1. */
    private static final MiredoConfParser.Resolver ANY_NAME =
            name -> new InetAddress[] {InetAddress.getByAddress(name, new byte[] {(byte) 198, 51, 100, 1})};

    private static String relayKey(String line, String key) throws InvalidConfigException {
        return MiredoConfParser.parse("m.conf", List.of("RelayType cone", line), ANY_NAME)
                .overlay()
                .getString(key);
    }

    @Test
    void textAfterTheValueIsIgnoredAsMiredoDoes() throws Exception {
        // Miredo reads two words a line (conf.c: sscanf " %31s %1023s"), so these files ran with the first value.
        assertThat(relayKey("BindPort 3545 3546", "jmiredo.relay.bind-port")).isEqualTo("3545");
        assertThat(relayKey("InterfaceName teredo0 # the relay's", "jmiredo.tun.name"))
                .isEqualTo("teredo0");
    }

    @Test
    void aClientsFileRefusesTheRelaysPrefixAndMtu() {
        // Miredo's client ignores them ("Superfluous directive") and miredo-checkconf refuses them: the client
        // takes both from its server's router advertisement.
        String why = "a relay directive in a client's file (RelayType client, or a ServerAddress): the client takes "
                + "the prefix and MTU from its server's router advertisement; Miredo ignores it there and "
                + "miredo-checkconf refuses it";
        assertProblems(
                List.of("ServerAddress 198.51.100.1", "Prefix 2001::", "InterfaceMTU 1400"),
                "m.conf:2: directive \"Prefix\": " + why,
                "m.conf:3: directive \"InterfaceMTU\": " + why);
    }

    @Test
    void serverFileGivesTheServerSection() throws Exception {
        MiredoConfParser.Result result = MiredoConfParser.parse(
                "miredo-server.conf",
                List.of(
                        "ServerBindAddress 198.51.100.1",
                        "ServerBindAddress2 198.51.100.2",
                        "Prefix 2001:0::",
                        "InterfaceMTU 1280"));
        assertThat(result.overlay().getString("jmiredo.server.primary-address")).isEqualTo("198.51.100.1");
        assertThat(result.overlay().getString("jmiredo.server.secondary-address"))
                .isEqualTo("198.51.100.2");
        assertThat(result.overlay()
                        .getValue("jmiredo.server.secondary-address")
                        .origin()
                        .lineNumber())
                .isEqualTo(2);
        assertThat(result.roleDirectives())
                .containsExactly(
                        new RoleDirective("miredo-server.conf:1", "ServerBindAddress", DataPathRole.SERVER),
                        new RoleDirective("miredo-server.conf:2", "ServerBindAddress2", DataPathRole.SERVER));

        MiredoConfParser.Result implicit = MiredoConfParser.parse("s.conf", List.of("ServerBindAddress 203.0.113.7"));
        assertThat(implicit.overlay().getString("jmiredo.server.secondary-address"))
                .isEmpty(); // primary + 1
        assertThat(implicit.overlay()
                        .getValue("jmiredo.server.secondary-address")
                        .origin()
                        .lineNumber())
                .isEqualTo(1);
    }

    @Test
    void serverAddressesMustBeGlobalAndComplete() {
        assertProblems(
                List.of("ServerBindAddress 10.0.0.1"),
                "m.conf:1: directive \"ServerBindAddress\": must be a global unicast IPv4 address (RFC 4380 section 5.2.4), got 10.0.0.1");
        assertProblems(
                List.of("", "ServerBindAddress2 198.51.100.2"),
                "m.conf:2: directive \"ServerBindAddress2\": needs ServerBindAddress as well");
    }

    @Test
    void theDebianDefaultClientFileIsAClients() throws Exception {
        MiredoConfParser.Result result = MiredoConfParser.parse(
                "m.conf",
                List.of(
                        "# Please refer to the miredo.conf(5) man page for details.",
                        "InterfaceName\tteredo",
                        "",
                        "# Pick a Teredo server:",
                        "#ServerAddress\tteredo.ipv6.microsoft.com",
                        "ServerAddress\tteredo-debian.remlab.net"),
                name -> new InetAddress[] {InetAddress.getByAddress(name, new byte[] {(byte) 198, 51, 100, 1})});
        assertThat(result.overlay().getString("jmiredo.client.server-address")).isEqualTo("198.51.100.1");
        assertThat(result.overlay().getString("jmiredo.tun.name")).isEqualTo("teredo");
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static String type(String line) throws InvalidConfigException {
        return MiredoConfParser.parse("m.conf", List.of(line)).overlay().getString("jmiredo.relay.type");
    }

    private static void assertProblems(List<String> lines, String... expected) {
        assertThatThrownBy(() -> MiredoConfParser.parse("m.conf", lines))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(expected));
    }

    @Test
    void emptyFileIsTheDefaults() throws Exception {
        MiredoConfParser.Result result = MiredoConfParser.parse("m.conf", List.of("# nothing", "   "));
        assertThat(result.overlay().isEmpty()).isTrue();
        assertThat(result.roleDirectives()).isEmpty();
    }
}
