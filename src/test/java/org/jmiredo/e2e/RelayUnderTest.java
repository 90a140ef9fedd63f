package org.jmiredo.e2e;

import java.util.Optional;
import org.jmiredo.e2e.lab.LabProcess;

/** The Teredo relay in the rly namespace: Miredo's (baseline) or ours. */
interface RelayUnderTest {

    RelayKind kind();

    /**
     * Starts the relay and waits until it serves: the tunnel is up, 2001::/32 is routed to it
     * (R-5.4-advertise) and its UDP port is bound (R-5.4-port).
     */
    void start();

    /** Sends SIGTERM and waits for the exit; returns the exit code, empty if it had to be killed. */
    Optional<Integer> stop();

    /** The running (or last) relay process, for its log. */
    LabProcess process();
}
