package org.jmiredo.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Shell;

/** Kernel SNMP counters of one namespace, as iproute2's nstat reads them (e.g. TcpInCsumErrors). */
final class Nstat {

    private Nstat() {}

    /** The counter's absolute value; {@code -s} leaves nstat's shared history file alone. */
    static long value(Netns ns, String counter) {
        return values(ns, List.of(counter)).get(counter);
    }

    /** Several counters' absolute values, read at once. */
    static Map<String, Long> values(Netns ns, List<String> counters) {
        List<String> command = new ArrayList<>(List.of("nstat", "-asz"));
        command.addAll(counters);
        Shell.Result r = ns.exec(Duration.ofSeconds(10), command);
        Map<String, Long> values = new TreeMap<>();
        for (String counter : counters) {
            Matcher m = Pattern.compile("^" + Pattern.quote(counter) + "\\s+(\\d+)", Pattern.MULTILINE)
                    .matcher(r.output());
            if (!r.ok() || !m.find()) {
                throw new AssertionError(
                        "nstat " + counter + " in " + ns.name() + " failed (exit " + r.exit() + "):\n" + r.output());
            }
            values.put(counter, Long.parseLong(m.group(1)));
        }
        return values;
    }
}
