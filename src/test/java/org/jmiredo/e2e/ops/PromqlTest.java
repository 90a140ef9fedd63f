package org.jmiredo.e2e.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The helpers the deploy-file tests trust: the PromQL selector finder, the exposition and YAML readers. */
class PromqlTest {

    private static List<String> names(String expr) {
        return Promql.selectors(expr).stream().map(Promql.Selector::metric).toList();
    }

    @Test
    void findsSeriesButNotFunctionsAggregationsLabelListsKeywordsOrVariables() {
        String expr = """
                sum by (instance, reason) (rate(jmiredo_dropped_packets_total{job="jmiredo",reason!~"a|b"}[$__rate_interval]))
                  / on (instance) group_left ignoring (reason)
                (8 * sum without (kind) (increase(jmiredo_udp_received_bytes_total[5m] offset 1h)) + 1e3)
                and on (instance) up{instance=~"$instance"} == bool 1
                or max(jvm_gc_pause_seconds_max) > 0.1  # trailing comment with fake_metric
                """;
        assertThat(names(expr))
                .containsExactly(
                        "jmiredo_dropped_packets_total",
                        "jmiredo_udp_received_bytes_total",
                        "up",
                        "jvm_gc_pause_seconds_max");
        Promql.Selector dropped = Promql.selectors(expr).getFirst();
        assertThat(dropped.matchers())
                .containsExactly(new Promql.Matcher("job", "=", "jmiredo"), new Promql.Matcher("reason", "!~", "a|b"));
    }

    @Test
    void handlesStringsNameMatchersAndSubqueries() {
        assertThat(names("label_replace(foo_total, \"dst\", \"$1\", \"src\", \"(bar_total)\")"))
                .containsExactly("foo_total");
        assertThat(names("{__name__=\"by_name_only\", a=\"x\"}")).containsExactly("by_name_only");
        assertThat(names("max_over_time(rate(x_total[1m])[10m:30s])")).containsExactly("x_total");
        assertThat(names("sum(rate(a_total{k=\"v\\\"}\"}[1m]))")).containsExactly("a_total");
        assertThatThrownBy(() -> Promql.selectors("a{b=\"c\"")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void grafanaVariableQueriesNameTheirSeries() {
        assertThat(DeployQueries.variableExpr("label_values(jmiredo_peers{job=\"jmiredo\"}, instance)"))
                .isEqualTo("jmiredo_peers{job=\"jmiredo\"}");
        assertThat(DeployQueries.variableExpr("label_values(instance)")).isEmpty();
    }

    @Test
    void seriesCheckReportsUnknownNamesAndLabelValues() {
        Exposition exposed = Exposition.parse("""
                # TYPE jmiredo_dropped_packets_total counter
                jmiredo_dropped_packets_total{reason="not_teredo"} 3.0
                jmiredo_dropped_packets_total{reason="queue_full",x="a\\"b"} 0
                jvm_memory_used_bytes{area="heap",id="ZHeap"} 1.5E7
                """);
        assertThat(exposed.labelValues("jmiredo_dropped_packets_total", "x")).containsExactly("a\"b");
        List<DeployQueries.Query> queries = List.of(
                new DeployQueries.Query(
                        "ok",
                        "rate(jmiredo_dropped_packets_total{reason!~\"not_teredo|queue_full\",job=\"j\"}[1m]) + on() up"),
                new DeployQueries.Query("typo", "jmiredo_droped_packets_total"),
                new DeployQueries.Query("value", "jvm_memory_used_bytes{area=\"nonheap\"}"),
                new DeployQueries.Query("regex", "jmiredo_dropped_packets_total{reason=~\"not_teredo|queue_ful\"}"),
                new DeployQueries.Query("label", "jvm_memory_used_bytes{pool=\"x\"}"),
                new DeployQueries.Query("nothing", "vector(1)"));
        assertThat(SeriesCheck.problems(queries, exposed))
                .containsExactly(
                        "typo: jmiredo_droped_packets_total is not exported",
                        "value: jvm_memory_used_bytes{area=\"nonheap\"} is not exported (values: [heap])",
                        "regex: jmiredo_dropped_packets_total{reason=\"queue_ful\"} is not exported (values: [not_teredo, queue_full])",
                        "label: jvm_memory_used_bytes has no label pool",
                        "nothing: no series found in `vector(1)`");
    }

    @Test
    void tinyYamlReadsTheSubsetAndRefusesTheRest() {
        Map<String, Object> doc = DeployQueries.yamlMap("""
                # comment
                a: 1 # trailing
                b:
                - x
                - "y # not a comment"
                c:
                  - name: n
                    flow: [p, 'q''s', "r"]
                    map: {k: v, l: "w"}
                  - plain: http://host:9/path
                d: |
                  line 1
                    line 2
                e: >-
                  folded
                  text
                f:
                """);
        assertThat(doc)
                .containsEntry("a", "1")
                .containsEntry("b", List.of("x", "y # not a comment"))
                .containsEntry("d", "line 1\n  line 2\n")
                .containsEntry("e", "folded text")
                .containsEntry("f", null);
        List<Object> c = MiniJson.array(doc.get("c"));
        assertThat(MiniJson.object(c.getFirst()))
                .containsEntry("flow", List.of("p", "q's", "r"))
                .containsEntry("map", Map.of("k", "v", "l", "w"));
        assertThat(MiniJson.object(c.get(1))).containsEntry("plain", "http://host:9/path");
        assertThatThrownBy(() -> TinyYaml.parse("a: &x 1\n")).hasMessageContaining("anchors");
        assertThatThrownBy(() -> TinyYaml.parse("a: 1\n  b: 2\n")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> TinyYaml.parse("a: 1\na: 2\n")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> TinyYaml.parse("a: 1\n---\nb: 2\n")).hasMessageContaining("documents");
    }

    @Test
    void miniJsonReadsAndRefuses() {
        Map<String, Object> o = MiniJson.object(MiniJson.parse("{\"a\":[1,2.5e1,true,null,\"\\u00e9\\n\"],\"b\":{}}"));
        assertThat(MiniJson.array(o.get("a"))).containsExactly(1.0, 25.0, true, null, "é\n");
        assertThatThrownBy(() -> MiniJson.parse("{\"a\":1,}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MiniJson.parse("{\"a\":1}x")).hasMessageContaining("trailing");
    }
}
