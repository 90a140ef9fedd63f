package org.jmiredo.server.config;

import org.jmiredo.engine.ServedPrefixes;
import org.jmiredo.engine.UnknownPeerPolicy;

/**
 * {@code jmiredo.relay}: the relay's role and its UDP endpoint.
 *
 * @param type cone or restricted (Miredo's RelayType)
 * @param bindAddress the IPv4 the UDP sockets bind to, in network order; 0 for all addresses
 * @param bindPort the UDP port
 * @param prefix the Teredo prefix as its first 32 bits
 * @param unknownPeers what happens to packets from peers the relay has no entry for
 * @param warmUpPeers synthetic handshakes run through the handshake path once the relay is ready; 0 for none
 * @param trustRenewalSeconds how long before a peer's trust lapses a packet to it renews it with a bubble; 0 for
 *     never (Miredo)
 * @param unknownBubblesPerSecond the relay's most bubbles per second to peers without an entry whose packet came
 *     from a mapping their address does not embed; 0 for none (Miredo)
 * @param served the native destinations Teredo peers may reach through the relay ({@code relay.served-prefixes})
 */
public record RelayConfig(
        RelayType type,
        int bindAddress,
        int bindPort,
        int prefix,
        UnknownPeerPolicy unknownPeers,
        int warmUpPeers,
        int trustRenewalSeconds,
        int unknownBubblesPerSecond,
        ServedPrefixes served) {

    /** Serving the default range: every global destination but unique local addresses. */
    public RelayConfig(
            RelayType type,
            int bindAddress,
            int bindPort,
            int prefix,
            UnknownPeerPolicy unknownPeers,
            int warmUpPeers,
            int trustRenewalSeconds,
            int unknownBubblesPerSecond) {
        this(
                type,
                bindAddress,
                bindPort,
                prefix,
                unknownPeers,
                warmUpPeers,
                trustRenewalSeconds,
                unknownBubblesPerSecond,
                ServedPrefixes.defaults());
    }
}
