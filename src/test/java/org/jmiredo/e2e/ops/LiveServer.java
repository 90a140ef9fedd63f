package org.jmiredo.e2e.ops;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Preconditions;

/**
 * {@code jmiredo server} from the shaded jar in a namespace of its own (two documentation addresses on its
 * loopback, no native output), for its /metrics: each role exposes only its own series, so the deploy
 * files' queries are checked against the relay's and the server's together.
 */
final class LiveServer implements AutoCloseable {

    static final String METRICS_URL = "http://127.0.0.1:9544";
    static final String LOG = "jmiredo-server";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final OpsNetns netns;

    private LiveServer(OpsNetns netns) {
        this.netns = netns;
    }

    static LiveServer start() {
        Path jar = Preconditions.requireDaemonJar();
        Path java = Preconditions.requireDaemonJava();
        OpsNetns netns = OpsNetns.create();
        try {
            for (String address : List.of("198.51.100.1/32", "198.51.100.2/32")) {
                netns.exec(Duration.ofSeconds(10), "ip", "addr", "add", address, "dev", "lo")
                        .check();
            }
            Path config = netns.writeFile("server.conf", """
                    jmiredo.server { primary-address = "198.51.100.1", native-forwarding = false }
                    jmiredo.transport.event-loops = 1
                    jmiredo.metrics.listen = "127.0.0.1:9544"
                    """);
            LabProcess process = netns.start(
                    LOG,
                    List.of(
                            java.toString(),
                            "-Xmx64m",
                            "--enable-native-access=ALL-UNNAMED",
                            "-jar",
                            jar.toString(),
                            "server",
                            "--config",
                            config.toString()),
                    Map.of());
            Poll.until("the server's /readyz to answer 200", START_TIMEOUT, () -> {
                process.assertAlive();
                return netns.httpStatus(METRICS_URL + "/readyz") == 200;
            });
            return new LiveServer(netns);
        } catch (RuntimeException | Error e) {
            netns.close();
            throw e;
        }
    }

    String scrape() {
        return netns.httpGet(METRICS_URL + "/metrics");
    }

    @Override
    public void close() {
        netns.close();
    }
}
