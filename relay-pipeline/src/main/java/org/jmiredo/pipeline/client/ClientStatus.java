package org.jmiredo.pipeline.client;

import org.jmiredo.engine.client.ClientState;
import org.jmiredo.engine.client.QualificationFailure;

/**
 * What the client's qualification tells the rest of the daemon, on the channel's event loop: the daemon
 * logs it and configures the tunnel from it. The state is also kept here for readers on
 * other threads (metrics, /readyz).
 */
public interface ClientStatus {
    /** Qualified with this address and the RA's MTU option (0: none), or either changed (§5.2.5). */
    void qualified(long addressHi, long addressLo, int mtu);

    /** Not qualified any more, or the qualification failed. */
    void unqualified(QualificationFailure why);

    /** Every state change, for the gauge. */
    void state(ClientState state);

    /** The server's host name gave new addresses ({@link ServerLookup}), where a new round goes now. */
    default void servers(int primary, int secondary) {}
}
