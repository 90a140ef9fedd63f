package org.jmiredo.server.config;

import java.util.Optional;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.peer.PeerTableSettings;

/**
 * The whole, validated configuration of the daemon. Immutable: a reload builds a new one.
 *
 * @param relay {@code jmiredo.relay}
 * @param tun {@code jmiredo.tun}
 * @param transport {@code jmiredo.transport}
 * @param peers {@code jmiredo.peers}
 * @param icmp {@code jmiredo.icmp}
 * @param metrics {@code jmiredo.metrics}
 * @param logging {@code jmiredo.logging}
 * @param server the Teredo server addresses when a miredo-server.conf was read
 * @param sources where the values came from, for the start-up log line
 * @param serverRole {@code jmiredo.server}: the whole server role's settings ({@code jmiredo server}),
 *     from HOCON or miredo-server.conf; not {@link ServerRoleConfig#configured()} when neither set them
 */
public record DaemonConfig(
        RelayConfig relay,
        TunConfig tun,
        TransportConfig transport,
        PeerTableSettings peers,
        IcmpConfig icmp,
        MetricsConfig metrics,
        LoggingConfig logging,
        Optional<TeredoServerConfig> server,
        String sources,
        ServerRoleConfig serverRole) {

    /** The settings of the relay rules (relay-pipeline's engine). */
    public RelaySettings relaySettings() {
        return new RelaySettings(relay.prefix(), relay.type() == RelayType.RESTRICTED, relay.unknownPeers(),
                icmp.errorsPerSecond());
    }
}
