package org.jmiredo.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.metrics.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/metrics.md, the operator's catalogue, against what the daemons export: every series and every drop
 * reason the metrics binders produce is listed there, and every jmiredo series the catalogue, the README,
 * docs/server.md or deploy/README.md names exists. (DeployFilesTest checks the alerts and the dashboard
 * against live daemons.)
 */
class MetricsCatalogueTest {
    /** Run from the module directory (surefire's working directory). */
    private static final Path CATALOGUE = Path.of("..", "docs", "metrics.md");
    /** The other pages an operator reads that name series. */
    private static final List<Path> PAGES = List.of(
            Path.of("..", "README.md"), Path.of("..", "docs", "server.md"), Path.of("..", "deploy", "README.md"));

    private static final Pattern TYPE = Pattern.compile("^# TYPE (jmiredo_[a-z0-9_]+) ", Pattern.MULTILINE);
    private static final Pattern NAMED = Pattern.compile("`(jmiredo_[a-z0-9_]++)(?!\\*)");
    /**
     * Series registered by parts this test cannot build without a TUN device or a running client: the TUN
     * offload info and super-packet reads (TunOffloadMetrics), the client's state gauges (ClientReport) and address
     * failures (ClientTunnelAddress), the metrics endpoint's refusals and closes (MetricsServer).
     */
    private static final List<String> BUILT_ELSEWHERE = List.of(
            "jmiredo_tun_offload",
            "jmiredo_tun_read_super_packets_total",
            "jmiredo_client_state",
            "jmiredo_client_qualified",
            "jmiredo_client_address_assign_failures_total",
            "jmiredo_metrics_connections_refused_total",
            "jmiredo_metrics_connections_closed_total",
            "jmiredo_metrics_scrapes_refused_total");

    @TempDir
    Path proc;

    @Test
    void everyExportedSeriesIsInTheCatalogue() throws IOException {
        String catalogue = Files.readString(CATALOGUE);
        assertThat(exported()).allSatisfy(name -> assertThat(catalogue).as(name).contains("`" + name + "`"));
    }

    @Test
    void everyDropReasonIsExplainedInTheCatalogue() throws IOException {
        String catalogue = Files.readString(CATALOGUE);
        assertThat(Arrays.stream(DropReason.values()).map(DropReason::label))
                .allSatisfy(label -> assertThat(catalogue).as(label).contains("`" + label + "`"));
    }

    @Test
    void everySeriesTheOperatorsPagesNameExists() throws IOException {
        Set<String> known = exported();
        known.addAll(BUILT_ELSEWHERE);
        for (Path doc : Stream.concat(Stream.of(CATALOGUE), PAGES.stream()).toList()) {
            Matcher m = NAMED.matcher(Files.readString(doc));
            while (m.find()) {
                // A histogram's family is named with or without its _bucket, _sum, _count suffix.
                String name = m.group(1).replaceFirst("_(bucket|sum|count)$", "");
                assertThat(known).as("%s names %s", doc, m.group(1)).contains(name);
            }
        }
    }

    /** The jmiredo families of every role's data path, the peer table, GSO, socket buffers and write latency. */
    private Set<String> exported() throws IOException {
        PrometheusMeterRegistry registry = MeterRegistries.prometheus();
        List<DataPathCounters> loops = List.of(new DataPathCounters());
        StringBuilder text = new StringBuilder();
        for (DataPathRole role : DataPathRole.values()) {
            PrometheusMeterRegistry own = MeterRegistries.prometheus();
            new DataPathMetrics(role, loops).bindTo(own);
            text.append(own.scrape());
        }
        new PeerTableMetrics(new PeerTableStats(() -> 0, () -> 1, () -> 0, () -> 0, () -> 0, () -> 0, () -> 0, () -> 0))
                .bindTo(registry);
        UdpGsoMetrics.bindTo(registry, "auto", () -> true, () -> 0);
        SocketBufferMetrics.bindTo(registry, () -> 1, () -> 1);
        new ConfigReloadMetrics().bindTo(registry);
        HostConntrack.find(conntrackProc()).orElseThrow().bindTo(registry);
        registry.getPrometheusRegistry().register(new WriteLatencyCollector(loops));
        text.append(registry.scrape());
        Set<String> names = new TreeSet<>();
        Matcher m = TYPE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).as("the binders export something").hasSizeGreaterThan(30);
        return names;
    }

    /** A stand-in /proc with the conntrack files, whatever the kernel of the build host has. */
    private Path conntrackProc() throws IOException {
        Files.createDirectories(proc.resolve("sys/net/netfilter"));
        Files.writeString(proc.resolve("sys/net/netfilter/nf_conntrack_count"), "0\n");
        return proc;
    }
}
