package org.jmiredo.server.config;

import org.jmiredo.proto.Ipv4;

/**
 * The Teredo server role's addresses, read from miredo-server.conf (ServerBindAddress, ServerBindAddress2).
 * The same values also reach {@code jmiredo.server} ({@link ServerRoleConfig}), which {@code jmiredo server} runs.
 *
 * @param primaryAddress the primary server IPv4, global unicast
 * @param secondaryAddress the secondary IPv4; Miredo's default is the primary plus one
 */
public record TeredoServerConfig(int primaryAddress, int secondaryAddress) {
    @Override
    public String toString() {
        return "TeredoServerConfig[" + Ipv4.toString(primaryAddress) + ", " + Ipv4.toString(secondaryAddress) + "]";
    }
}
