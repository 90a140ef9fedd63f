package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.InNetns;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Teredo server and mire in a namespace of the test's own where a stateful rule makes the kernel track
 * connections, as a firewall or Docker's rules do: each exports the host's conntrack table (the relay's
 * {@code jmiredo_host_conntrack_*}) and warns once at start, as the relay does, for every source of theirs, a
 * spoofed one included, takes an entry. Without such a rule the table is not in use there and nothing is logged.
 */
class RoleConntrackTest {
    private static final List<String> SERIES = List.of(
            "jmiredo_host_conntrack_entries",
            "jmiredo_host_conntrack_limit",
            "jmiredo_host_conntrack_dropped_packets_total");

    @TempDir
    Path dir;

    @Test
    void aServerWhereConntrackIsInUseExportsTheTableAndWarnsOnce() throws Exception {
        Privileges.assumeNetAdmin();
        try (TestNetns ns = serverNamespace();
                Captured log = new Captured(ServerDaemon.class)) {
            trackConnections(ns);
            try (ServerDaemon server = InNetns.call(ns.name(), () -> ServerDaemon.start(serverConfig()))) {
                assertThat(server.scrape()).contains(SERIES);
                assertThat(server.scrape())
                        .as("the limit as a process reads it (a whole read, not its first byte)")
                        .contains("jmiredo_host_conntrack_limit " + sysctl(ns, "nf_conntrack_max") + ".0");
            }
            assertThat(log.warnings())
                    .filteredOn(l -> l.startsWith("connection tracking is in use"))
                    .singleElement()
                    .asString()
                    .contains(
                            "in the server's network namespace",
                            "nf_conntrack_max = ",
                            "jmiredo-notrack.sh add --port 3544");
        }
    }

    @Test
    void aServerWhereNoRuleNeedsConntrackSaysNothing() throws Exception {
        Privileges.assumeNetAdmin();
        try (TestNetns ns = serverNamespace();
                Captured log = new Captured(ServerDaemon.class)) {
            try (ServerDaemon server = InNetns.call(ns.name(), () -> ServerDaemon.start(serverConfig()))) {
                assertThat(server.scrape()).contains(SERIES); // where the kernel has conntrack, whether in use or not
            }
            assertThat(log.warnings()).noneMatch(l -> l.contains("connection tracking"));
        }
    }

    @Test
    void mireWhereConntrackIsInUseExportsTheTableAndWarnsOnce() throws Exception {
        Privileges.assumeNetAdmin();
        try (TestNetns ns = serverNamespace();
                Captured log = new Captured(MireDaemon.class)) {
            trackConnections(ns);
            DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none()
                    .withHocon(Files.writeString(
                            dir.resolve("mire.conf"),
                            "jmiredo.metrics.listen = \"127.0.0.1:0\"\n" + "jmiredo.transport.event-loops = 1\n")));
            try (MireDaemon mire = InNetns.call(ns.name(), () -> MireDaemon.start(config, Ipv4.of(198, 51, 100, 1)))) {
                assertThat(mire.scrape()).contains(SERIES);
            }
            assertThat(log.warnings())
                    .filteredOn(l -> l.startsWith("connection tracking is in use"))
                    .singleElement()
                    .asString()
                    .contains("in the mire's network namespace");
        }
    }

    private static String sysctl(TestNetns ns, String name) {
        TestNetns.Result r = ns.exec("cat", "/proc/sys/net/netfilter/" + name);
        assertThat(r.ok()).as(r.output()).isTrue();
        return r.output().trim();
    }

    private static TestNetns serverNamespace() {
        TestNetns ns = TestNetns.create();
        ns.ip("link", "set", "lo", "up");
        ns.ip("addr", "add", "198.51.100.1/32", "dev", "lo");
        ns.ip("addr", "add", "198.51.100.2/32", "dev", "lo");
        return ns;
    }

    /** A stateful rule, as a firewall has: the kernel tracks the namespace's flows; a ping makes one entry. */
    private static void trackConnections(TestNetns ns) {
        for (String command : List.of(
                "add table inet jmct",
                "add chain inet jmct in { type filter hook input priority 0; }",
                "add rule inet jmct in ct state new counter")) {
            TestNetns.Result r = ns.exec("nft", command);
            assertThat(r.ok()).as("nft %s: %s", command, r.output()).isTrue();
        }
        TestNetns.Result ping = ns.exec("ping", "-c", "1", "-W", "1", "198.51.100.1");
        assertThat(ping.ok()).as(ping.output()).isTrue();
    }

    private DaemonConfig serverConfig() throws Exception {
        return ConfigLoader.load(
                ConfigLoader.Sources.none().withHocon(Files.writeString(dir.resolve("server.conf"), """
                jmiredo.server.primary-address = "198.51.100.1"
                jmiredo.server.secondary-address = "198.51.100.2"
                jmiredo.server.native-forwarding = false
                jmiredo.metrics.listen = "127.0.0.1:0"
                jmiredo.transport.event-loops = 1
                """)));
    }

    /** One daemon class's log lines, from start to close. */
    private static final class Captured implements AutoCloseable {
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Logger log;

        Captured(Class<?> daemon) {
            log = (Logger) LoggerFactory.getLogger(daemon);
            appender.start();
            log.addAppender(appender);
        }

        List<String> warnings() {
            return appender.list.stream()
                    .filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }

        @Override
        public void close() {
            log.detachAppender(appender);
        }
    }
}
