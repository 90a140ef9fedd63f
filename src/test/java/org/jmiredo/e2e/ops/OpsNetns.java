package org.jmiredo.e2e.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.LabRun;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Shell;
import org.jmiredo.e2e.lab.TooManyRequests;

/**
 * A fresh network namespace for the ops tests (loopback up, nothing else): a {@link LabRun} of the
 * {@code jmops} family with the one namespace {@code jmops<6 hex>-ops}, the long-running processes started
 * in it, and the run's teardown (SIGTERM, then SIGKILL; kill by pid what is left; delete; leak check).
 * Output of every process goes to {@code target/ops/<prefix>/<name>.log}.
 */
final class OpsNetns implements AutoCloseable {

    /** The ops tests' prefix family; the relay suite uses "jm", the server suite "js". */
    static final String FAMILY = "jmops";

    private static final Duration SHORT = Duration.ofSeconds(15);

    private final LabRun run;
    private final Netns netns;

    private OpsNetns(LabRun run, Netns netns) {
        this.run = run;
        this.netns = netns;
    }

    static OpsNetns create() {
        LabRun run = LabRun.open(FAMILY, Path.of("target", "ops"), "");
        return LabRun.orClose(run, () -> new OpsNetns(run, run.addNamespace("ops")));
    }

    /** The run's prefix, {@code jmops<6 hex>}. */
    String prefix() {
        return run.prefix();
    }

    String name() {
        return netns.name();
    }

    Path dir() {
        return run.dir();
    }

    Path writeFile(String fileName, String content) {
        return run.writeFile(fileName, content);
    }

    /** Runs a short command in the namespace. */
    Shell.Result exec(Duration timeout, String... command) {
        return netns.exec(timeout, command);
    }

    /**
     * GET with curl inside the namespace: the body, or an AssertionError with curl's message; asked again while the
     * endpoint answers 429 (its scrape budget, {@link TooManyRequests}: curl's --fail does not show Retry-After, and
     * the endpoint names a second).
     */
    String httpGet(String url) {
        Shell.Result result = TooManyRequests.ask(
                () -> exec(SHORT, "curl", "--silent", "--show-error", "--fail", "--max-time", "5", url),
                r -> !r.ok() && r.output().contains("returned error: 429") ? OptionalLong.of(1) : OptionalLong.empty());
        if (!result.ok()) {
            throw new AssertionError("GET " + url + " in " + name() + " failed: " + result.output());
        }
        return result.output();
    }

    /** The HTTP status of a GET inside the namespace; 0 when nothing answers. */
    int httpStatus(String url, String... headers) {
        String code = curlWriteOut("%{http_code}", url, headers);
        return code.matches("\\d{3}") ? Integer.parseInt(code) : 0;
    }

    /** The Content-Type of the answer to a GET inside the namespace ("" when none). */
    String httpContentType(String url, String... headers) {
        return curlWriteOut("%{content_type}", url, headers);
    }

    /** curl's {@code --write-out} of a GET, asked again while the endpoint answers 429 ({@link TooManyRequests}). */
    private String curlWriteOut(String format, String url, String... headers) {
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "--silent",
                "--output",
                "/dev/null",
                "--write-out",
                format + "\\n%{http_code}\\n%header{retry-after}\\n",
                "--max-time",
                "5"));
        for (String header : headers) {
            command.add("--header");
            command.add(header);
        }
        command.add(url);
        List<String> lines = TooManyRequests.ask(
                () -> netns.exec(SHORT, command).output().lines().toList(),
                out -> out.size() >= 2 && out.get(1).strip().equals("429")
                        ? TooManyRequests.seconds(out.size() > 2 ? out.get(2) : "")
                        : OptionalLong.empty());
        return lines.isEmpty() ? "" : lines.getFirst().strip();
    }

    /** Starts a long-running process in the namespace; its output goes to {@code <logName>.log}. */
    LabProcess start(String logName, List<String> command, Map<String, String> env) {
        return run.start(netns, logName, command, env);
    }

    /**
     * The output so far of the first process started as {@code logName} (a later one of the same name writes
     * {@code <logName>-2.log}: read it through its {@link LabProcess#output}).
     */
    String log(String logName) {
        Path log = run.dir().resolve(logName + ".log");
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        run.close();
    }
}
