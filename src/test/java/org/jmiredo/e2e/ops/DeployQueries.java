package org.jmiredo.e2e.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every PromQL expression in the Grafana dashboard and in the alert rules, with where it came from. */
final class DeployQueries {

    record Query(String source, String expr) {}

    static final String DASHBOARD = "grafana/dashboards/jmiredo.json";
    static final String ALERTS = "deploy/prometheus/alerts.yml";

    /** label_values(expr, label): only the expression names series. */
    private static final Pattern LABEL_VALUES =
            Pattern.compile("(?s)^\\s*label_values\\((.*),\\s*[A-Za-z_]\\w*\\s*\\)\\s*$");

    private static final Pattern QUERY_RESULT = Pattern.compile("(?s)^\\s*query_result\\((.*)\\)\\s*$");

    private DeployQueries() {}

    static Map<String, Object> dashboard() {
        return MiniJson.object(MiniJson.parse(RepoPaths.read(DASHBOARD)));
    }

    static Map<String, Object> alertRules() {
        return yamlMap(RepoPaths.read(ALERTS));
    }

    static Map<String, Object> yamlMap(String text) {
        Object parsed = TinyYaml.parse(text);
        if (parsed instanceof Map<?, ?>) {
            return MiniJson.object(parsed);
        }
        throw new IllegalArgumentException("not a YAML mapping at the top");
    }

    static List<Query> all() {
        List<Query> all = new ArrayList<>(fromDashboard(dashboard()));
        all.addAll(fromRules(alertRules()));
        return all;
    }

    static List<Query> fromDashboard(Map<String, Object> dashboard) {
        List<Query> queries = new ArrayList<>();
        collectPanels(MiniJson.array(dashboard.get("panels")), queries);
        Object templating = dashboard.get("templating");
        if (templating != null) {
            for (Object variable : MiniJson.array(MiniJson.object(templating).get("list"))) {
                Map<String, Object> v = MiniJson.object(variable);
                if ("query".equals(v.get("type"))) {
                    Object q = v.get("query");
                    String text = q instanceof Map<?, ?>
                            ? String.valueOf(MiniJson.object(q).get("query"))
                            : String.valueOf(q);
                    queries.add(new Query("dashboard variable $" + v.get("name"), variableExpr(text)));
                }
            }
        }
        return queries;
    }

    private static void collectPanels(List<Object> panels, List<Query> out) {
        for (Object p : panels) {
            Map<String, Object> panel = MiniJson.object(p);
            if (panel.get("panels") != null) {
                collectPanels(MiniJson.array(panel.get("panels")), out);
            }
            if (panel.get("targets") == null) {
                continue;
            }
            for (Object t : MiniJson.array(panel.get("targets"))) {
                Map<String, Object> target = MiniJson.object(t);
                if (target.get("expr") != null) {
                    out.add(new Query("dashboard panel '" + panel.get("title") + "' " + target.get("refId"), (String)
                            target.get("expr")));
                }
            }
        }
    }

    /** The PromQL inside a Grafana variable query, or "" when it names no series (label_values(label)). */
    static String variableExpr(String query) {
        Matcher lv = LABEL_VALUES.matcher(query);
        if (lv.matches()) {
            return lv.group(1);
        }
        Matcher qr = QUERY_RESULT.matcher(query);
        if (qr.matches()) {
            return qr.group(1);
        }
        return query.trim().startsWith("label_values(") ? "" : query;
    }

    static List<Query> fromRules(Map<String, Object> file) {
        List<Query> queries = new ArrayList<>();
        for (Map<String, Object> rule : rules(file)) {
            String name = rule.containsKey("alert") ? "alert " + rule.get("alert") : "record " + rule.get("record");
            queries.add(new Query(name, String.valueOf(rule.get("expr"))));
        }
        return queries;
    }

    static List<Map<String, Object>> rules(Map<String, Object> file) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : MiniJson.array(file.get("groups"))) {
            for (Object rule : MiniJson.array(MiniJson.object(group).get("rules"))) {
                rules.add(MiniJson.object(rule));
            }
        }
        return rules;
    }
}
