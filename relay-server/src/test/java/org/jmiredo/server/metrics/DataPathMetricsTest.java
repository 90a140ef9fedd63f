package org.jmiredo.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.metrics.DropReason;
import org.junit.jupiter.api.Test;

class DataPathMetricsTest {
    /** The relay's documented series (README metrics list). */
    static final List<String> RELAY_SERIES = List.of(
            "jmiredo_udp_received_packets_total",
            "jmiredo_udp_received_bytes_total",
            "jmiredo_udp_receive_errors_total",
            "jmiredo_tun_written_packets_total",
            "jmiredo_tun_written_bytes_total",
            "jmiredo_tun_coalesced_packets_total",
            "jmiredo_tun_super_packets_total",
            "jmiredo_tun_read_packets_total",
            "jmiredo_tun_read_bytes_total",
            "jmiredo_udp_sent_packets_total",
            "jmiredo_udp_sent_bytes_total",
            "jmiredo_udp_local_address_gone_total",
            "jmiredo_dropped_packets_total",
            "jmiredo_bubbles_received_total",
            "jmiredo_bubbles_sent_total",
            "jmiredo_bubbles_rate_limited_total",
            "jmiredo_bubbles_rebound_sent_total",
            "jmiredo_bubbles_unknown_sent_total",
            "jmiredo_bubbles_unknown_withheld_total",
            "jmiredo_icmp_errors_sent_total",
            "jmiredo_icmp_errors_rate_limited_total",
            "jmiredo_peers_trusted_total",
            "jmiredo_queued_packets_total",
            "jmiredo_queue_released_packets_total",
            "jmiredo_unproved_over_credit_packets_total",
            "jmiredo_peers",
            "jmiredo_peers_capacity",
            "jmiredo_peer_evictions_total",
            "jmiredo_peer_expirations_total",
            "jmiredo_peer_table_bytes",
            "jmiredo_peer_queue_discarded_packets_total",
            "jmiredo_peers_queued",
            "jmiredo_peer_queues_bytes");

    /** The server's (docs/metrics.md "Server role"). */
    static final List<String> SERVER_SERIES = List.of(
            "jmiredo_udp_received_packets_total",
            "jmiredo_udp_received_bytes_total",
            "jmiredo_udp_sent_packets_total",
            "jmiredo_udp_sent_bytes_total",
            "jmiredo_dropped_packets_total",
            "jmiredo_router_solicitations_received_total",
            "jmiredo_router_advertisements_sent_total",
            "jmiredo_router_advertisements_other_address_sent_total",
            "jmiredo_server_forwarded_bubbles_total",
            "jmiredo_server_forwarded_icmpv6_total",
            "jmiredo_native_sent_packets_total",
            "jmiredo_native_sent_bytes_total");

    /** The mire's. */
    static final List<String> MIRE_SERIES = List.of(
            "jmiredo_udp_received_packets_total",
            "jmiredo_udp_received_bytes_total",
            "jmiredo_udp_sent_packets_total",
            "jmiredo_udp_sent_bytes_total",
            "jmiredo_dropped_packets_total",
            "jmiredo_bubbles_received_total",
            "jmiredo_bubbles_sent_total",
            "jmiredo_echo_replies_sent_total");

    static final List<String> CLIENT_SERIES = List.of(
            "jmiredo_udp_received_packets_total",
            "jmiredo_udp_received_bytes_total",
            "jmiredo_udp_receive_errors_total",
            "jmiredo_udp_sent_packets_total",
            "jmiredo_udp_sent_bytes_total",
            "jmiredo_dropped_packets_total",
            "jmiredo_tun_written_packets_total",
            "jmiredo_tun_written_bytes_total",
            "jmiredo_tun_read_packets_total",
            "jmiredo_tun_read_bytes_total",
            "jmiredo_bubbles_received_total",
            "jmiredo_bubbles_sent_total",
            "jmiredo_bubbles_rate_limited_total",
            "jmiredo_bubbles_rebound_sent_total",
            "jmiredo_icmp_errors_sent_total",
            "jmiredo_icmp_errors_rate_limited_total",
            "jmiredo_peers_trusted_total",
            "jmiredo_queued_packets_total",
            "jmiredo_queue_released_packets_total",
            "jmiredo_router_solicitations_sent_total",
            "jmiredo_router_advertisements_received_total",
            "jmiredo_client_echo_tests_sent_total",
            "jmiredo_client_echo_tests_passed_total",
            "jmiredo_client_origin_bubbles_rate_limited_total");

