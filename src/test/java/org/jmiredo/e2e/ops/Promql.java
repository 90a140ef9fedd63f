package org.jmiredo.e2e.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the series selectors in a PromQL expression (metric name and label matchers), which is what the
 * deploy-file tests compare with the daemon's real /metrics. A lexer, not a parser: it skips strings,
 * range and subquery brackets, function and aggregation names, the label lists of by/without/on/ignoring/
 * group_left/group_right, keywords, numbers and Grafana variables ($instance, ${DS_PROMETHEUS}).
 */
final class Promql {

    record Matcher(String label, String op, String value) {}

    record Selector(String metric, List<Matcher> matchers) {}

    private static final Set<String> LABEL_LIST_KEYWORDS =
            Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "atan2",
            "inf",
            "nan",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right");
    private static final Set<String> AGGREGATIONS = Set.of(
            "sum",
            "min",
            "max",
            "avg",
            "group",
            "stddev",
            "stdvar",
            "count",
            "count_values",
            "bottomk",
            "topk",
            "quantile",
            "limitk",
            "limit_ratio");

    private final String s;
    private int pos;
    private final List<Selector> found = new ArrayList<>();

    private Promql(String expr) {
        this.s = expr;
    }

    static List<Selector> selectors(String expr) {
        Promql lexer = new Promql(expr);
        lexer.scan();
        return List.copyOf(lexer.found);
    }

    private void scan() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '#') {
                skipTo('\n');
            } else if (c == '"' || c == '\'' || c == '`') {
                string();
            } else if (c == '[') {
                skipTo(']');
            } else if (c == '{') {
                List<Matcher> matchers = matchers();
                matchers.stream()
                        .filter(m -> m.label().equals("__name__") && m.op().equals("="))
                        .findFirst()
                        .ifPresent(m -> found.add(new Selector(m.value(), matchers)));
            } else if (c == '$') {
                variable();
            } else if (isIdentStart(c)) {
                identifier();
            } else if (Character.isDigit(c) || c == '.') {
                while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
                    pos++;
                }
            } else {
                pos++;
            }
        }
    }

    private void identifier() {
        int start = pos;
        while (pos < s.length() && isIdentPart(s.charAt(pos))) {
            pos++;
        }
        String word = s.substring(start, pos);
        char after = peekNonSpace();
        if (LABEL_LIST_KEYWORDS.contains(word) && after == '(') {
            skipSpace();
            skipTo(')');
        } else if (after == '(' || KEYWORDS.contains(word) || (AGGREGATIONS.contains(word) && after != '{')) {
            // a function or aggregation name, or an operator keyword: not a series
            return;
        } else if (after == '{') {
            skipSpace();
            found.add(new Selector(word, matchers()));
        } else {
            found.add(new Selector(word, List.of()));
        }
    }

    /** Parses "{label op "value", ...}" starting at '{'. */
    private List<Matcher> matchers() {
        List<Matcher> matchers = new ArrayList<>();
        pos++;
        while (true) {
            skipSpace();
            if (pos >= s.length()) {
                throw new IllegalArgumentException("unterminated {...} in " + s);
            }
            char c = s.charAt(pos);
            if (c == '}') {
                pos++;
                return matchers;
            }
            if (c == ',') {
                pos++;
                continue;
            }
            int start = pos;
            while (pos < s.length() && isIdentPart(s.charAt(pos))) {
                pos++;
            }
            String label = s.substring(start, pos);
            skipSpace();
            String op = s.startsWith("=~", pos) || s.startsWith("!~", pos) || s.startsWith("!=", pos)
                    ? s.substring(pos, pos + 2)
                    : s.substring(pos, pos + 1);
            if (label.isEmpty() || !Set.of("=", "=~", "!~", "!=").contains(op)) {
                throw new IllegalArgumentException("bad label matcher at offset " + start + " in " + s);
            }
            pos += op.length();
            skipSpace();
            matchers.add(new Matcher(label, op, string()));
        }
    }

    /** A quoted string at pos; returns its value (escapes resolved) and moves past it. */
    private String string() {
        char quote = s.charAt(pos++);
        StringBuilder out = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == quote) {
                return out.toString();
            }
            if (c == '\\' && quote != '`' && pos < s.length()) {
                c = s.charAt(pos++);
            }
            out.append(c);
        }
        throw new IllegalArgumentException("unterminated string in " + s);
    }

    /** Grafana variables: $name, ${name}, ${name:format}. */
    private void variable() {
        pos++;
        if (pos < s.length() && s.charAt(pos) == '{') {
            skipTo('}');
            return;
        }
        while (pos < s.length() && isIdentPart(s.charAt(pos))) {
            pos++;
        }
    }

    /** Moves past the next {@code end} (or to the end of the text). */
    private void skipTo(char end) {
        int at = s.indexOf(end, pos);
        pos = at < 0 ? s.length() : at + 1;
    }

    private void skipSpace() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    private char peekNonSpace() {
        int i = pos;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }
}
