package org.jmiredo.e2e.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Preconditions;
import org.jmiredo.e2e.lab.Shell;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.metrics.DropReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The observability and service files under deploy/ and grafana/: Prometheus accepts the rules and the
 * scrape configuration and the rules pass their unit tests; every query of the dashboard and the alerts
 * names only series (and label values) that a running daemon exports, read from its /metrics; the
 * dashboard is provisionable; the systemd unit verifies and is hardened; the example configurations pass
 * the daemon's own checkconf. Container files: {@link ContainerFilesTest}. Real Prometheus: {@link PrometheusScrapeTest}.
 */
class DeployFilesTest {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern RULES_FOUND = Pattern.compile("SUCCESS: (\\d+) rules found");
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: ([0-9.]+)");
    private static final List<String> REQUIRED_ALERTS = List.of(
            "JmiredoDown",
            "JmiredoHighDropRatio",
            "JmiredoPeerTableNearCapacity",
            "JmiredoNoTraffic",
            "JmiredoGcPressure",
            "JmiredoPeerEvictions");

    private static OpsNetns netns;
    private static LiveRelay relay;
    private static LiveServer server;

    /** One daemon for the tests that need a live /metrics, started on first use. */
    private static synchronized LiveRelay liveRelay() {
        Preconditions.requireRoot();
        Preconditions.tool("ip");
        Preconditions.tool("curl");
        Preconditions.requireDaemonJar();
        if (relay == null) {
            netns = OpsNetns.create();
            relay = LiveRelay.start(netns);
        }
        return relay;
    }

    /** A server beside it, in its own namespace: the deploy files serve every role. */
    private static synchronized LiveServer liveServer() {
        liveRelay();
        if (server == null) {
            server = LiveServer.start();
        }
        return server;
    }

