package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.RelayType;
import org.jmiredo.server.config.SyslogFacility;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same miredo.conf files through {@code jmiredo checkconf --miredo} and Miredo's own miredo-checkconf(8):
 * each case records Miredo's verdict, ours (OK with the meaning taken, or the refusal), and, where the two
 * differ, why. Miredo's verdicts are checked against the real binary when it is installed (always under
 * CI=true, where .ci/run installs it), so a case that misstates Miredo fails.
 */
class MiredoCheckconfParityTest {
    private static final Path MIREDO_CHECKCONF = Path.of("/usr/sbin/miredo-checkconf");
    private static final String OK = "OK";

    /**
     * @param ours "OK", or a part of our refusal
     * @param why null when Miredo and we agree; else why we differ (the README's "miredo.conf" list)
     */
    private record Case(String text, boolean miredo, String ours, String why, Consumer<DaemonConfig> meaning) {}

    private static Case same(String text, Consumer<DaemonConfig> meaning) {
        return new Case(text, true, OK, null, meaning);
    }

    private static Case refused(String text, String ours) {
        return new Case(text, false, ours, null, c -> {});
    }

    private static Case differs(String text, boolean miredo, String ours, String why) {
        return new Case(text, miredo, ours, why, c -> {});
    }

    private static final List<Case> CASES = List.of(
            same("RelayType cone\nInterfaceName teredo\nBindPort 3545\n", c -> {
                assertThat(c.relay().type()).isEqualTo(RelayType.CONE);
                assertThat(c.tun().name()).isEqualTo("teredo");
                assertThat(c.relay().bindPort()).isEqualTo(3545);
            }),
            same("RELAYTYPE Relay\n", c -> assertThat(c.relay().type()).isEqualTo(RelayType.CONE)),
            same("RelayType restricted\n", c -> assertThat(c.relay().type()).isEqualTo(RelayType.RESTRICTED)),
            refused("RelayType bogus\n", "must be cone, relay or restricted"),
            refused("RelayType \"cone\"\n", "must be cone, relay or restricted"),
            // Miredo reads two words per line: the rest, comment or not, is ignored; CR LF and tabs are white space.
            same("\tRelayType\tcone  and more words\r\nBindPort 3545 3546 # first\r\n", c -> {
                assertThat(c.relay().type()).isEqualTo(RelayType.CONE);
                assertThat(c.relay().bindPort()).isEqualTo(3545);
            }),
            same(
                    "#RelayType restricted\nRelayType cone\n",
                    c -> assertThat(c.relay().type()).isEqualTo(RelayType.CONE)),
            refused("RelayType cone\nInterfaceName\n", "missing value"),
            refused("RelayType cone\nBindPort 3545\nbindport 3546\n", "given twice"),
            refused("RelayType cone\nHoldingTime 30\n", "unknown directive"),
            // strtoul(3), base 0: hex, octal, a sign.
            same("RelayType cone\nBindPort 0x0DDD\n", c -> assertThat(c.relay().bindPort())
                    .isEqualTo(3549)),
            same("RelayType cone\nBindPort 03544\n", c -> assertThat(c.relay().bindPort())
                    .isEqualTo(1892)),
            same("RelayType cone\nBindPort +3545\n", c -> assertThat(c.relay().bindPort())
                    .isEqualTo(3545)),
            same("RelayType cone\nInterfaceMTU 0x578\n", c -> assertThat(c.tun().mtu())
                    .isEqualTo(1400)),
            refused("RelayType cone\nBindPort 65536\n", "0-65535"),
            refused("RelayType cone\nBindPort 08\n", "0-65535"),
            differs(
                    "RelayType cone\nBindPort 0\n",
                    true,
                    "not supported by `jmiredo relay`",
                    "the relay's sockets (one per event loop) share one fixed port"),
            differs(
                    "RelayType cone\nInterfaceMTU 1000\n",
                    true,
                    "must be 1280-65535",
                    "below IPv6's minimum link MTU (RFC 8200 section 5) the tunnel cannot carry IPv6"),
            same("RelayType cone\nPrefix 2001:0::\n", c -> assertThat(c.relay().prefix())
                    .isEqualTo(0x2001_0000)),
            same(
                    "RelayType cone\nPrefix 3ffe:831f:1:2::9\n",
                    c -> assertThat(c.relay().prefix()).isEqualTo(0x3ffe_831f)),
            differs("RelayType cone\nPrefix 2001::/32\n", false, OK, "the ADDRESS/32 form of jmiredo.relay.prefix"),
            refused("RelayType cone\nPrefix 192.0.2.1\n", "IPv6"),
            differs(
                    "RelayType cone\nPrefix ff02::\n",
                    true,
                    "must not be multicast",
                    "a multicast Teredo prefix routes nothing"),
            same(
                    "RelayType cone\nBindAddress 0.0.0.0\n",
                    c -> assertThat(c.relay().bindAddress()).isZero()),
            // getaddrinfo(3) takes inet_aton(3) forms: 198.51.100.3 as one 32-bit number, and as a.b.c.
            same(
                    "RelayType cone\nBindAddress 3325256707\n",
                    c -> assertThat(c.relay().bindAddress()).isEqualTo(Ipv4.of(198, 51, 100, 3))),
            same(
                    "RelayType cone\nBindAddress 198.51.0x64.3\n",
                    c -> assertThat(c.relay().bindAddress()).isEqualTo(Ipv4.of(198, 51, 100, 3))),
            same(
                    "RelayType cone\nBindAddress 198.51.25603\n",
                    c -> assertThat(c.relay().bindAddress()).isEqualTo(Ipv4.of(198, 51, 100, 3))),
            differs(
                    "RelayType cone\nBindAddress 127.0.0.1\n",
                    true,
                    "global unicast",
                    "a relay bound to a non-global address is unreachable; behind a NAT, bind 0.0.0.0"),
            same(
                    "RelayType cone\nSyslogFacility LOCAL3\n",
                    c -> assertThat(c.logging().syslogFacility()).contains(SyslogFacility.LOCAL3)),
            differs("RelayType cone\nSyslogFacility none\n", false, OK, "jmiredo's value for no syslog"),
            refused("RelayType cone\nSyslogFacility local9\n", "must be none or one of"),
            differs(
                    "RelayType cone\nInterfaceName abcdefghijklmnop\n",
                    true,
                    "must be 1-15 characters",
                    "Linux interface names are at most 15 bytes; Miredo fails later, creating the tunnel"),
            refused("RelayType cone\nServerAddress 192.0.2.1\n", "a client directive in a relay's file"),
            same("ServerAddress 192.0.2.1\n", c -> assertThat(c.client().serverAddress())
                    .isEqualTo(Ipv4.of(192, 0, 2, 1))),
            same(
                    "RelayType AutoClient\nServerAddress 192.0.2.1\nServerAddress2 192.0.2.3\nBindAddress 192.168.1.2\n"
                            + "BindPort 0\n",
                    c -> {
                        assertThat(c.client().serverAddress2()).isEqualTo(Ipv4.of(192, 0, 2, 3));
                        assertThat(c.client().bindAddress()).isEqualTo(Ipv4.of(192, 168, 1, 2));
                        assertThat(c.client().bindPort()).isZero();
                    }),
            differs(
                    "ServerAddress localhost\n",
                    true,
                    "global unicast",
                    "clients reach their Teredo server from the IPv4 Internet (RFC 4380 section 5.2.4)"),
            differs(
                    "ServerAddress 192.0.2.1\nServerAddress2 192.0.2.1\n",
                    true,
                    "must differ from server-address",
                    "the client's NAT test needs two server addresses (RFC 4380 section 5.2.1)"),
            differs(
                    "RelayType cone\nInterfaceName #teredo\n",
                    true,
                    "missing value",
                    "a word starting with '#' starts a comment here; Miredo took it as the name"),
            refused("RelayType client\n", "without ServerAddress"),
            refused("RelayType client\nServerAddress 192.0.2.1\nPrefix 2001::\n", "a relay directive in a client's"),
            refused("ServerAddress 192.0.2.1\nInterfaceMTU 1400\n", "a relay directive in a client's"),
            differs(
                    "InterfaceName teredo\n",
                    false,
                    OK,
                    "without RelayType Miredo runs a client, which needs "
                            + "a ServerAddress; jmiredo's command names the role: `jmiredo relay` runs this file as a relay"));

