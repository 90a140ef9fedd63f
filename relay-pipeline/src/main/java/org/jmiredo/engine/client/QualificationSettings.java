package org.jmiredo.engine.client;

import org.jmiredo.proto.Ipv4;

/**
 * What a Teredo client is configured with (RFC 4380 §5.2, R-5.2-cfgserver).
 *
 * @param primaryServer the server's primary IPv4 (network order), where qualification and refreshes go
 * @param secondaryServer the same server's secondary IPv4, for the symmetric NAT check (Miredo: primary + 1)
 * @param prefix the Teredo prefix the server must advertise, as its first 32 bits (2001:0000 by default)
 */
public record QualificationSettings(int primaryServer, int secondaryServer, int prefix) {
    public QualificationSettings {
        if (!Ipv4.isGlobalUnicast(primaryServer) || !Ipv4.isGlobalUnicast(secondaryServer)) {
            throw new IllegalArgumentException("a Teredo server's addresses are global unicast IPv4 (RFC 4380 §5.2.4)");
        }
        if (primaryServer == secondaryServer) {
            throw new IllegalArgumentException("the secondary server address must differ from the primary");
        }
        if (prefix == 0 || (prefix >>> 24) == 0xFF) {
            throw new IllegalArgumentException("a Teredo prefix is neither zero nor multicast");
        }
    }
}
