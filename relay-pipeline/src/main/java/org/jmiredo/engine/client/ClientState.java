package org.jmiredo.engine.client;

/**
 * Where a Teredo client stands in its qualification (RFC 4380 §5.2.1, §5.2.5). The {@link #gauge} value
 * is what the metrics endpoint exposes as {@code jmiredo_client_state}.
 */
public enum ClientState {
    /** Not qualified: before the start, or waiting to try again after a failure. */
    OFFLINE(0),
    /** Soliciting the server's primary address (§5.2.1; RFC 5991 §3.2: with the cone bit 0). */
    STARTING(1),
    /** Soliciting the secondary address to compare the NAT mappings (§5.2.1, symmetric NAT check). */
    CHECKING(2),
    /** Qualified: the Teredo address is valid and refreshed (§5.2.5). */
    QUALIFIED(3);

    private final int gauge;

    ClientState(int gauge) {
        this.gauge = gauge;
    }

    public int gauge() {
        return gauge;
    }
}
