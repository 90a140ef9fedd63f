package org.jmiredo.e2e.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The samples of a Prometheus text (or OpenMetrics) exposition: series name, labels, value. */
final class Exposition {

    record Sample(String name, Map<String, String> labels, String value) {}

    private final List<Sample> samples;

    private Exposition(List<Sample> samples) {
        this.samples = samples;
    }

    static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line.strip()));
            }
        }
        return new Exposition(List.copyOf(samples));
    }

    /** The samples of both, as Prometheus sees several targets: a name is exported if either exports it. */
    Exposition and(Exposition other) {
        List<Sample> both = new ArrayList<>(samples);
        both.addAll(other.samples);
        return new Exposition(List.copyOf(both));
    }

    List<Sample> samples() {
        return samples;
    }

    /** Every series name that has a sample line (so _total, _sum, _count, _max, _bucket as exposed). */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The values label {@code label} takes on series {@code name}. */
    Set<String> labelValues(String name, String label) {
        Set<String> values = new TreeSet<>();
        samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().containsKey(label))
                .forEach(s -> values.add(s.labels().get(label)));
        return values;
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
        }
        String[] rest = line.substring(i).strip().split(" ");
        if (name.isEmpty() || rest.length == 0 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("not a sample line: " + line);
        }
        return new Sample(name, Map.copyOf(labels), rest[0]);
    }

    /** Reads label="value" pairs up to '}' and returns the index after it. */
    private static int labels(String line, int i, Map<String, String> out) {
        while (true) {
            while (line.charAt(i) == ',' || line.charAt(i) == ' ') {
                i++;
            }
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            String label = line.substring(i, eq).strip();
            i = eq + 1;
            if (line.charAt(i) != '"') {
                throw new IllegalArgumentException("label value not quoted: " + line);
            }
            StringBuilder value = new StringBuilder();
            for (i++; line.charAt(i) != '"'; i++) {
                char c = line.charAt(i);
                if (c == '\\') {
                    char e = line.charAt(++i);
                    value.append(e == 'n' ? '\n' : e);
                } else {
                    value.append(c);
                }
            }
            out.put(label, value.toString());
            i++;
        }
    }
}
