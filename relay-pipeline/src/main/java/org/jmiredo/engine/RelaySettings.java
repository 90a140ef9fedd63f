package org.jmiredo.engine;

import org.jmiredo.proto.Teredo;

/**
 * The relay rules' settings (RFC 4380 §5.4 and the choices the RFC leaves open).
 *
 * @param prefix the Teredo prefix as its first 32 bits (2001:0000::/32 is {@code 0x20010000})
 * @param restricted true for a relay behind a non-cone NAT: also send direct bubbles (§5.4.1, Miredo
 *     "restricted"); false for "cone"/"relay", which send indirect bubbles only
 * @param unknownPeers what to do with a packet from a Teredo peer the relay has no entry for (§5.4.2)
 * @param icmpErrorsPerSecond the most ICMPv6 errors sent back to the tunnel per second by the whole relay, one
 *     budget shared by every event loop (Miredo: 10)
 * @param trustRenewalSeconds how long before a trusted peer's trust would lapse (RFC 4380's 30 s after it was
 *     last heard from) a packet to it also sends an indirect bubble, so that its answer renews the trust
 *     while its packets keep going directly; 0 for none (Miredo), at most {@value #MAX_TRUST_RENEWAL_SECONDS}
 * @param unknownBubblesPerSecond the most keyed indirect bubbles per second to Teredo peers without an entry whose
 *     packet came from a mapping their address does not embed ({@link UnknownBubbles}); 0 for none. The relay's
 *     setting, one budget shared by every event loop, as {@code icmpErrorsPerSecond}
 * @param served the native destinations Teredo peers' packets may go to (RFC 4380 §5.4.2, {@code
 *     relay.served-prefixes}); the others are dropped as {@code destination_out_of_range}
 */
public record RelaySettings(
        int prefix,
        boolean restricted,
        UnknownPeerPolicy unknownPeers,
        int icmpErrorsPerSecond,
        int trustRenewalSeconds,
        int unknownBubblesPerSecond,
        ServedPrefixes served) {
    /** The default renewal: 5 s before the lapse, for a round trip through the peer's server. */
    public static final int DEFAULT_TRUST_RENEWAL_SECONDS = 5;

    /** A renewal no earlier than 10 s after the peer was last heard from: one bubble per 10 s at most. */
    public static final int MAX_TRUST_RENEWAL_SECONDS = Teredo.TRUST_SECONDS - 10;

    /**
     * The default: enough for a restarted relay's symmetric-NAT clients to come back within their first packets
     * (each is bubbled once per 2 s while it goes unanswered), little enough that a flood of forged packets makes
     * at most 34 kB/s of bubbles (68 bytes each on the wire).
     */
    public static final int DEFAULT_UNKNOWN_BUBBLES_PER_SECOND = 500;

    public RelaySettings {
        if (prefix == 0 || (prefix >>> 24) == 0xFF) {
            throw new IllegalArgumentException("a Teredo prefix is neither zero nor multicast");
        }
        if (icmpErrorsPerSecond < 0) {
            throw new IllegalArgumentException("icmpErrorsPerSecond must not be negative");
        }
        if (trustRenewalSeconds < 0 || trustRenewalSeconds > MAX_TRUST_RENEWAL_SECONDS) {
            throw new IllegalArgumentException("trustRenewalSeconds must be 0 to " + MAX_TRUST_RENEWAL_SECONDS);
        }
        if (unknownBubblesPerSecond < 0) {
            throw new IllegalArgumentException("unknownBubblesPerSecond must not be negative");
        }
        if (served == null) {
            throw new IllegalArgumentException("served must not be null (ServedPrefixes.defaults())");
        }
    }

    /** Serving every global destination but unique local addresses (the default of {@code relay.served-prefixes}). */
    public RelaySettings(
            int prefix,
            boolean restricted,
            UnknownPeerPolicy unknownPeers,
            int icmpErrorsPerSecond,
            int trustRenewalSeconds,
            int unknownBubblesPerSecond) {
        this(
                prefix,
                restricted,
                unknownPeers,
                icmpErrorsPerSecond,
                trustRenewalSeconds,
                unknownBubblesPerSecond,
                ServedPrefixes.defaults());
    }

    /** The same settings serving {@code next} instead. */
    public RelaySettings serving(ServedPrefixes next) {
        return new RelaySettings(
                prefix,
                restricted,
                unknownPeers,
                icmpErrorsPerSecond,
                trustRenewalSeconds,
                unknownBubblesPerSecond,
                next);
    }

    /** With the default bubbles to peers without an entry. */
    public RelaySettings(
            int prefix,
            boolean restricted,
            UnknownPeerPolicy unknownPeers,
            int icmpErrorsPerSecond,
            int trustRenewalSeconds) {
        this(
                prefix,
                restricted,
                unknownPeers,
                icmpErrorsPerSecond,
                trustRenewalSeconds,
                DEFAULT_UNKNOWN_BUBBLES_PER_SECOND);
    }

    /** With the default trust renewal. */
    public RelaySettings(int prefix, boolean restricted, UnknownPeerPolicy unknownPeers, int icmpErrorsPerSecond) {
        this(prefix, restricted, unknownPeers, icmpErrorsPerSecond, DEFAULT_TRUST_RENEWAL_SECONDS);
    }

    public static RelaySettings defaults() {
        return new RelaySettings(Teredo.PREFIX, false, UnknownPeerPolicy.ACCEPT_MATCHING, 10);
    }

    /** Seconds after a peer was last heard from from which a packet to it renews its trust ({@code 30 - renewal}). */
    public int renewTrustAfter() {
        return Teredo.TRUST_SECONDS - trustRenewalSeconds;
    }
}
