package org.jmiredo.e2e.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compares the series selectors of queries with what a daemon really exposes: every metric name must be
 * exported (or be one Prometheus makes itself, like {@code up}), and every label value a matcher names
 * (also each alternative of a literal regex such as {@code reason!~"a|b"}) must occur on that metric.
 * Matchers on the target labels job and instance, and values holding Grafana variables, are not checked.
 */
final class SeriesCheck {

    /** Series Prometheus writes for every target; they never appear in /metrics. */
    static final Set<String> SCRAPE_SERIES = Set.of(
            "up",
            "scrape_duration_seconds",
            "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling",
            "scrape_series_added");

    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    private static final Pattern LITERAL_ALTERNATION = Pattern.compile("[A-Za-z0-9_:.\\-]+(\\|[A-Za-z0-9_:.\\-]+)*");

    private SeriesCheck() {}

    static List<String> problems(List<DeployQueries.Query> queries, Exposition exposed) {
        List<String> problems = new ArrayList<>();
        Set<String> names = exposed.names();
        for (DeployQueries.Query query : queries) {
            List<Promql.Selector> selectors = Promql.selectors(query.expr());
            if (selectors.isEmpty() && !query.expr().isBlank()) {
                problems.add(query.source() + ": no series found in `" + query.expr() + "`");
            }
            for (Promql.Selector selector : selectors) {
                if (SCRAPE_SERIES.contains(selector.metric())) {
                    continue;
                }
                if (!names.contains(selector.metric())) {
                    problems.add(query.source() + ": " + selector.metric() + " is not exported");
                    continue;
                }
                for (Promql.Matcher m : selector.matchers()) {
                    checkMatcher(query, selector.metric(), m, exposed, problems);
                }
            }
        }
        return problems;
    }

    private static void checkMatcher(
            DeployQueries.Query query, String metric, Promql.Matcher m, Exposition exposed, List<String> problems) {
        if (TARGET_LABELS.contains(m.label())
                || m.label().equals("__name__")
                || m.value().contains("$")) {
            return;
        }
        boolean regex = m.op().endsWith("~");
        if (regex && !LITERAL_ALTERNATION.matcher(m.value()).matches()) {
            return; // a real regular expression: nothing literal to look up
        }
        Set<String> values = exposed.labelValues(metric, m.label());
        if (values.isEmpty()) {
            problems.add(query.source() + ": " + metric + " has no label " + m.label());
            return;
        }
        for (String value : regex ? List.of(m.value().split("\\|")) : List.of(m.value())) {
            if (!values.contains(value)) {
                problems.add(query.source() + ": " + metric + "{" + m.label() + "=\"" + value + "\"} is not exported"
                        + " (values: " + values + ")");
            }
        }
    }
}
