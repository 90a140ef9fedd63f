package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.*;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Netns;

/**
 * Exact packet counts at the NAT, as the kernel's netns selftests take them: two counting rules in
 * the NAT's FORWARD chain split the relay's UDP towards the LAN client by source port, so a test
 * can assert that the relay used only its service port (R-5.4-port).
 */
final class NatCounters {

    static final String RELAY_SERVICE_PORT = "relay-service-port";
    static final String RELAY_OTHER_PORT = "relay-other-port";

    private NatCounters() {}

    /** Adds the counting rules (no target: they count and let the packet go on). */
    static void install(Netns nat) {
        String port = Integer.toString(RELAY_PORT);
        nat.exec(
                        "iptables",
                        "-A",
                        "FORWARD",
                        "-p",
                        "udp",
                        "-s",
                        RELAY_V4,
                        "--sport",
                        port,
                        "-m",
                        "comment",
                        "--comment",
                        RELAY_SERVICE_PORT)
                .check();
        nat.exec(
                        "iptables",
                        "-A",
                        "FORWARD",
                        "-p",
                        "udp",
                        "-s",
                        RELAY_V4,
                        "!",
                        "--sport",
                        port,
                        "-m",
                        "comment",
                        "--comment",
                        RELAY_OTHER_PORT)
                .check();
    }

    /** The packet count of the FORWARD rule carrying the given comment. */
    static long packets(Netns nat, String comment) {
        String listing =
                nat.exec("iptables", "-L", "FORWARD", "-v", "-n", "-x").check().output();
        Pattern rule =
                Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s.*/\\* " + Pattern.quote(comment) + " \\*/", Pattern.MULTILINE);
        Matcher m = rule.matcher(listing);
        if (!m.find()) {
            throw new IllegalStateException("no FORWARD rule /* " + comment + " */ in " + nat.name() + ":\n" + listing);
        }
        return Long.parseLong(m.group(1));
    }
}
