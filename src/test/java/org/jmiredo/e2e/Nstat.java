package org.jmiredo.e2e;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Shell;

/** A kernel SNMP counter of one namespace, as iproute2's nstat reads it (e.g. TcpInCsumErrors). */
final class Nstat {

    private Nstat() {
    }

    /** The counter's absolute value; {@code -s} leaves nstat's shared history file alone. */
    static long value(Netns ns, String counter) {
        Shell.Result r = ns.exec(Duration.ofSeconds(10), List.of("nstat", "-asz", counter));
        Matcher m = Pattern.compile("^" + Pattern.quote(counter) + "\\s+(\\d+)", Pattern.MULTILINE).matcher(r.output());
        if (!r.ok() || !m.find()) {
            throw new AssertionError("nstat " + counter + " in " + ns.name() + " failed (exit " + r.exit() + "):\n"
                    + r.output());
        }
        return Long.parseLong(m.group(1));
    }
}
