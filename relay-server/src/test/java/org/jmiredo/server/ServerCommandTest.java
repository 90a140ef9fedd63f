package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmiredo.server.config.ServerRoleConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code jmiredo server}, {@code mire} and {@code checkconf} on server files; nothing here binds a Teredo port. */
class ServerCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void serverWithoutAnAddressRefusesToStartInOneLine() {
        assertThat(run("server", "--metrics-listen", "127.0.0.1:0")).isEqualTo(Main.EXIT_FAILURE);
        assertThat(err.toString())
                .isEqualTo("jmiredo: no server address: set jmiredo.server.primary-address "
                        + "(--config) or ServerBindAddress (--miredo-conf miredo-server.conf)"
                        + System.lineSeparator());
    }

    @Test
    void serverRefusesAnAddressThisHostDoesNotHave() throws Exception {
        // 203.0.113.0/24 is documentation space (RFC 5737): no test machine has it.
        Path conf = write("miredo-server.conf", "ServerBindAddress 203.0.113.200\n");
        assertThat(run("server", "--miredo-conf", conf.toString(), "--metrics-listen", "127.0.0.1:0"))
                .isEqualTo(Main.EXIT_FAILURE);
        assertThat(err.toString())
                .startsWith("jmiredo: jmiredo.server.primary-address 203.0.113.200 is not assigned " + "to this host")
                .hasLineCount(1);
    }

    /**
     * The per-destination tables (RAs and forwarded packets, both on by default) are allocated at start, 16 B per
     * slot each, one of each for the whole server (before, one per event loop: 256 loops took 32 GiB): a value the
     * configuration accepts (4194304 slots: 128 MiB) must stop the start on a small heap with the key, not with an
     * OutOfMemoryError once the loops run; the same on a heap of twice that starts.
     */
    @Test
    void serverRefusesRaDestinationTablesLargerThanHalfTheHeap() throws Exception {
        ServerRoleConfig role = new ServerRoleConfig(0, 0, 0x2001_0000, 1280, 88, 0, true, 20, 4_194_304);
        long mib = 1 << 20;
        assertThatThrownBy(() -> ServerDaemon.requireRaTablesFitTheHeap(role, 255 * mib))
                .isInstanceOf(StartupException.class)
                .hasMessage("jmiredo.server.ra-destination-slots = 4194304: the per-destination tables (RAs, forwarded "
                        + "packets) take 128 MiB (16 B x 4194304 slots each), more than half the heap (255 MiB, "
                        + "-Xmx): lower it, or raise -Xmx");
        ServerDaemon.requireRaTablesFitTheHeap(role, 256 * mib);
    }

    @Test
    void serverWarnsAboutTheRelaysDirectivesWithTheirLines() throws Exception {
        Path conf = write("miredo.conf", "RelayType cone\nServerBindAddress 203.0.113.200\nBindPort 3545\n");
        Logger log = (Logger) LoggerFactory.getLogger(ServerDaemon.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            assertThat(run("server", "--miredo-conf", conf.toString(), "--metrics-listen", "127.0.0.1:0"))
                    .isEqualTo(Main.EXIT_FAILURE); // 203.0.113.200 is not this host's: stops after the warnings
        } finally {
            log.detachAppender(seen);
        }
        assertThat(seen.list)
                .allMatch(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        conf + ":1: directive \"RelayType\" is for `jmiredo relay`; `jmiredo server` ignores it",
                        conf + ":3: directive \"BindPort\" is for `jmiredo relay`; `jmiredo server` ignores it");
    }

    @Test
    void serverReportsABadFileAsAConfigurationError() throws Exception {
        Path conf = write("miredo-server.conf", "ServerBindAddress 10.1.2.3\n");
        assertThat(run("server", "--miredo-conf", conf.toString())).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString())
                .isEqualTo(conf + ":1: directive \"ServerBindAddress\": must be a global unicast "
                        + "IPv4 address (RFC 4380 section 5.2.4), got 10.1.2.3" + System.lineSeparator());
    }

    @Test
    void checkconfReadsAMiredoServerFile() throws Exception {
        Path conf = write("miredo-server.conf", """
                ServerBindAddress 198.51.100.1
                ServerBindAddress2 198.51.100.2
                Prefix 2001:0::
                InterfaceMTU 1280
                SyslogFacility daemon
                """);
        assertThat(run("checkconf", conf.toString())).isZero();
        assertThat(out.toString()).isEqualTo(conf + ": OK" + System.lineSeparator());
    }

    @Test
    void checkconfChecksTheHoconServerSection() throws Exception {
        Path conf = write(
                "server.conf", "jmiredo.server { primary-address = \"198.51.100.1\", max-icmp-payload = 70000 }\n");
        assertThat(run("checkconf", conf.toString())).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo(conf + ":1: jmiredo.server.max-icmp-payload: must be 0-65535, got 70000"
                        + System.lineSeparator());
    }

    @Test
    void mireRefusesANonGlobalBindAddressAsAUsageError() {
        assertThat(run("mire", "--bind", "192.168.1.1")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("--bind: must be 0.0.0.0 or a global unicast IPv4 address");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
