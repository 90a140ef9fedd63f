package org.jmiredo.e2e.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Preconditions;
import org.jmiredo.e2e.lab.Shell;

/**
 * Our daemon, started the way the container starts it: deploy/docker/entrypoint.sh with the image's
 * JAVA_OPTS, the shaded jar and a small configuration, inside an {@link OpsNetns}. Its metrics endpoint
 * is then http://127.0.0.1:9544 inside that namespace (the default port: the namespace is fresh).
 */
final class LiveRelay {

    static final String METRICS_URL = "http://127.0.0.1:9544";
    static final String LOG = "jmiredo";
    /** JVM start plus the daemon's own set-up, on a loaded 2-core machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final OpsNetns netns;
    private final LabProcess process;
    private final Path java;

    private LiveRelay(OpsNetns netns, LabProcess process, Path java) {
        this.netns = netns;
        this.process = process;
        this.java = java;
    }

    static LiveRelay start(OpsNetns netns) {
        return start(netns, Map.of());
    }

    /** {@link #start(OpsNetns)} with more environment for the entrypoint (JAVA_OPTS, JMIREDO_AOT_CACHE...). */
    static LiveRelay start(OpsNetns netns, Map<String, String> moreEnv) {
        Path jar = Preconditions.requireDaemonJar();
        Path java = Preconditions.requireDaemonJava();
        String tun = "jmtst" + netns.prefix().substring(OpsNetns.FAMILY.length());
        Path config = netns.writeFile("jmiredo.conf", """
                jmiredo.relay.bind-address = "0.0.0.0"
                jmiredo.relay.bind-port = 3544
                jmiredo.tun.name = "%s"
                jmiredo.transport.event-loops = 2
                jmiredo.peers.max = 65536
                jmiredo.metrics.listen = "127.0.0.1:9544"
                """.formatted(tun));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", java.getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("JMIREDO_JAR", jar.toString());
        env.put("JAVA_OPTS", Dockerfile.read().env("JAVA_OPTS").orElseThrow());
        env.putAll(moreEnv);
        Path entrypoint = RepoPaths.file("deploy/docker/entrypoint.sh");
        LabProcess process =
                netns.start(LOG, List.of("bash", entrypoint.toString(), "--config", config.toString()), env);
        LiveRelay relay = new LiveRelay(netns, process, java);
        relay.awaitReady();
        return relay;
    }

    LabProcess process() {
        return process;
    }

    OpsNetns netns() {
        return netns;
    }

    /**
     * This relay's output so far: its own process's log, also when a relay was started in this namespace before
     * (the second one's log is {@code jmiredo-2.log}: {@link OpsNetns#log} names the first).
     */
    String log() {
        return process.output();
    }

    String scrape() {
        return netns.httpGet(METRICS_URL + "/metrics");
    }

    /**
     * Forces a GC so that the GC pause timer exists (Micrometer registers it at the first GC notification),
     * then waits until the scrape shows it.
     */
    void forceGc() {
        Path jcmd = java.resolveSibling("jcmd");
        Preconditions.require(Files.isExecutable(jcmd), jcmd + " (to force a GC) is missing");
        Shell.Result gc =
                Shell.quiet().run(Duration.ofSeconds(30), jcmd.toString(), Long.toString(process.pid()), "GC.run");
        assertThat(gc.exit()).as(gc.describe()).isZero();
        Poll.until("jvm_gc_pause_seconds after GC.run", Duration.ofSeconds(15), () -> scrape().contains(
                        "jvm_gc_pause_seconds_count"));
    }

    private void awaitReady() {
        Poll.until("/readyz to answer 200", START_TIMEOUT, () -> {
            process.assertAlive();
            return netns.httpStatus(METRICS_URL + "/readyz") == 200;
        });
    }
}
