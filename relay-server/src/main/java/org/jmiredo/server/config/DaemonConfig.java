package org.jmiredo.server.config;

import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.peer.PeerTableSettings;

/**
 * The whole, validated configuration of the daemon: every role's section, whichever syntax set it; each
 * daemon reads the sections of the role it runs. Immutable: a reload builds a new one.
 *
 * @param relay {@code jmiredo.relay}
 * @param tun {@code jmiredo.tun}
 * @param transport {@code jmiredo.transport}
 * @param peers {@code jmiredo.peers}
 * @param icmp {@code jmiredo.icmp}
 * @param metrics {@code jmiredo.metrics}
 * @param logging {@code jmiredo.logging}
 * @param server {@code jmiredo.server}: the Teredo server role's settings ({@code jmiredo server}), from
 *     HOCON or miredo-server.conf; not {@link ServerRoleConfig#configured()} when neither set them
 * @param client {@code jmiredo.client}: the Teredo client role's settings ({@code jmiredo client}); not
 *     {@link ClientRoleConfig#configured()} when nothing set them
 * @param roleDirectives the Miredo directives read that only one role uses, for the others' warnings
 * @param sources where the values came from, for the start-up log line
 */
public record DaemonConfig(
        RelayConfig relay,
        TunConfig tun,
        TransportConfig transport,
        PeerTableSettings peers,
        IcmpConfig icmp,
        MetricsConfig metrics,
        LoggingConfig logging,
        ServerRoleConfig server,
        ClientRoleConfig client,
        List<RoleDirective> roleDirectives,
        String sources) {

    public DaemonConfig {
        roleDirectives = List.copyOf(roleDirectives);
    }

    /** The settings of the relay rules (relay-pipeline's engine). */
    public RelaySettings relaySettings() {
        return new RelaySettings(
                relay.prefix(),
                relay.type() == RelayType.RESTRICTED,
                relay.unknownPeers(),
                icmp.errorsPerSecond(),
                relay.trustRenewalSeconds(),
                relay.unknownBubblesPerSecond(),
                relay.served());
    }

    /** One warning line, with its FILE:LINE, per Miredo directive read that {@code role} does not use. */
    public List<String> ignoredBy(DataPathRole role) {
        return roleDirectives.stream()
                .filter(d -> d.role() != role && !d.refusedBy(role))
                .map(d -> d.ignoredBy(role))
                .toList();
    }

    /**
     * Refuses a Miredo file written for the other of relay and client (its RelayType, or a client's
     * ServerAddress without one), and for the relay the client's HOCON keys, naming the file and line.
     *
     * @throws InvalidConfigException when it is
     */
    public void requireRole(DataPathRole role) throws InvalidConfigException {
        List<String> refusals = new ArrayList<>(roleDirectives.stream()
                .filter(d -> d.refusedBy(role))
                .map(RoleDirective::refusal)
                .toList());
        if (role == DataPathRole.RELAY && refusals.isEmpty()) { // a client's miredo.conf: its RelayType says it
            refusals.addAll(client.setByOperator());
        }
        if (!refusals.isEmpty()) {
            throw new InvalidConfigException(refusals);
        }
    }
}
