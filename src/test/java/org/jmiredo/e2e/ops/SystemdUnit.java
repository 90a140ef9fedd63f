package org.jmiredo.e2e.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The settings of one section of a systemd unit file (a key may repeat: all values, in order). */
final class SystemdUnit {

    private SystemdUnit() {}

    static Map<String, List<String>> section(String unit, String name) {
        Map<String, List<String>> settings = new LinkedHashMap<>();
        String current = null;
        for (String raw : unit.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = line.substring(1, line.length() - 1);
                continue;
            }
            int eq = line.indexOf('=');
            if (name.equals(current) && eq > 0) {
                String value = line.substring(eq + 1).strip();
                if (value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                settings.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                        .add(value);
            }
        }
        return settings;
    }
}