    @AfterAll
    static synchronized void stopRelay() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (netns != null) {
            netns.close();
            netns = null;
            relay = null;
        }
    }

    // ------------------------------------------------------------------ Prometheus rules and config

    @Test
    void promtoolAcceptsTheAlertRulesAndSeesEveryRule() {
        Path promtool = Preconditions.tool("promtool");
        Shell.Result result = Shell.quiet()
                .run(
                        TOOL_TIMEOUT,
                        promtool.toString(),
                        "check",
                        "rules",
                        RepoPaths.file(DeployQueries.ALERTS).toString());
        assertThat(result.exit()).as(result.describe()).isZero();
        // Cross-checks our own YAML reading: it must see as many rules as Prometheus does.
        Matcher found = RULES_FOUND.matcher(result.output());
        assertThat(found.find()).as(result.output()).isTrue();
        assertThat(DeployQueries.rules(DeployQueries.alertRules())).hasSize(Integer.parseInt(found.group(1)));
    }

    @Test
    void promtoolAcceptsTheScrapeConfig() {
        Path promtool = Preconditions.tool("promtool");
        Shell.Result result = Shell.quiet()
                .run(
                        TOOL_TIMEOUT,
                        promtool.toString(),
                        "check",
                        "config",
                        RepoPaths.file("deploy/prometheus/prometheus.yml").toString());
        assertThat(result.exit()).as(result.describe()).isZero();
    }

    @Test
    void alertRuleUnitTestsPass() {
        Path promtool = Preconditions.tool("promtool");
        Shell.Result result = Shell.quiet()
                .run(
                        TOOL_TIMEOUT,
                        RepoPaths.file("deploy/prometheus"),
                        Map.of(),
                        List.of(promtool.toString(), "test", "rules", "alerts_test.yml"));
        assertThat(result.exit()).as(result.describe()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertSaysWhatToDoAndIsUnitTested() {
        String unitTests = RepoPaths.read("deploy/prometheus/alerts_test.yml");
        List<Map<String, Object>> rules = DeployQueries.rules(DeployQueries.alertRules());
        List<String> names =
                rules.stream().map(r -> String.valueOf(r.get("alert"))).toList();
        assertThat(names).containsAll(REQUIRED_ALERTS).doesNotHaveDuplicates();
        for (Map<String, Object> rule : rules) {
            String name = String.valueOf(rule.get("alert"));
            assertThat(name).startsWith("Jmiredo");
            assertThat(String.valueOf(rule.get("expr"))).as(name).contains("job=\"jmiredo\"");
            assertThat(MiniJson.object(rule.get("labels")).get("severity"))
                    .as(name)
                    .isIn("critical", "warning");
            Map<String, Object> annotations = MiniJson.object(rule.get("annotations"));
            for (String key : List.of("summary", "description", "runbook")) {
                assertThat(String.valueOf(annotations.get(key)))
                        .as(name + " " + key)
                        .hasSizeGreaterThan(20);
            }
            assertThat(unitTests).as("a promtool unit test for " + name).contains("alertname: " + name + "\n");
        }
    }

    /**
     * Drop reasons that are input refused on purpose (or peers gone), left out of JmiredoHighDropRatio.
     * Each DropReason is either here or counted by the alert: a new reason fails the test below until
     * someone decides which, here and in alerts.yml and the dashboard.
     */
    private static final Set<String> REFUSED_INPUT = Set.of(
            "not_teredo",
            "malformed_teredo",
            "malformed_ipv6",
            "tun_not_ipv6",
            "non_global_source",
            "source_not_teredo",
            "mapping_mismatch",
            "unknown_peer",
            "multicast",
            "destination_not_served",
            "destination_out_of_range",
            "destination_not_teredo",
            "non_global_destination",
            "peer_unreachable",
            "not_bubble_or_icmpv6",
            "not_accepted",
            "local_loop",
            "unhandled_local",
            "invalid_router_solicitation",
            "ra_rate_limited",
            "ra_destination_limited",
            "forward_rate_limited",
            "forward_destination_limited",
            "echo_test_rate_limited",
            "not_global_scope",
            "payload_too_large",
            "not_relayed",
            "trailer_too_long",
            "not_answered",
            "udp_truncated",
            "invalid_router_advertisement",
            "not_qualified",
            "untested_mapping");

    @Test
    void dropRatioCountsTheSameOwnFailuresInAlertAndDashboardAndEveryReasonIsClassified() {
        Set<String> labels = Arrays.stream(DropReason.values())
                .map(DropReason::label)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> inAlert =
                countedReasons(DeployQueries.fromRules(DeployQueries.alertRules()), "alert JmiredoHighDropRatio");
        Set<String> inDashboard = countedReasons(
                DeployQueries.fromDashboard(DeployQueries.dashboard()), "dashboard panel 'Drop ratio' A");
        assertThat(inAlert)
                .contains("internal_error", "tun_write_failed", "udp_write_failed", "queue_full")
                .isEqualTo(inDashboard);
        assertThat(labels).containsAll(inAlert).containsAll(REFUSED_INPUT);
        assertThat(inAlert).doesNotContainAnyElementsOf(REFUSED_INPUT);
        Set<String> unclassified = new TreeSet<>(labels);
        unclassified.removeAll(inAlert);
        unclassified.removeAll(REFUSED_INPUT);
        assertThat(unclassified)
                .as("DropReason labels that are neither the relay's own failure (add them to "
                        + "reason=~ in JmiredoHighDropRatio and the 'Drop ratio' panel) nor refused input (add them to "
                        + "REFUSED_INPUT here)")
                .isEmpty();
        // Every reason any query names is one the daemon can count.
        for (DeployQueries.Query q : DeployQueries.all()) {
            for (Promql.Selector s : Promql.selectors(q.expr())) {
                s.matchers().stream()
                        .filter(m -> m.label().equals("reason"))
                        .flatMap(m -> Arrays.stream(m.value().split("\\|")))
                        .forEach(reason -> assertThat(labels).as(q.source()).contains(reason));
            }
        }
    }

    private static Set<String> countedReasons(List<DeployQueries.Query> queries, String source) {
        String expr = queries.stream()
                .filter(q -> q.source().equals(source))
                .findFirst()
                .orElseThrow()
                .expr();
        Set<String> reasons = new TreeSet<>();
        for (Promql.Selector s : Promql.selectors(expr)) {
            s.matchers().stream()
                    .filter(m -> m.label().equals("reason") && m.op().equals("=~"))
                    .forEach(m -> reasons.addAll(List.of(m.value().split("\\|"))));
        }
        return reasons;
    }

    // ------------------------------------------------------------------ Grafana

    @Test
    void dashboardUsesTheDatasourceVariableEverywhereAndHasOneRowPerConcern() {
        Map<String, Object> dashboard = DeployQueries.dashboard();
        List<Map<String, Object>> variables =
                MiniJson.array(MiniJson.object(dashboard.get("templating")).get("list")).stream()
                        .map(MiniJson::object)
                        .toList();
        assertThat(variables).anySatisfy(v -> {
            assertThat(v.get("name")).isEqualTo("DS_PROMETHEUS");
            assertThat(v.get("type")).isEqualTo("datasource");
            assertThat(v.get("query")).isEqualTo("prometheus");
        });
        assertThat(variables).anySatisfy(v -> {
            assertThat(v.get("name")).isEqualTo("instance");
            assertThat(MiniJson.object(v.get("datasource")).get("uid")).isEqualTo("${DS_PROMETHEUS}");
        });
        List<Map<String, Object>> panels = MiniJson.array(dashboard.get("panels")).stream()
                .map(MiniJson::object)
                .toList();
        List<String> rows = panels.stream()
                .filter(p -> "row".equals(p.get("type")))
                .map(p -> (String) p.get("title"))
                .toList();
        for (String concern : List.of("traffic", "peers", "drops", "errors", "jvm")) {
            assertThat(rows).as("rows").anyMatch(title -> title.toLowerCase().contains(concern));
        }
        for (Map<String, Object> panel : panels) {
            if (!"row".equals(panel.get("type"))) {
                assertThat(MiniJson.object(panel.get("datasource")).get("uid"))
                        .as(String.valueOf(panel.get("title")))
                        .isEqualTo("${DS_PROMETHEUS}");
                MiniJson.array(panel.get("targets")).forEach(t -> assertThat(
                                MiniJson.object(MiniJson.object(t).get("datasource"))
                                        .get("uid"))
                        .isEqualTo("${DS_PROMETHEUS}"));
            }
        }
        assertThat(panels.stream().map(p -> p.get("id")).toList()).doesNotHaveDuplicates();
        assertNoOverlap(panels);
    }

    /** Panels inside the 24-column grid and not on top of each other (Grafana would move them). */
    private static void assertNoOverlap(List<Map<String, Object>> panels) {
        Map<String, String> cells = new LinkedHashMap<>();
        for (Map<String, Object> panel : panels) {
            Map<String, Object> g = MiniJson.object(panel.get("gridPos"));
            int x = ((Double) g.get("x")).intValue();
            int y = ((Double) g.get("y")).intValue();
            int w = ((Double) g.get("w")).intValue();
            int h = ((Double) g.get("h")).intValue();
            assertThat(x + w).as(panel.get("title") + " width").isLessThanOrEqualTo(24);
            for (int cx = x; cx < x + w; cx++) {
                for (int cy = y; cy < y + h; cy++) {
                    String previous = cells.put(cx + "," + cy, String.valueOf(panel.get("title")));
                    assertThat(previous)
                            .as("panel " + panel.get("title") + " overlaps " + previous)
                            .isNull();
                }
            }
        }
    }

    @Test
    void grafanaProvisioningMatchesPrometheusAndCompose() {
        Map<String, Object> ds = MiniJson.object(
                MiniJson.array(DeployQueries.yamlMap(RepoPaths.read("grafana/provisioning/datasources/prometheus.yml"))
                                .get("datasources"))
                        .getFirst());
        assertThat(ds.get("type")).isEqualTo("prometheus");
        Map<String, Object> prometheus = DeployQueries.yamlMap(RepoPaths.read("deploy/prometheus/prometheus.yml"));
        Map<String, Object> job = MiniJson.array(prometheus.get("scrape_configs")).stream()
                .map(MiniJson::object)
                .filter(j -> "jmiredo".equals(j.get("job_name")))
                .findFirst()
                .orElseThrow();
        // $__rate_interval is derived from timeInterval: it must be the real scrape interval.
        assertThat(MiniJson.object(ds.get("jsonData")).get("timeInterval")).isEqualTo(job.get("scrape_interval"));
        assertThat(MiniJson.array(prometheus.get("rule_files"))).containsExactly("alerts.yml");

        Map<String, Object> provider = MiniJson.object(
                MiniJson.array(DeployQueries.yamlMap(RepoPaths.read("grafana/provisioning/dashboards/jmiredo.yml"))
                                .get("providers"))
                        .getFirst());
        assertThat(provider.get("type")).isEqualTo("file");
        String path = (String) MiniJson.object(provider.get("options")).get("path");
        Map<String, Object> grafana =
                MiniJson.object(MiniJson.object(DeployQueries.yamlMap(RepoPaths.read(ContainerFilesTest.COMPOSE))
                                .get("services"))
                        .get("grafana"));
        assertThat(MiniJson.array(grafana.get("volumes"))).contains("../../grafana/dashboards:" + path + ":ro");
    }

    // ------------------------------------------------------------------ systemd

    @Test
    void systemdUnitVerifiesAndIsRatedOk() throws Exception {
        Path analyze = Preconditions.tool("systemd-analyze");
        // verify insists that ExecStart exists: point it at a stand-in, nothing else changes.
        Path dir = Files.createDirectories(Path.of("target", "ops", "systemd").toAbsolutePath());
        Path stub = dir.resolve("jmiredo");
        Files.writeString(stub, "#!/bin/sh\nexit 0\n");
        stub.toFile().setExecutable(true);
        String unit = RepoPaths.read("deploy/systemd/jmiredo.service");
        assertThat(unit).contains("ExecStart=/opt/jmiredo/bin/jmiredo ");
        Path copy = Files.writeString(
                dir.resolve("jmiredo.service"), unit.replace("/opt/jmiredo/bin/jmiredo", stub.toString()));

        Shell.Result verify =
                Shell.quiet().run(TOOL_TIMEOUT, analyze.toString(), "verify", "--man=no", copy.toString());
        assertThat(verify.exit()).as(verify.describe()).isZero();
        assertThat(verify.output()).as(verify.describe()).isBlank();

        Shell.Result security =
                Shell.quiet().run(TOOL_TIMEOUT, analyze.toString(), "security", "--offline=yes", copy.toString());
        Matcher exposure = EXPOSURE.matcher(security.output());
        assertThat(exposure.find()).as(security.describe()).isTrue();
        // systemd rates <= 3.9 "OK"; the unit scored 2.1 when written.
        assertThat(Double.parseDouble(exposure.group(1))).as(security.output()).isLessThan(3.0);
    }

    @Test
    void systemdUnitKeepsItsHardening() {
        Map<String, List<String>> service =
                SystemdUnit.section(RepoPaths.read("deploy/systemd/jmiredo.service"), "Service");
        Map<String, String> expected = Map.ofEntries(
                Map.entry("ExecStart", "/opt/jmiredo/bin/jmiredo relay --config /etc/jmiredo/jmiredo.conf"),
                Map.entry("ExecReload", "/bin/kill -HUP $MAINPID"),
                Map.entry("KillSignal", "SIGTERM"),
                Map.entry("Restart", "on-failure"),
                // An invalid configuration (Main.EXIT_CONFIG) fails the same way at every restart: no loop.
                Map.entry("RestartPreventExitStatus", "78"),
                Map.entry("AmbientCapabilities", "CAP_NET_ADMIN"),
                Map.entry("CapabilityBoundingSet", "CAP_NET_ADMIN"),
                Map.entry("NoNewPrivileges", "yes"),
                Map.entry("DeviceAllow", "/dev/net/tun rw"),
                Map.entry("ProtectSystem", "strict"),
                Map.entry("ProtectHome", "yes"),
                Map.entry("PrivateTmp", "yes"),
                Map.entry("RestrictAddressFamilies", "AF_INET AF_INET6 AF_NETLINK AF_UNIX"),
                Map.entry("SystemCallFilter", "@system-service"),
                // The launcher's AOT cache ($CACHE_DIRECTORY), the one writable path under ProtectSystem=strict.
                Map.entry("CacheDirectory", "jmiredo"));
        expected.forEach((key, value) -> assertThat(service.get(key)).as(key).containsExactly(value));
        assertThat(service.get("Type")).hasSize(1).containsAnyOf("exec", "simple");
        assertThat(service.containsKey("DynamicUser") || service.containsKey("User"))
                .as("DynamicUser or User")
                .isTrue();
        assertThat(service.get("LimitNOFILE")).hasSize(1);
        // The JIT needs W+X memory; PrivateDevices would hide /dev/net/tun.
        assertThat(service).doesNotContainKeys("MemoryDenyWriteExecute", "PrivateDevices");
    }

    // ------------------------------------------------------------------ against a running daemon

    @Test
    void everyQueryNamesOnlySeriesTheDaemonsExport() {
        List<String> problems = SeriesCheck.problems(DeployQueries.all(), exportedSeries());
        assertThat(problems)
                .as(
                        "queries in %s and %s against the relay's and the server's /metrics",
                        DeployQueries.DASHBOARD, DeployQueries.ALERTS)
                .isEmpty();
    }

    /** The series of the running daemons, relay and server: started in namespaces, a GC forced, /metrics scraped. */
    static Exposition exportedSeries() {
        LiveRelay live = liveRelay();
        live.forceGc();
        Exposition exposed = Exposition.parse(live.scrape());
        assertThat(exposed.names()).as("a plausible scrape").contains("jmiredo_peers", "jvm_memory_used_bytes");
        return exposed.and(Exposition.parse(liveServer().scrape()));
    }

    @Test
    void eachDaemonExportsItsOwnRolesSeriesOnlyWithEveryDropReasonFromStart() {
        Exposition relaySeries = Exposition.parse(liveRelay().scrape());
        Exposition serverSeries = Exposition.parse(liveServer().scrape());
        assertThat(relaySeries.names())
                .contains("jmiredo_tun_read_packets_total", "jmiredo_peers")
                .noneMatch(n -> n.startsWith("jmiredo_router_")
                        || n.startsWith("jmiredo_server_")
                        || n.startsWith("jmiredo_native_")
                        || n.startsWith("jmiredo_echo_"));
        assertThat(serverSeries.names())
                .contains("jmiredo_router_advertisements_sent_total", "jvm_memory_used_bytes")
                .noneMatch(n -> n.startsWith("jmiredo_tun_")
                        || n.startsWith("jmiredo_peer")
                        || n.startsWith("jmiredo_bubbles_")
                        || n.startsWith("jmiredo_write_latency"));
        for (DataPathRole role : List.of(DataPathRole.RELAY, DataPathRole.SERVER)) {
            Exposition own = role == DataPathRole.RELAY ? relaySeries : serverSeries;
            Set<String> reasons = Arrays.stream(DropReason.values())
                    .filter(role::counts)
                    .map(DropReason::label)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(own.labelValues("jmiredo_dropped_packets_total", "reason"))
                    .as("%s", role)
                    .isEqualTo(reasons);
        }
        // Nothing reaches the server's addresses: each reason is there at 0, so that rate() works from start.
        assertThat(serverSeries.samples())
                .filteredOn(s -> s.name().equals("jmiredo_dropped_packets_total"))
                .isNotEmpty()
                .allMatch(s -> Double.parseDouble(s.value()) == 0);
    }

    @Test
    void exampleConfigurationsPassCheckconf() throws Exception {
        Path jar = Preconditions.requireDaemonJar();
        Path java = Preconditions.requireDaemonJava();
        Path dir = Files.createDirectories(Path.of("target", "ops", "conf").toAbsolutePath());
        String configMap =
                (String) MiniJson.object(DeployQueries.yamlMap(RepoPaths.read("deploy/kubernetes/configmap.yaml"))
                                .get("data"))
                        .get("jmiredo.conf");
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("deploy/docker/jmiredo.conf", RepoPaths.file("deploy/docker/jmiredo.conf"));
        files.put("configmap.yaml jmiredo.conf", Files.writeString(dir.resolve("configmap.conf"), configMap));
        for (Map.Entry<String, Path> file : files.entrySet()) {
            Shell.Result check = checkconf(java, jar, file.getValue());
            assertThat(check.exit()).as(file.getKey() + ": " + check.describe()).isZero();
        }
        // The same check refuses a misspelt key, so exit 0 above means something.
        Path typo = Files.writeString(dir.resolve("typo.conf"), "jmiredo.relay.bind-prot = 3544\n");
        assertThat(checkconf(java, jar, typo).exit()).isNotZero();
    }

    private static Shell.Result checkconf(Path java, Path jar, Path file) {
        return Shell.quiet()
                .run(
                        TOOL_TIMEOUT,
                        null,
                        Map.of(),
                        new ArrayList<>(List.of(
                                java.toString(),
                                "--enable-native-access=ALL-UNNAMED",
                                "-jar",
                                jar.toString(),
                                "checkconf",
                                file.toString())));
    }

    @Test
    void probesAndDockerHealthcheckGetTheirAnswers() {
        LiveRelay live = liveRelay();
        // The Kubernetes probe paths, asked of the real endpoint.
        for (String path : ContainerFilesTest.probePaths()) {
            assertThat(live.netns().httpStatus(LiveRelay.METRICS_URL + path))
                    .as(path)
                    .isEqualTo(200);
        }
        // The Dockerfile's HEALTHCHECK command, as Docker runs it (sh -c) with the image's environment.
        Dockerfile dockerfile = Dockerfile.read();
        String healthUrl = dockerfile.env("JMIREDO_HEALTH_URL").orElseThrow();
        assertThat(healthUrl).isEqualTo(LiveRelay.METRICS_URL + "/healthz");
        String check = dockerfile.healthcheckCommand();
        Shell.Result healthy =
                live.netns().exec(TOOL_TIMEOUT, "env", "JMIREDO_HEALTH_URL=" + healthUrl, "sh", "-c", check);
        assertThat(healthy.exit()).as(healthy.describe()).isZero();
        Shell.Result nobody = live.netns()
                .exec(TOOL_TIMEOUT, "env", "JMIREDO_HEALTH_URL=http://127.0.0.1:1/healthz", "sh", "-c", check);
        assertThat(nobody.exit()).as("HEALTHCHECK against a closed port").isNotZero();
        // Prometheus asks for OpenMetrics first and gets it; a plain client gets the text format.
        assertThat(live.netns()
                        .httpContentType(
                                LiveRelay.METRICS_URL + "/metrics",
                                "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"))
                .startsWith("application/openmetrics-text");
        assertThat(live.netns().httpContentType(LiveRelay.METRICS_URL + "/metrics"))
                .startsWith("text/plain");
    }

    @Test
    void relayStartedByTheEntrypointSurvivesSighupAndStopsCleanlyOnSigterm() {
        Preconditions.requireRoot();
        Preconditions.tool("ip");
        Preconditions.tool("curl");
        try (OpsNetns own = OpsNetns.create()) {
            LiveRelay started = LiveRelay.start(own);
            // exec all the way down: the process Docker or systemd signals is the JVM itself.
            assertThat(started.process().handle().info().command().orElse("")).endsWith("/java");
            // ExecReload= and `docker kill -s HUP` send SIGHUP: a reload, not the JVM's default exit.
            Shell.Result hup = Shell.quiet()
                    .run(
                            TOOL_TIMEOUT,
                            "kill",
                            "-HUP",
                            Long.toString(started.process().pid()));
            assertThat(hup.exit()).as(hup.describe()).isZero();
            // The reload's log line (or its refusal's) shows the signal was handled; a fixed 1.5 s stood for it.
            Poll.until("the SIGHUP's reload to be logged", Duration.ofSeconds(15), () -> {
                started.process().assertAlive();
                return started.log().contains("reloaded");
            });
            assertThat(started.process().isAlive())
                    .as("alive after SIGHUP; log:\n" + started.log())
                    .isTrue();
            assertThat(own.httpStatus(LiveRelay.METRICS_URL + "/readyz")).isEqualTo(200);
            long begin = System.nanoTime();
            int exit = started.process().stop().orElse(-1);
            assertThat(exit)
                    .as("exit on SIGTERM (SuccessExitStatus=143 in the unit); log:\n" + started.log())
                    .isIn(0, 143);
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
