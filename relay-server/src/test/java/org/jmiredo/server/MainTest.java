package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmiredo.peer.PeerTableSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void theDaemonTurnsNettysLeakDetectionOffUnlessTheOperatorGaveALevel() {
        // the build's argLine sets it to paranoid for the tests
        assertDefaultUnlessSet("io.netty.leakDetection.level", Main::quietLeakDetection, "disabled", "simple");
    }

    @Test
    void theDaemonTurnsNettysJfrEventsOffUnlessTheOperatorAsked() {
        assertDefaultUnlessSet(Main.NETTY_JFR, Main::quietNettyJfr, "false", "true");
    }

    /** {@code quiet} sets {@code key} to {@code daemonDefault} when unset, and leaves an operator's value. */
    private static void assertDefaultUnlessSet(String key, Runnable quiet, String daemonDefault, String operators) {
        String before = System.getProperty(key);
        try {
            System.clearProperty(key);
            quiet.run();
            assertThat(System.getProperty(key)).isEqualTo(daemonDefault);
            System.setProperty(key, operators);
            quiet.run();
            assertThat(System.getProperty(key)).isEqualTo(operators);
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void checkconfAcceptsAGoodHoconFile() throws Exception {
        Path file = write("relay.conf", "jmiredo.relay { type = cone, bind-port = 3545 }\n");
        assertThat(run("checkconf", file.toString())).isZero();
        assertThat(out.toString()).isEqualTo(file + ": OK" + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void checkconfRefusesABadHoconFileWithFileLineAndKey() throws Exception {
        Path file = write("relay.conf", "jmiredo {\n  relay.bind-port = 70000\n}\n");
        assertThat(run("checkconf", file.toString())).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo(file + ":2: jmiredo.relay.bind-port: must be 1-65535, got 70000" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void checkconfDetectsMiredoSyntax() throws Exception {
        Path good = write("miredo.conf", "# relay\nRelayType cone\nInterfaceName teredo\nBindPort 3545\n");
        assertThat(run("checkconf", good.toString())).isZero();
        assertThat(out.toString()).contains(good + ": OK");

        Path bad = write("bad-miredo.conf", "RelayType cone\nBindPort 70000\nFoo bar\n");
        assertThat(run("checkconf", bad.toString())).isEqualTo(1);
        assertThat(err.toString().lines())
                .containsExactly(
                        bad + ":2: directive \"BindPort\": must be an integer 0-65535 (decimal, 0x hex, or 0 octal, as "
                                + "Miredo reads it), got \"70000\"",
                        bad + ":3: directive \"Foo\": unknown directive");
    }

    @Test
    void checkconfRefusesAClientsFileWithoutServerAsMiredoCheckconfDoes() throws Exception {
        Path file = write("client.conf", "# no ServerAddress\nRelayType client\n");
        assertThat(run("checkconf", "--miredo", file.toString())).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo(file + ":2: directive \"RelayType\": a client's file without "
                        + "ServerAddress: Miredo stops (\"Server address not specified\")" + System.lineSeparator());
    }

    @Test
    void checkconfMiredoFlagForcesTheSyntax() throws Exception {
        Path file = write("odd.conf", "include \"x\"\n");
        assertThat(run("checkconf", "--miredo", file.toString())).isEqualTo(1);
        assertThat(err.toString()).contains(file + ":1: directive \"include\": unknown directive");
    }

    @Test
    void checkconfOnAServerFileAndAClientFile() throws Exception {
        Path server = write("miredo-server.conf", "ServerBindAddress 198.51.100.1\nServerBindAddress2 198.51.100.2\n");
        assertThat(run("checkconf", server.toString())).isZero();
        Path client = write("client.conf", "RelayType client\nServerAddress 198.51.100.1\n");
        assertThat(run("checkconf", client.toString())).isZero();
        Path wrong = write("wrong.conf", "RelayType client\nServerAddress 10.0.0.1\n");
        assertThat(run("checkconf", wrong.toString())).isEqualTo(1);
        assertThat(err.toString()).contains(wrong + ":2: jmiredo.client.server-address: must be a global unicast");
    }

    @Test
    void checkconfOnAMissingFile() {
        Path file = dir.resolve("absent.conf");
        assertThat(run("checkconf", file.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(file + ": no such file" + System.lineSeparator());
    }

    @Test
    void usageErrorsAreOneLineAndExit2() {
        assertThat(run("checkconf")).isEqualTo(2);
        assertThat(err.toString().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("jmiredo: Missing required parameter");
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("missing command: relay or checkconf");
    }

    @Test
    void versionNamesTheProduct() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("jmiredo ");
    }

    @Test
    void relayWithABadConfigExitsWithExConfigAndNoStackTrace() throws Exception {
        Path file = write("relay.conf", "jmiredo.tun.mtu = 1000\n");
        assertThat(run("relay", "--config", file.toString())).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString())
                .isEqualTo(file + ":1: jmiredo.tun.mtu: must be 1280-65535, got 1000" + System.lineSeparator());
    }

    /**
     * Bounds no host's memory holds (a peer table of 2^30 peers, 45 GiB, and 1 PiB of queues): refused before
     * anything starts, as a configuration error, where the relay used to start and be killed for want of memory once
     * a flood filled them. The metrics port is taken, so that a relay that went on starting would stop at once there
     * (exit 1), before any tunnel.
     */
    @Test
    void relayWhosePeerBoundsExceedTheMemoryIsRefusedAtStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path file = write(
                    "relay.conf",
                    "jmiredo { tun.name = jmopsmem, metrics.listen = \"127.0.0.1:"
                            + taken.getLocalPort() + "\", peers { max = 1073741824, max-queued-peers = 1073741824,"
                            + " queue-bytes-per-peer = 1MiB } }\n");
            assertThat(run("relay", "--config", file.toString()))
                    .as(err.toString())
                    .isEqualTo(Main.EXIT_CONFIG);
        }
        assertThat(err.toString())
                .startsWith("jmiredo.peers: a full peer table (peers.max = 1073741824) takes ")
                .contains("MiB of memory this process may use")
                .hasLineCount(1);
    }

    @Test
    void relayWithinTheMemoryIsNotRefused() {
        assertThat(MemoryBudget.problem(PeerTableSettings.defaults(), 512L << 20))
                .isEmpty();
        assertThat(MemoryBudget.problem(PeerTableSettings.defaults(), 128L << 20))
                .hasValueSatisfying(p -> assertThat(p)
                        .contains(
                                "(peers.max = 1048576) takes 42 MiB",
                                "16384 x 9216) up to 144 MiB",
                                "the 128 MiB of memory"));
        // Fits, but leaves the JVM less than half: started, with a warning.
        assertThat(MemoryBudget.problem(PeerTableSettings.defaults(), 256L << 20))
                .isEmpty();
        assertThat(MemoryBudget.warning(PeerTableSettings.defaults(), 256L << 20))
                .hasValueSatisfying(w -> assertThat(w).contains("more than half the 256 MiB"));
        assertThat(MemoryBudget.warning(PeerTableSettings.defaults(), 512L << 20))
                .isEmpty();
    }

    @Test
    void relayCommandLineOptionsAreValidatedAndNamed() {
        assertThat(run("relay", "--metrics-listen", "localhost")).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString())
                .startsWith(
                        "command-line option --metrics-listen: jmiredo.metrics.listen: must be HOST:PORT, got \"localhost\"");
        assertThat(run("relay", "--log-format", "xml")).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString())
                .contains("command-line option --log-format: jmiredo.logging.format: must be text or json");
    }

    @Test
    void debugAddsTheStackTrace() throws Exception {
        Path file = write("relay.conf", "jmiredo.tun.mtu = 1000\n");
        assertThat(run("relay", "--debug", "--config", file.toString())).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString()).contains("InvalidConfigException", "\tat org.jmiredo.server");
    }

    @Test
    void miredoSyntaxGivenToConfigGetsAHint() throws Exception {
        Path file = write("miredo.conf", "RelayType cone\nInterfaceName teredo\n");
        assertThat(run("relay", "--config", file.toString())).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString())
                .startsWith(file + ":2: ")
                .contains("(this looks like Miredo's miredo.conf syntax: use --miredo-conf, or checkconf --miredo)");
    }

    @Test
    void relayAndClientRefuseEachOthersMiredoConf() throws Exception {
        for (String[] c : new String[][] {{"relay", "autoclient", "client"}, {"client", "cone", "relay"}}) {
            Path file = write(c[0] + "-miredo.conf", "RelayType " + c[1] + "\n");
            assertThat(run(c[0], "--miredo-conf", file.toString())).isEqualTo(Main.EXIT_CONFIG);
            assertThat(err.toString())
                    .contains(file + ":1: directive \"RelayType\": this file configures a Teredo " + c[2]
                            + ": run `jmiredo " + c[2] + " --miredo-conf`");
        }
    }

    /** The client creates its own tunnel: a host's persistent device is refused before anything starts. */
    @Test
    void clientRefusesAPersistentTunnelAsAConfigurationError() throws Exception {
        Path file = write(
                "client.conf",
                "jmiredo.client.server-address = \"198.51.100.1\"\n" + "jmiredo.tun.persistent = true\n");
        assertThat(run("client", "--config", file.toString(), "--metrics-listen", "127.0.0.1:0"))
                .isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString())
                .contains(file + ":2: jmiredo.tun.persistent: `jmiredo client` creates its own "
                        + "tunnel and cannot attach to a persistent device: set it to false");
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
