package org.jmiredo.engine.client;

/** Why a client is not (or no longer) qualified; each is logged once when it happens. */
public enum QualificationFailure {
    /** The primary server address did not answer any solicitation (RFC 4380 §5.2.1 "off-line"). */
    NO_REPLY,
    /** The secondary address did not answer: the NAT cannot be checked (R-5.2.1-secnoresp). */
    NO_REPLY_SECONDARY,
    /** The two addresses saw different mappings: a symmetric NAT, which Teredo cannot cross (R-5.2.1-compare). */
    SYMMETRIC_NAT,
    /**
     * The server saw us at a non-global IPv4 (it sits on our side of the NAT): a global Teredo address must
     * embed a global unicast IPv4 (RFC 4380 §4, R-4-llid).
     */
    NON_GLOBAL_MAPPING,
    /** Qualified, then the refresh solicitations went unanswered (RFC 4380 §5.2.5). */
    SERVER_LOST,
    /**
     * The server answered (our nonce), but with a prefix other than the configured one followed by its configured
     * address (R-5.2.1-raprefix): a configuration to fix, not a silent server.
     */
    PREFIX_MISMATCH,
    /**
     * The server answered (our nonce) asking for a new key: a non-zero confirmation byte (RFC 4380 §5.2.2),
     * secure qualification, which this client does not do.
     */
    KEY_REQUESTED
}