    private static final Pattern SAMPLE =
            Pattern.compile("^(jmiredo_[a-z0-9_]+)(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);

    final List<DataPathCounters> loops = new CopyOnWriteArrayList<>();
    final AtomicLong peers = new AtomicLong();
    final PeerTableStats stats = new PeerTableStats(
            peers::get, () -> 1 << 20, () -> 3, () -> 4, () -> 5, () -> 6, () -> 7_168, () -> 123_456);
    final PrometheusMeterRegistry registry = MeterRegistries.prometheus();

    @Test
    void exposesExactlyTheRelaysSeriesSummedOverLoops() {
        new DataPathMetrics(DataPathRole.RELAY, loops).bindTo(registry);
        new PeerTableMetrics(stats).bindTo(registry);
        DataPathCounters first = new DataPathCounters();
        DataPathCounters second = new DataPathCounters();
        loops.add(first);
        loops.add(second); // a loop wired after binding is still summed
        first.add(Counter.UDP_RX_PACKETS, 5);
        second.add(Counter.UDP_RX_PACKETS, 2);
        first.add(Counter.UDP_RX_BYTES, 1500);
        second.add(Counter.TUN_TX_BYTES, 1280);
        first.increment(Counter.BUBBLES_TX_INDIRECT);
        second.add(Counter.BUBBLES_TX_DIRECT, 2);
        first.drop(DropReason.MAPPING_MISMATCH);
        second.drop(DropReason.MAPPING_MISMATCH, 4);
        peers.set(42);

        String text = registry.scrape();
        assertThat(families(text)).containsExactlyInAnyOrderElementsOf(RELAY_SERIES);
        assertThat(text)
                .contains(
                        "jmiredo_udp_received_packets_total 7.0",
                        "jmiredo_udp_received_bytes_total 1500.0",
                        "jmiredo_tun_written_bytes_total 1280.0",
                        "jmiredo_bubbles_sent_total{kind=\"indirect\"} 1.0",
                        "jmiredo_bubbles_sent_total{kind=\"direct\"} 2.0",
                        "jmiredo_dropped_packets_total{reason=\"mapping_mismatch\"} 5.0",
                        "jmiredo_dropped_packets_total{reason=\"unknown_peer\"} 0.0",
                        "jmiredo_peers 42.0",
                        "jmiredo_peers_capacity 1048576.0",
                        "jmiredo_peer_evictions_total 3.0",
                        "jmiredo_peer_expirations_total 4.0",
                        "jmiredo_peer_table_bytes 123456.0",
                        "jmiredo_peer_queue_discarded_packets_total 5.0",
                        "jmiredo_peers_queued 6.0",
                        "jmiredo_peer_queues_bytes 7168.0",
                        "# TYPE jmiredo_udp_received_packets_total counter",
                        "# TYPE jmiredo_peers gauge");
    }

    @Test
    void eachRoleShowsItsOwnSeriesOnlyAndEveryDropReasonOfItAtZero() {
        for (DataPathRole role : DataPathRole.values()) {
            PrometheusMeterRegistry own = MeterRegistries.prometheus();
            new DataPathMetrics(role, List.of(new DataPathCounters())).bindTo(own);
            String text = own.scrape();
            assertThat(families(text))
                    .as("%s", role)
                    .containsExactlyInAnyOrderElementsOf(
                            switch (role) {
                                case RELAY ->
                                    RELAY_SERIES.stream()
                                            .filter(n -> !n.startsWith("jmiredo_peer")
                                                    || n.equals("jmiredo_peers_trusted_total"))
                                            .toList(); // the table's own are PeerTableMetrics'
                                case SERVER -> SERVER_SERIES;
                                case MIRE -> MIRE_SERIES;
                                case CLIENT -> CLIENT_SERIES;
                            });
            Set<String> reasons = new TreeSet<>();
            Arrays.stream(DropReason.values())
                    .filter(role::counts)
                    .forEach(r -> reasons.add("jmiredo_dropped_packets_total{reason=\"" + r.label() + "\"} 0.0"));
            assertThat(text.lines().filter(l -> l.startsWith("jmiredo_dropped_packets_total{")))
                    .as("%s", role)
                    .containsExactlyInAnyOrderElementsOf(reasons);
        }
    }

    @Test
    void theRolesSplitTheCountersAsTheirDataPathsCountThem() {
        assertThat(roleLines(DataPathRole.RELAY))
                .noneMatch(l -> l.contains("router")
                        || l.contains("native")
                        || l.contains("echo")
                        || l.contains("not_answered")
                        || l.contains("ra_rate_limited"));
        assertThat(roleLines(DataPathRole.SERVER))
                .noneMatch(l -> l.contains("tun_")
                        || l.contains("peer")
                        || l.startsWith("jmiredo_bubbles")
                        || l.contains("queue")
                        || l.contains("icmp_errors"))
                .contains(
                        "jmiredo_dropped_packets_total{reason=\"native_write_failed\"} 0.0",
                        "jmiredo_dropped_packets_total{reason=\"mapping_mismatch\"} 0.0");
        assertThat(roleLines(DataPathRole.MIRE))
                .contains(
                        "jmiredo_bubbles_sent_total{kind=\"direct\"} 0.0",
                        "jmiredo_dropped_packets_total{reason=\"not_answered\"} 0.0")
                .noneMatch(l -> l.contains("indirect") || l.contains("mapping_mismatch"));
        assertThat(roleLines(DataPathRole.CLIENT))
                .contains(
                        "jmiredo_dropped_packets_total{reason=\"not_qualified\"} 0.0",
                        "jmiredo_dropped_packets_total{reason=\"invalid_router_advertisement\"} 0.0")
                .noneMatch(l ->
                        l.contains("offload") || l.contains("coalesced") || l.contains("router_advertisements_sent"));
        for (Counter counter : Counter.values()) {
            assertThat(Arrays.stream(DataPathRole.values()).filter(r -> r.counts(counter)))
                    .as("%s", counter)
                    .isNotEmpty();
        }
        for (DropReason reason : DropReason.values()) {
            assertThat(Arrays.stream(DataPathRole.values()).filter(r -> r.counts(reason)))
                    .as("%s", reason)
                    .isNotEmpty();
        }
    }

    @Test
    void everyCounterAndDropReasonHasItsOwnSeries() {
        DataPathCounters loop = new DataPathCounters();
        // Distinct values: a counter mapped to the wrong series shows up as a wrong number.
        for (Counter counter : Counter.values()) {
            loop.add(counter, 1000 + counter.ordinal());
        }
        for (DropReason reason : DropReason.values()) {
            loop.drop(reason, 2000 + reason.ordinal());
        }
        StringBuilder all = new StringBuilder();
        for (DataPathRole role : DataPathRole.values()) {
            PrometheusMeterRegistry own = MeterRegistries.prometheus();
            new DataPathMetrics(role, List.of(loop)).bindTo(own);
            all.append(own.scrape());
        }
        String text = all.toString();
        for (DropReason reason : DropReason.values()) {
            assertThat(text)
                    .contains("jmiredo_dropped_packets_total{reason=\"" + reason.label() + "\"} "
                            + (2000 + reason.ordinal()) + ".0");
        }
        assertThat(text)
                .contains(
                        "jmiredo_udp_received_packets_total " + value(Counter.UDP_RX_PACKETS),
                        "jmiredo_udp_received_bytes_total " + value(Counter.UDP_RX_BYTES),
                        "jmiredo_tun_written_packets_total " + value(Counter.TUN_TX_PACKETS),
                        "jmiredo_tun_written_bytes_total " + value(Counter.TUN_TX_BYTES),
                        "jmiredo_tun_coalesced_packets_total " + value(Counter.TUN_TX_COALESCED_PACKETS),
                        "jmiredo_tun_super_packets_total " + value(Counter.TUN_TX_SUPER_PACKETS),
                        "jmiredo_tun_read_packets_total " + value(Counter.TUN_RX_PACKETS),
                        "jmiredo_tun_read_bytes_total " + value(Counter.TUN_RX_BYTES),
                        "jmiredo_udp_sent_packets_total " + value(Counter.UDP_TX_PACKETS),
                        "jmiredo_udp_sent_bytes_total " + value(Counter.UDP_TX_BYTES),
                        "jmiredo_bubbles_received_total " + value(Counter.BUBBLES_RX),
                        "jmiredo_bubbles_sent_total{kind=\"indirect\"} " + value(Counter.BUBBLES_TX_INDIRECT),
                        "jmiredo_bubbles_sent_total{kind=\"direct\"} " + value(Counter.BUBBLES_TX_DIRECT),
                        "jmiredo_bubbles_rate_limited_total " + value(Counter.BUBBLES_RATE_LIMITED),
                        "jmiredo_bubbles_rebound_sent_total " + value(Counter.BUBBLES_TX_REBOUND),
                        "jmiredo_bubbles_unknown_sent_total " + value(Counter.BUBBLES_TX_UNKNOWN),
                        "jmiredo_bubbles_unknown_withheld_total{reason=\"spacing\"} "
                                + value(Counter.BUBBLES_UNKNOWN_SPACED),
                        "jmiredo_bubbles_unknown_withheld_total{reason=\"budget\"} "
                                + value(Counter.BUBBLES_UNKNOWN_OVER_BUDGET),
                        "jmiredo_bubbles_unknown_withheld_total{reason=\"unreachable\"} "
                                + value(Counter.BUBBLES_UNKNOWN_UNREACHABLE),
                        "jmiredo_icmp_errors_sent_total " + value(Counter.ICMP_ERRORS_TX),
                        "jmiredo_icmp_errors_rate_limited_total " + value(Counter.ICMP_ERRORS_RATE_LIMITED),
                        "jmiredo_peers_trusted_total " + value(Counter.PEERS_TRUSTED),
                        "jmiredo_queued_packets_total " + value(Counter.QUEUED_PACKETS),
                        "jmiredo_queue_released_packets_total " + value(Counter.QUEUE_RELEASED_PACKETS),
                        "jmiredo_unproved_over_credit_packets_total " + value(Counter.UNPROVED_OVER_CREDIT),
                        "jmiredo_router_solicitations_received_total " + value(Counter.ROUTER_SOLICITATIONS_RX),
                        "jmiredo_router_advertisements_sent_total " + value(Counter.ROUTER_ADVERTISEMENTS_TX),
                        "jmiredo_router_advertisements_other_address_sent_total "
                                + value(Counter.ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS),
                        "jmiredo_server_forwarded_bubbles_total " + value(Counter.SERVER_FORWARDED_BUBBLES),
                        "jmiredo_server_forwarded_icmpv6_total " + value(Counter.SERVER_FORWARDED_ICMPV6),
                        "jmiredo_native_sent_packets_total " + value(Counter.NATIVE_TX_PACKETS),
                        "jmiredo_native_sent_bytes_total " + value(Counter.NATIVE_TX_BYTES),
                        "jmiredo_echo_replies_sent_total " + value(Counter.ECHO_REPLIES_TX),
                        "jmiredo_router_solicitations_sent_total " + value(Counter.ROUTER_SOLICITATIONS_TX),
                        "jmiredo_router_advertisements_received_total " + value(Counter.ROUTER_ADVERTISEMENTS_RX),
                        "jmiredo_client_echo_tests_sent_total " + value(Counter.ECHO_TESTS_TX),
                        "jmiredo_client_echo_tests_passed_total " + value(Counter.ECHO_TESTS_PASSED),
                        "jmiredo_client_origin_bubbles_rate_limited_total "
                                + value(Counter.ORIGIN_BUBBLES_RATE_LIMITED));
        assertThat(Arrays.stream(Counter.values())
                        .map(DataPathMetricsTest::value)
                        .distinct())
                .hasSize(Counter.values().length);
    }

    @Test
    void theRegistryKeepsTheMetersAliveWithoutTheCallersReference() {
        DataPathCounters loop = new DataPathCounters();
        new DataPathMetrics(DataPathRole.SERVER, List.of(loop)).bindTo(registry);
        new PeerTableMetrics(stats).bindTo(registry);
        for (int i = 0; i < 3; i++) {
            System.gc(); // function counters hold their object weakly: nothing else refers to the binders
        }
        loop.add(Counter.ROUTER_ADVERTISEMENTS_TX, 9);
        peers.set(5);
        assertThat(registry.scrape())
                .contains(
                        "jmiredo_router_advertisements_sent_total 9.0",
                        "jmiredo_peers 5.0",
                        "jmiredo_peer_evictions_total 3.0");
    }

    @Test
    void everyCounterIsNamedOnPurpose() {
        for (Counter counter : Counter.values()) {
            assertThat(DataPathMetrics.series(counter).derived())
                    .as("%s needs its own line in DataPathMetrics.series and in the metrics list", counter)
                    .isFalse();
        }
    }

    @Test
    void processMetricsIncludeJvmGcAndNettyAllocator() {
        try (ProcessMetrics ignored = new ProcessMetrics(registry)) {
            String text = registry.scrape();
            assertThat(text)
                    .contains(
                            "jvm_memory_used_bytes{",
                            "jvm_buffer_memory_used_bytes{",
                            "jvm_threads_live_threads",
                            "jvm_classes_loaded_classes",
                            "process_cpu_usage",
                            "process_uptime_seconds",
                            "netty_allocator_used_bytes{allocator=\"adaptive\",memory=\"direct\"}",
                            "netty_allocator_used_bytes{allocator=\"pooled\",memory=\"heap\"}");
        }
    }

    private static String value(Counter counter) {
        return (1000 + counter.ordinal()) + ".0";
    }

    static Set<String> families(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<String> roleLines(DataPathRole role) {
        PrometheusMeterRegistry own = MeterRegistries.prometheus();
        new DataPathMetrics(role, List.of(new DataPathCounters())).bindTo(own);
        return own.scrape().lines().filter(l -> l.startsWith("jmiredo_")).toList();
    }
}
