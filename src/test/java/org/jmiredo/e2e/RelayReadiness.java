package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;

/** What "the relay serves" means in rly, for every relay implementation. */
final class RelayReadiness {

    private RelayReadiness() {}

    static Duration await(Lab lab, LabProcess relay, Duration timeout) {
        Netns rly = lab.ns(Host.RLY);
        return Poll.until(
                relay.name() + " to serve (" + TUN_NAME + " up, " + TEREDO_PREFIX + " routed to it, UDP " + RELAY_PORT
                        + " bound)",
                timeout,
                () -> {
                    relay.assertAlive();
                    return rly.linkUp(TUN_NAME)
                            && rly.route6(TEREDO_PREFIX).contains("dev " + TUN_NAME)
                            && rly.udpBound(RELAY_PORT);
                });
    }

    /** After a clean stop the tunnel interface (and with it the route) must be gone. */
    static Duration awaitGone(Lab lab, Duration timeout) {
        Netns rly = lab.ns(Host.RLY);
        return Poll.until(TUN_NAME + " to disappear from " + rly.name(), timeout, () -> !rly.linkExists(TUN_NAME));
    }
}
