package org.jmiredo.e2e.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Preconditions;
import org.jmiredo.e2e.lab.Shell;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (the Debian package) scrapes a running relay in a namespace with the repository's
 * own scrape configuration and alert rules (intervals shortened to 1 s): the target is up, the key series
 * arrive and move, every alert rule evaluates without error, and every dashboard query runs and returns data.
 */
class PrometheusScrapeTest {

    private static final String PROMETHEUS_URL = "http://127.0.0.1:9090";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> KEY_SERIES = List.of(
            "jmiredo_udp_received_packets_total",
            "jmiredo_udp_sent_packets_total",
            "jmiredo_tun_read_packets_total",
            "jmiredo_tun_written_packets_total",
            "jmiredo_dropped_packets_total",
            "jmiredo_peers",
            "jmiredo_peers_capacity",
            "jvm_memory_used_bytes",
            "jvm_gc_pause_seconds_count",
            "process_uptime_seconds");
    private static final int JUNK_DATAGRAMS = 5;

    @Test
    void prometheusScrapesTheRelayEvaluatesTheRulesAndAnswersTheDashboard() {
        Preconditions.requireRoot();
        Preconditions.tool("ip");
        Preconditions.tool("curl");
        Path prometheus = Preconditions.tool("prometheus");
        Preconditions.requireDaemonJar();
        try (OpsNetns netns = OpsNetns.create()) {
            LiveRelay relay = LiveRelay.start(netns);
            relay.forceGc();
            startPrometheus(netns, prometheus);
            PromApi api = new PromApi(netns, PROMETHEUS_URL);

            await("Prometheus ready", api::answers, netns);
            await("up{job=\"jmiredo\"} == 1", () -> api.value("up{job=\"jmiredo\"}") == 1.0, netns);
            for (String series : KEY_SERIES) {
                await(
                        series + " scraped",
                        () -> !api.query(series + "{job=\"jmiredo\"}").isEmpty(),
                        netns);
            }
            countersMove(netns, api);
            allRulesEvaluateCleanly(api, netns);
            everyDashboardQueryAnswers(api);
        }
    }

    private static void startPrometheus(OpsNetns netns, Path prometheus) {
        // The shipped configuration, only faster: a test cannot wait for 15 s intervals.
        String config = RepoPaths.read("deploy/prometheus/prometheus.yml");
        String fast = config.replace("scrape_interval: 15s", "scrape_interval: 1s")
                .replace("evaluation_interval: 15s", "evaluation_interval: 1s")
                .replace("scrape_timeout: 10s", "scrape_timeout: 1s");
        assertThat(fast).doesNotContain("15s", "10s").contains("127.0.0.1:9544", "job_name: jmiredo");
        Path file = netns.writeFile("prometheus.yml", fast);
        netns.writeFile("alerts.yml", RepoPaths.read(DeployQueries.ALERTS));
        netns.start(
                "prometheus",
                List.of(
                        prometheus.toString(),
                        "--config.file=" + file,
                        "--storage.tsdb.path=" + netns.dir().resolve("tsdb"),
                        "--web.listen-address=127.0.0.1:9090"),
                Map.of());
    }

    /** Junk sent to the relay's port shows up in Prometheus: received and dropped. */
    private static void countersMove(OpsNetns netns, PromApi api) {
        Shell.Result sent = netns.exec(
                Duration.ofSeconds(10),
                "bash",
                "-c",
                "for i in $(seq " + JUNK_DATAGRAMS + "); do printf 'not teredo' > /dev/udp/127.0.0.1/3544; done");
        assertThat(sent.exit()).as(sent.describe()).isZero();
        await(
                "the junk counted as received",
                () -> api.value("sum(jmiredo_udp_received_packets_total{job=\"jmiredo\"})") >= JUNK_DATAGRAMS,
                netns);
        await(
                "the junk counted as dropped",
                () -> api.value("sum(jmiredo_dropped_packets_total{job=\"jmiredo\"})") >= JUNK_DATAGRAMS,
                netns);
    }

    /** Every rule of alerts.yml has been evaluated on real series, with health "ok" (no runtime error). */
    private static void allRulesEvaluateCleanly(PromApi api, OpsNetns netns) {
        int expected = DeployQueries.rules(DeployQueries.alertRules()).size();
        List<Map<String, Object>> rules = new ArrayList<>();
        await(
                "all " + expected + " rules evaluated",
                () -> {
                    rules.clear();
                    for (Object group : MiniJson.array(api.get("/api/v1/rules").get("groups"))) {
                        MiniJson.array(MiniJson.object(group).get("rules")).forEach(r -> rules.add(MiniJson.object(r)));
                    }
                    return rules.size() == expected && rules.stream().noneMatch(r -> "unknown".equals(r.get("health")));
                },
                netns);
        List<String> problems = rules.stream()
                .filter(r -> !"ok".equals(r.get("health")))
                .map(r -> r.get("name") + ": " + r.get("health") + ": " + r.get("lastError"))
                .toList();
        assertThat(problems).as("alert rules that failed to evaluate").isEmpty();
    }

    /**
     * Each dashboard query, with Grafana's variables filled in, runs and returns at least one series. A rate needs
     * two scrapes in its window, which a loaded host may not have made yet: the queries are asked again until all
     * answer, and those still empty then are the failure.
     */
    private static void everyDashboardQueryAnswers(PromApi api) {
        List<String> empty = Poll.settled(WAIT, () -> emptyDashboardQueries(api), List::isEmpty);
        assertThat(empty).as("dashboard queries without data").isEmpty();
    }

    private static List<String> emptyDashboardQueries(PromApi api) {
        List<String> empty = new ArrayList<>();
        for (DeployQueries.Query q : DeployQueries.fromDashboard(DeployQueries.dashboard())) {
            String promql = q.expr()
                    .replace("$__rate_interval", "30s")
                    .replace("$__range", "5m")
                    .replace("$instance", ".+");
            if (promql.isBlank()) {
                continue;
            }
            // label_values() queries are instant selectors too once unwrapped.
            if (api.query(promql).isEmpty()) {
                empty.add(q.source() + ": " + promql);
            }
        }
        return empty;
    }

    /** Polls the condition; an AssertionError from its last try is the failure, else the logs are. */
    private static void await(String what, BooleanSupplier condition, OpsNetns netns) {
        AssertionError[] last = new AssertionError[1];
        try {
            Poll.until(what, WAIT, () -> {
                try {
                    last[0] = null;
                    return condition.getAsBoolean();
                } catch (AssertionError notYet) {
                    last[0] = notYet;
                    return false;
                }
            });
        } catch (AssertionError timedOut) {
            if (last[0] != null) {
                throw last[0];
            }
            throw new AssertionError("waited " + WAIT + " for " + what + "\nprometheus log:\n"
                    + tail(netns.log("prometheus")) + "\nrelay log:\n" + tail(netns.log(LiveRelay.LOG)));
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
