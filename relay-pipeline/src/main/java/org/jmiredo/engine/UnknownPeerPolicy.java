package org.jmiredo.engine;

/** What the relay does with a packet from a Teredo peer it has no entry for (RFC 4380 §5.4.2 leaves it open). */
public enum UnknownPeerPolicy {
    /**
     * Drop it, as Miredo does. A restarted relay then black-holes live clients until they time out.
     */
    DROP,
    /**
     * Accept it when the outer IPv4 address and port equal the mapping embedded in its Teredo source
     * address (the RFC's own anti-spoofing check), and make that peer trusted: soft state rebuilds itself.
     */
    ACCEPT_MATCHING
}
