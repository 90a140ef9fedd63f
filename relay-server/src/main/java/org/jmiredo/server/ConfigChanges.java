package org.jmiredo.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.RelayConfig;

/** What a reload may apply at once, and what waits for a restart. */
final class ConfigChanges {
    private ConfigChanges() {}

    /**
     * The relay's sections that changed but are fixed while running, as their HOCON paths; the relay does
     * not read {@code jmiredo.server}, so its changes are not listed.
     */
    static List<String> restartOnly(DaemonConfig previous, DaemonConfig next) {
        List<String> changed = new ArrayList<>();
        add(
                changed,
                "jmiredo.relay.bind-address",
                previous.relay().bindAddress(),
                next.relay().bindAddress());
        add(
                changed,
                "jmiredo.relay.bind-port",
                previous.relay().bindPort(),
                next.relay().bindPort());
        add(
                changed,
                "jmiredo.relay.prefix",
                previous.relay().prefix(),
                next.relay().prefix());
        add(
                changed,
                "jmiredo.relay.warm-up-peers",
                previous.relay().warmUpPeers(),
                next.relay().warmUpPeers());
        add(changed, "jmiredo.tun", previous.tun(), next.tun());
        add(changed, "jmiredo.transport", previous.transport(), next.transport());
        add(changed, "jmiredo.peers", previous.peers(), next.peers());
        add(changed, "jmiredo.metrics", previous.metrics(), next.metrics());
        return changed;
    }

    /**
     * The configuration now in force: the new live settings (logging, ICMPv6 budget, relay type, unknown-peer
     * policy, trust renewal, bubbles to peers without an entry and served prefixes), the old restart-only ones.
     */
    static DaemonConfig keepRestartOnly(DaemonConfig previous, DaemonConfig next) {
        RelayConfig was = previous.relay();
        RelayConfig relay = new RelayConfig(
                next.relay().type(),
                was.bindAddress(),
                was.bindPort(),
                was.prefix(),
                next.relay().unknownPeers(),
                was.warmUpPeers(),
                next.relay().trustRenewalSeconds(),
                next.relay().unknownBubblesPerSecond(),
                next.relay().served());
        return new DaemonConfig(
                relay,
                previous.tun(),
                previous.transport(),
                previous.peers(),
                next.icmp(),
                previous.metrics(),
                next.logging(),
                next.server(),
                next.client(),
                next.roleDirectives(),
                next.sources());
    }

    private static void add(List<String> changed, String name, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(name);
        }
    }
}