    @TempDir
    Path dir;

    @Test
    void oursAsRecordedAndMiredosAsRecorded() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            assertThat(c.why() == null)
                    .as("case %d: a reason exactly when the verdicts differ", i)
                    .isEqualTo(c.miredo() == c.ours().equals(OK));
            Path file = dir.resolve("case" + i + ".conf");
            Files.writeString(file, c.text());
            String ours = ours(file);
            if (c.ours().equals(OK) ? !ours.equals(OK) : !ours.contains(c.ours())) {
                wrong.add("case " + i + " " + c.text().strip() + ": jmiredo said " + ours);
            } else if (ours.equals(OK)) {
                c.meaning().accept(ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(file)));
            }
        }
        assertThat(wrong).isEmpty();
        if (!Files.isExecutable(MIREDO_CHECKCONF)) {
            Privileges.skipOrFail("no " + MIREDO_CHECKCONF + " to compare with (apt-get install miredo)");
        }
        for (int i = 0; i < CASES.size(); i++) {
            Path file = dir.resolve("case" + i + ".conf");
            if (miredoAccepts(file) != CASES.get(i).miredo()) {
                wrong.add("case " + i + " " + CASES.get(i).text().strip() + ": miredo-checkconf "
                        + (CASES.get(i).miredo() ? "refused" : "accepted") + " it");
            }
        }
        assertThat(wrong).isEmpty();
    }

    private static String ours(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(
                new PrintWriter(out, true), new PrintWriter(err, true), "checkconf", "--miredo", file.toString());
        return status == 0 ? OK : err.toString().strip();
    }

    private static boolean miredoAccepts(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(MIREDO_CHECKCONF.toString(), file.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS))
                .as("miredo-checkconf finishes")
                .isTrue();
        return process.exitValue() == 0;
    }
}
