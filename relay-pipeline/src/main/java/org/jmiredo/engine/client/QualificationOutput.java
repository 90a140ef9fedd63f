package org.jmiredo.engine.client;

/** What {@link Qualification} decides: the adapter sends the solicitations and applies the address. */
public interface QualificationOutput {
    /**
     * Sends a Router Solicitation to {@code serverIpv4}:3544 from the link-local address {@code fe80::<linkLocalLo>},
     * behind an authentication header with {@code nonce}, no client identifier and confirmation 0 (§5.2.2).
     */
    void solicit(int serverIpv4, long nonce, long linkLocalLo);

    /**
     * The client is qualified with this address, or its address or the RA's MTU changed (a new NAT mapping,
     * §5.2.5); {@code mtu} is the RA's MTU option within 1280-65535, 0 when the RA had none.
     */
    void qualified(long addressHi, long addressLo, int mtu);

    /** The client is not qualified: its address, if it had one, is no longer valid. */
    void unqualified(QualificationFailure why);
}
