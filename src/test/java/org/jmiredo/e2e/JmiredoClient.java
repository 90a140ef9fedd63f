package org.jmiredo.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Poll;

/**
 * Our {@code jmiredo client --qualify-only}, from the packaged jar, in one lab host: its server, bind port and
 * metrics endpoint (on the host's loopback) from a HOCON file of the lab.
 */
final class JmiredoClient {
    /** The JVM start and the daemon's own set-up; generous for a loaded 2-core machine. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern QUALIFIED = Pattern.compile("(?:qualified:|new mapping:) Teredo address (\\S+) ");

    private final Lab lab;
    private final Host host;
    private final String metricsListen;
    private final LabProcess process;

    private JmiredoClient(Lab lab, Host host, String metricsListen, LabProcess process) {
        this.lab = lab;
        this.host = host;
        this.metricsListen = metricsListen;
        this.process = process;
    }

    /**
     * Starts it in {@code host} towards the server at {@code server}; {@code bindPort} 0 for a random port;
     * {@code name} keeps two clients of one lab apart (log and config file).
     */
    static JmiredoClient start(Lab lab, Host host, String name, String server, int bindPort, String metricsListen) {
        Path config = lab.writeFile(name + ".conf", """
                jmiredo.client.server-address = "%s"
                jmiredo.client.bind-port = %d
                jmiredo.metrics.listen = "%s"
                """.formatted(server, bindPort, metricsListen));
        LabProcess process = lab.start(host, name, List.of(RelayKind.java().toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", RelayKind.jar().toString(), "client", "--qualify-only",
                "--config", config.toString()));
        return new JmiredoClient(lab, host, metricsListen, process);
    }

    /** Waits for the qualification's log line and returns the Teredo address it gave (R-5.2.1-build). */
    String awaitTeredoAddress(Duration timeout) {
        return Poll.value(process.name() + " to qualify", timeout, () -> {
            process.assertAlive();
            Matcher m = QUALIFIED.matcher(process.output());
            String last = null;
            while (m.find()) {
                last = m.group(1);
            }
            return java.util.Optional.ofNullable(last);
        });
    }

    /** Waits until the log says {@code text} (e.g. a failure). */
    void awaitLog(String text, Duration timeout) {
        process.awaitOutput(Pattern.compile(Pattern.quote(text)), timeout);
    }

    int readyz() {
        return Metrics.status(lab.ns(host), metricsListen, "/readyz");
    }

    String metrics() {
        return Metrics.scrape(lab.ns(host), metricsListen).body();
    }

    LabProcess process() {
        return process;
    }
}
