package org.jmiredo.e2e.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the block-style YAML subset our deploy files use: mappings, sequences ("- " items, also at the
 * parent key's indentation), plain and quoted scalars, flow sequences and simple flow mappings on one
 * line, block scalars ({@code |}, {@code >}, with chomping) and comments. Scalars stay strings. Anything
 * else (anchors, tags, multi-line plain or quoted scalars, several documents) is an error naming the
 * line, so a file written outside the subset fails the test loudly instead of being misread.
 */
final class TinyYaml {

    private record KeyValue(String key, String rest) {}

    private final List<String> lines;
    private int next;

    private TinyYaml(String text) {
        this.lines = new ArrayList<>(List.of(text.split("\n", -1)));
    }

    static Object parse(String text) {
        TinyYaml yaml = new TinyYaml(text.replace("\r\n", "\n"));
        for (int i = 0; i < yaml.lines.size(); i++) {
            String c = content(yaml.lines.get(i));
            if (c.equals("---")) {
                yaml.lines.set(i, ""); // an explicit start of the (only) document
            }
            if (!c.isEmpty()) {
                break;
            }
        }
        Object root = yaml.node(0);
        int left = yaml.nextSignificant();
        if (left >= 0) {
            throw yaml.error(left, "not parsed (indentation or an unsupported construct)");
        }
        return root;
    }

    private Object node(int minIndent) {
        int i = nextSignificant();
        if (i < 0 || indentOf(i) < minIndent) {
            return null;
        }
        String c = content(lines.get(i));
        if (isItem(c)) {
            return sequence(indentOf(i));
        }
        if (splitKey(c) != null) {
            return mapping(indentOf(i));
        }
        next = i + 1;
        return scalar(c, i);
    }

    private Map<String, Object> mapping(int indent) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = nextSignificant(); i >= 0 && indentOf(i) >= indent; i = nextSignificant()) {
            if (indentOf(i) > indent) {
                throw error(i, "unexpected indentation");
            }
            String c = content(lines.get(i));
            if (isItem(c)) {
                break;
            }
            KeyValue kv = splitKey(c);
            if (kv == null) {
                throw error(i, "expected 'key: value'");
            }
            if (map.containsKey(kv.key())) {
                throw error(i, "duplicate key " + kv.key());
            }
            next = i + 1;
            map.put(kv.key(), value(kv.rest(), indent, i));
        }
        return map;
    }

    /** The value of a key at {@code indent}: on the same line, a block scalar, or the lines below. */
    private Object value(String rest, int indent, int line) {
        if (rest.matches("[|>][+-]?")) {
            return blockScalar(rest, indent);
        }
        if (!rest.isEmpty()) {
            return scalar(rest, line);
        }
        int j = nextSignificant();
        if (j >= 0 && indentOf(j) == indent && isItem(content(lines.get(j)))) {
            return sequence(indent);
        }
        return node(indent + 1);
    }

    private List<Object> sequence(int indent) {
        List<Object> list = new ArrayList<>();
        for (int i = nextSignificant(); i >= 0 && indentOf(i) >= indent; i = nextSignificant()) {
            if (indentOf(i) > indent) {
                throw error(i, "unexpected indentation");
            }
            String raw = lines.get(i);
            if (!isItem(content(raw))) {
                break;
            }
            int col = indent + 1;
            while (col < raw.length() && raw.charAt(col) == ' ') {
                col++;
            }
            String item = content(raw.substring(Math.min(col, raw.length())));
            if (item.isEmpty()) {
                next = i + 1;
                list.add(node(indent + 1));
            } else if (isItem(item) || splitKey(item) != null) {
                // "- key: v" starts a mapping whose keys sit at the column after "- ".
                lines.set(i, " ".repeat(col) + raw.substring(col));
                list.add(node(col));
            } else if (item.matches("[|>][+-]?")) {
                next = i + 1;
                list.add(blockScalar(item, indent));
            } else {
                next = i + 1;
                list.add(scalar(item, i));
            }
        }
        return list;
    }

    private String blockScalar(String indicator, int parentIndent) {
        List<String> body = new ArrayList<>();
        int blockIndent = -1;
        while (next < lines.size()) {
            String raw = lines.get(next);
            if (raw.isBlank()) {
                body.add("");
            } else if (indentOf(next) > parentIndent) {
                if (blockIndent < 0) {
                    blockIndent = indentOf(next);
                }
                body.add(raw.substring(Math.min(blockIndent, raw.length())));
            } else {
                break;
            }
            next++;
        }
        while (!body.isEmpty() && body.getLast().isEmpty()) {
            body.removeLast();
        }
        String text = indicator.startsWith(">") ? fold(body) : String.join("\n", body);
        return indicator.endsWith("-") || text.isEmpty() ? text : text + "\n";
    }

    private static String fold(List<String> body) {
        StringBuilder out = new StringBuilder();
        for (String line : body) {
            if (line.isEmpty()) {
                out.append('\n');
            } else {
                if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
                    out.append(' ');
                }
                out.append(line);
            }
        }
        return out.toString();
    }

    private Object scalar(String s, int line) {
        if (s.startsWith("\"") || s.startsWith("'")) {
            int end = closingQuote(s, 0);
            if (end != s.length() - 1) {
                throw error(line, "text after a quoted scalar, or a multi-line quoted scalar");
            }
            return unquote(s);
        }
        if (s.startsWith("[") || s.startsWith("{")) {
            return flow(s, line);
        }
        if (s.startsWith("&") || s.startsWith("*") || s.startsWith("!")) {
            throw error(line, "anchors, aliases and tags are not supported");
        }
        return s;
    }

    private Object flow(String s, int line) {
        char open = s.charAt(0);
        char close = open == '[' ? ']' : '}';
        if (s.charAt(s.length() - 1) != close) {
            throw error(line, "a flow collection must end on its line");
        }
        List<String> parts = splitTopLevel(s.substring(1, s.length() - 1));
        if (open == '[') {
            List<Object> list = new ArrayList<>();
            parts.forEach(p -> list.add(scalar(p, line)));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (String part : parts) {
            KeyValue kv = splitKey(part);
            if (kv == null) {
                throw error(line, "expected 'key: value' in " + part);
            }
            map.put(kv.key(), kv.rest().isEmpty() ? null : scalar(kv.rest(), line));
        }
        return map;
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                i = closingQuote(s, i);
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        String last = s.substring(start).trim();
        if (!last.isEmpty() || !parts.isEmpty()) {
            parts.add(last);
        }
        return parts;
    }

    /** "key: rest" or "key:" (plain or quoted key), else null. */
    private static KeyValue splitKey(String c) {
        if (c.startsWith("[") || c.startsWith("{")) {
            return null;
        }
        int keyEnd;
        String key;
        if (c.startsWith("\"") || c.startsWith("'")) {
            int end = closingQuote(c, 0);
            if (end < 0) {
                return null;
            }
            key = unquote(c.substring(0, end + 1));
            keyEnd = end + 1;
        } else {
            int colon = c.indexOf(": ");
            keyEnd = colon >= 0 ? colon : (c.endsWith(":") ? c.length() - 1 : -1);
            if (keyEnd <= 0) {
                return null;
            }
            key = c.substring(0, keyEnd).trim();
        }
        if (keyEnd >= c.length() || c.charAt(keyEnd) != ':') {
            return null;
        }
        String rest = c.substring(keyEnd + 1);
        if (!rest.isEmpty() && rest.charAt(0) != ' ') {
            return null;
        }
        return new KeyValue(key, rest.trim());
    }

    private static int closingQuote(String s, int open) {
        char q = s.charAt(open);
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (q == '"' && c == '\\') {
                i++;
            } else if (c == q) {
                if (q == '\'' && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String unquote(String s) {
        String body = s.substring(1, s.length() - 1);
        if (s.charAt(0) == '\'') {
            return body.replace("''", "'");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            out.append(
                    switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case '"', '\\', '/' -> e;
                        default -> throw new IllegalArgumentException("YAML: unsupported escape \\" + e);
                    });
        }
        return out.toString();
    }

    private static boolean isItem(String c) {
        return c.equals("-") || c.startsWith("- ");
    }

    /** The next line that is neither blank nor only a comment; not consumed. -1 at the end. */
    private int nextSignificant() {
        for (int i = next; i < lines.size(); i++) {
            String c = content(lines.get(i));
            if (c.equals("---")) {
                throw error(i, "several documents in one file are not supported");
            }
            if (!c.isEmpty()) {
                return i;
            }
        }
        return -1;
    }

    private int indentOf(int line) {
        String raw = lines.get(line);
        int n = 0;
        while (n < raw.length() && raw.charAt(n) == ' ') {
            n++;
        }
        if (n < raw.length() && raw.charAt(n) == '\t') {
            throw error(line, "tab in indentation");
        }
        return n;
    }

    /** The line without indentation and without a trailing comment (a '#' after space, outside quotes). */
    private static String content(String raw) {
        char quote = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (quote != 0) {
                if (quote == '"' && c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if ((c == '"' || c == '\'') && (i == 0 || " [{,:-".indexOf(raw.charAt(i - 1)) >= 0)) {
                quote = c;
            } else if (c == '#' && (i == 0 || raw.charAt(i - 1) == ' ')) {
                return raw.substring(0, i).strip();
            }
        }
        return raw.strip();
    }

    private IllegalArgumentException error(int line, String what) {
        return new IllegalArgumentException(
                "YAML line " + (line + 1) + ": " + what + ": " + lines.get(line).strip());
    }
}
