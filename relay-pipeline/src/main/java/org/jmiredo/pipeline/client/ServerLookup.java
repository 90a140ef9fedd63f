package org.jmiredo.pipeline.client;

/**
 * Looks the Teredo server's host name up again after a failed round, as Miredo does when it loses its server: a
 * server moved to another IPv4 under the same name is found without a restart. The lookup blocks (DNS), so it never
 * runs on the event loop.
 */
@FunctionalInterface
public interface ServerLookup {
    /** What a lookup found, handed over on the lookup's own thread. */
    @FunctionalInterface
    interface Found {
        /** The primary and secondary IPv4 (network order) the names give now; 0, 0 when the lookup failed. */
        void addresses(int primary, int secondary);
    }

    /** Starts a lookup off the calling thread; {@code found} is called once, when it ends. */
    void lookUp(Found found);
}
