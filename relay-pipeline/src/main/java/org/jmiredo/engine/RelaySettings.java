package org.jmiredo.engine;

/**
 * The relay rules' settings (RFC 4380 §5.4 and the choices the RFC leaves open).
 *
 * @param prefix the Teredo prefix as its first 32 bits (2001:0000::/32 is {@code 0x20010000})
 * @param restricted true for a relay behind a non-cone NAT: also send direct bubbles (§5.4.1, Miredo
 *     "restricted"); false for "cone"/"relay", which send indirect bubbles only
 * @param unknownPeers what to do with a packet from a Teredo peer the relay has no entry for (§5.4.2)
 * @param icmpErrorsPerSecond the most ICMPv6 errors sent back to the tunnel per second (Miredo: 10)
 */
public record RelaySettings(int prefix, boolean restricted, UnknownPeerPolicy unknownPeers, int icmpErrorsPerSecond) {
    public RelaySettings {
        if (prefix == 0 || (prefix >>> 24) == 0xFF) {
            throw new IllegalArgumentException("a Teredo prefix is neither zero nor multicast");
        }
        if (icmpErrorsPerSecond < 0) {
            throw new IllegalArgumentException("icmpErrorsPerSecond must not be negative");
        }
    }

    public static RelaySettings defaults() {
        return new RelaySettings(org.jmiredo.proto.Teredo.PREFIX, false, UnknownPeerPolicy.ACCEPT_MATCHING, 10);
    }
}
