package org.jmiredo.e2e.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jmiredo.e2e.lab.Shell;

/** Prometheus's HTTP API inside a namespace, through curl (a Java client cannot enter a namespace). */
final class PromApi {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final OpsNetns netns;
    private final String base;

    PromApi(OpsNetns netns, String base) {
        this.netns = netns;
        this.base = base;
    }

    /** The "data" of a successful answer; an AssertionError with Prometheus's error otherwise. */
    Map<String, Object> get(String path, String... params) {
        Shell.Result result = netns.exec(TIMEOUT, curl(path, params));
        if (!result.ok()) {
            throw new AssertionError("GET " + path + ": " + result.describe());
        }
        Map<String, Object> answer = MiniJson.object(MiniJson.parse(result.output()));
        if (!"success".equals(answer.get("status"))) {
            throw new AssertionError("GET " + path + " " + List.of(params) + ": " + answer.get("errorType") + ": "
                    + answer.get("error"));
        }
        return MiniJson.object(answer.get("data"));
    }

    /** The result vector of an instant query. */
    List<Object> query(String promql) {
        Map<String, Object> data = get("/api/v1/query", "query=" + promql);
        if (!"vector".equals(data.get("resultType"))) {
            throw new AssertionError("not a vector: " + promql + " -> " + data.get("resultType"));
        }
        return MiniJson.array(data.get("result"));
    }

    /** The value of the first sample of an instant query, or NaN when the result is empty. */
    double value(String promql) {
        List<Object> result = query(promql);
        if (result.isEmpty()) {
            return Double.NaN;
        }
        List<Object> sample = MiniJson.array(MiniJson.object(result.getFirst()).get("value"));
        return Double.parseDouble((String) sample.get(1));
    }

    /** Whether the API answers at all (Prometheus starting up: connection refused, then 503). */
    boolean answers() {
        Shell.Result result = netns.exec(TIMEOUT, "curl", "--silent", "--fail", "--max-time", "3", base + "/-/ready");
        return result.ok();
    }

    private String[] curl(String path, String... params) {
        String[] command = new String[8 + 2 * params.length];
        int i = 0;
        for (String c : List.of("curl", "--silent", "--show-error", "--max-time", "10", "--get")) {
            command[i++] = c;
        }
        for (String param : params) {
            command[i++] = "--data-urlencode";
            command[i++] = param;
        }
        command[i++] = "--url";
        command[i] = base + path;
        return command;
    }
}
