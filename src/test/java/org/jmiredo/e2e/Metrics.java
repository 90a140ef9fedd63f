package org.jmiredo.e2e;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Shell;
import org.jmiredo.e2e.lab.TooManyRequests;

/**
 * Reads our daemon's Prometheus endpoint from inside rly (it listens on rly's loopback, which the
 * test JVM cannot reach) with bash's /dev/tcp, so that no HTTP client package is needed.
 */
final class Metrics {

    /** One sample line: name, optional label block, value. */
    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE);

    /** One scrape: the status line and the body. */
    record Scrape(String statusLine, String body) {}

    private Metrics() {}

    static Scrape scrape(Netns rly, String hostPort) {
        return get(rly, hostPort, "/metrics");
    }

    /** The status code of {@code GET path} (/readyz: 200 or 503). */
    static int status(Netns rly, String hostPort, String path) {
        String[] words = get(rly, hostPort, path).statusLine().split(" ");
        return Integer.parseInt(words[1]);
    }

    /** GET, asked again as the endpoint says while it answers 429 (its scrape budget, {@link TooManyRequests}). */
    private static Scrape get(Netns rly, String hostPort, String path) {
        String response = TooManyRequests.ask(() -> getOnce(rly, hostPort, path), TooManyRequests::inResponse);
        int headerEnd = response.indexOf("\r\n\r\n");
        // Our endpoint answers with a full response (Content-Length), never chunked.
        String headers = response.substring(0, headerEnd);
        return new Scrape(headers.lines().findFirst().orElse(""), response.substring(headerEnd + 4));
    }

    private static String getOnce(Netns rly, String hostPort, String path) {
        String[] parts = hostPort.split(":");
        // HTTP/1.0 with "Connection: close": the server ends the response by closing; the timeout
        // only guards against a server that keeps the connection open anyway.
        String script = "exec 3<>/dev/tcp/" + parts[0] + "/" + parts[1] + " || exit 7\n"
                + "printf 'GET " + path + " HTTP/1.0\\r\\nHost: " + hostPort
                + "\\r\\nConnection: close\\r\\n\\r\\n' >&3\n"
                + "timeout 5 cat <&3 || true\n";
        Shell.Result r = rly.exec(Duration.ofSeconds(15), List.of("bash", "-c", script));
        String response = r.output();
        if (!r.ok() || !response.contains("\r\n\r\n")) {
            throw new AssertionError("GET http://" + hostPort + path + " in " + rly.name() + " failed (exit " + r.exit()
                    + "):\n" + response);
        }
        return response;
    }

    /**
     * The part of an exposition that belongs to series whose names start with {@code prefix}: their
     * HELP and TYPE lines and samples (the daemon names those; JVM and Netty binders are not ours).
     */
    static String onlySeries(String body, String prefix) {
        StringBuilder out = new StringBuilder();
        for (String line : body.lines().toList()) {
            String name = line.startsWith("# HELP ") || line.startsWith("# TYPE ") ? line.substring(7) : line;
            if (name.startsWith(prefix)) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code promtool check metrics}: Prometheus' own lint of names, units, HELP and TYPE. */
    static Shell.Result lint(Lab lab, String body) {
        java.nio.file.Path file = lab.writeNumberedFile("metrics", ".txt", body);
        return lab.shell().run(Duration.ofSeconds(10), List.of("sh", "-c", "promtool check metrics < '" + file + "'"));
    }

    /** The largest sample among the series whose name matches (labels ignored). */
    static Optional<Double> maxSample(String body, Pattern name) {
        Matcher m = SAMPLE.matcher(body);
        Optional<Double> max = Optional.empty();
        while (m.find()) {
            if (!name.matcher(m.group(1)).matches()) {
                continue;
            }
            try {
                double v = Double.parseDouble(m.group(3));
                max = Optional.of(max.map(x -> Math.max(x, v)).orElse(v));
            } catch (NumberFormatException notANumber) {
                // +Inf / NaN samples say nothing about traffic.
            }
        }
        return max;
    }

    /**
     * Every numeric sample whose series (name and label block, as exposed) starts with {@code prefix},
     * keyed by that series text, e.g. {@code jmiredo_dropped_packets_total{reason="tun_write_failed"}}.
     */
    static Map<String, Double> samples(String body, String prefix) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Matcher m = SAMPLE.matcher(body);
        while (m.find()) {
            String series = m.group(1) + (m.group(2) == null ? "" : m.group(2));
            if (series.startsWith(prefix)) {
                try {
                    samples.put(series, Double.parseDouble(m.group(3)));
                } catch (NumberFormatException notANumber) {
                    // +Inf / NaN samples say nothing about traffic.
                }
            }
        }
        return samples;
    }

    /** A series without labels; absent means not counted yet, 0. */
    static double sample(String body, String series) {
        return samples(body, series).getOrDefault(series, 0.0);
    }
}
