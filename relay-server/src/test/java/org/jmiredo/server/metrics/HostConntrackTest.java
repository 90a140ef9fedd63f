package org.jmiredo.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HostConntrack over a stand-in /proc: the files as Linux 6.x writes them, and their absence. */
class HostConntrackTest {
    /** /proc/net/stat/nf_conntrack of a 2-CPU host: a header, then one line per CPU, in hexadecimal. */
    private static final String STAT = """
            entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
            00040000  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000003 0000001a 00000002 00000000  00000000 00000000 00000000 00000000
            00040000  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000100 00000000 00000000  00000000 00000000 00000000 00000000
            """;

    @TempDir
    Path proc;

    private void write(String count, String max, String stat) throws IOException {
        Files.createDirectories(proc.resolve("sys/net/netfilter"));
        Files.createDirectories(proc.resolve("net/stat"));
        Files.writeString(proc.resolve("sys/net/netfilter/nf_conntrack_count"), count + "\n");
        Files.writeString(proc.resolve("sys/net/netfilter/nf_conntrack_max"), max + "\n");
        Files.writeString(proc.resolve("net/stat/nf_conntrack"), stat);
    }

    @Test
    void readsTheTableItsLimitAndTheTableFullDropsSummedOverCpus() throws IOException {
        write("262144", "262144", STAT);
        HostConntrack conntrack = HostConntrack.find(proc).orElseThrow();

        assertThat(conntrack.entries()).isEqualTo(262_144);
        assertThat(conntrack.limit()).isEqualTo(262_144);
        assertThat(conntrack.droppedPackets())
                .as("0x1a + 0x100, the drop column only")
                .isEqualTo(26 + 256);
    }

    @Test
    void nothingWhereTheKernelHasNoConntrack() {
        assertThat(HostConntrack.find(proc)).isEmpty();
    }

    @Test
    void warnsOnlyWhenTheTableIsInUseAndItsLimitIsBelowThePeerCapacity() throws IOException {
        write("1200", "262144", STAT);
        HostConntrack conntrack = HostConntrack.find(proc).orElseThrow();

        assertThat(conntrack.capacityWarning(1_048_576)).hasValueSatisfying(line -> assertThat(line)
                .contains("nf_conntrack_max = 262144", "peers.max = 1048576", "jmiredo-notrack.sh"));
        assertThat(conntrack.capacityWarning(262_144))
                .as("limit as large as the table of peers")
                .isEmpty();

        write("0", "262144", STAT);
        assertThat(conntrack.capacityWarning(1_048_576))
                .as("no entries: conntrack not in use here")
                .isEmpty();
    }

    @Test
    void aServerOrMireIsWarnedWheneverTheTableIsInUseWithTheFloodThatFillsIt() throws IOException {
        write("1200", "262144", STAT);
        Files.writeString(proc.resolve("sys/net/netfilter/nf_conntrack_udp_timeout"), "30\n");
        HostConntrack conntrack = HostConntrack.find(proc).orElseThrow();

        assertThat(conntrack.floodWarning("server", List.of(3544))).hasValueSatisfying(line -> assertThat(line)
                .contains(
                        "in the server's network namespace (1200 entries, net.netfilter.nf_conntrack_max = 262144)",
                        "for 30 s at least",
                        "about 8738 new sources a second",
                        "jmiredo-notrack.sh add --port 3544,"));
        assertThat(conntrack.floodWarning("mire", List.of(3544, 3545)))
                .as("mire answers on two ports")
                .hasValueSatisfying(line -> assertThat(line).contains("jmiredo-notrack.sh add --port 3544,3545,"));

        write("0", "262144", STAT);
        assertThat(conntrack.floodWarning("server", List.of(3544)))
                .as("no entries: conntrack not in use here")
                .isEmpty();
    }

    @Test
    void exportsTheThreeSeriesReadAtScrapeTime() throws IOException {
        write("10", "65536", STAT);
        PrometheusMeterRegistry registry = MeterRegistries.prometheus();
        HostConntrack.find(proc).orElseThrow().bindTo(registry);
        write("4242", "65536", STAT.replace("0000001a", "0000001b"));

        String text = registry.scrape();

        assertThat(text)
                .contains(
                        "jmiredo_host_conntrack_entries 4242.0",
                        "jmiredo_host_conntrack_limit 65536.0",
                        "jmiredo_host_conntrack_dropped_packets_total 283.0");
    }

    @Test
    void aStatFileItCannotParseCountsNoDrops() throws IOException {
        write("1", "2", "entries drop\nnot-hex zz\n");
        assertThat(HostConntrack.find(proc).orElseThrow().droppedPackets()).isZero();
    }
}
