package org.jmiredo.server.netlink;

import java.util.List;

/**
 * Sets up the tunnel interface: link up with its MTU (and txqueuelen), the link-local address, the route for the
 * Teredo prefix; or, for a persistent device the host set up, only checks it.
 * Implemented over rtnetlink ({@link RtnetlinkConfigurator}); the BSDs will need their own.
 */
public interface InterfaceConfigurator {
    /**
     * Applies {@code spec} to an existing interface.
     *
     * @return what undoes the address and route this call added (nothing it found already there) and puts the
     *     link's MTU, txqueuelen and multicast flag back
     * @throws InterfaceConfigException if a step failed; the steps done before it are undone first
     */
    ConfiguredInterface configure(TunnelInterfaceSpec spec) throws InterfaceConfigException;

    /** The daemon whose tunnel this is, for the log: "relay". */
    default String role() {
        return "relay";
    }

    /** What {@link #configure} and {@link #restore} route into the tunnel, for the log: "route 2001::/32". */
    default String routing(TunnelInterfaceSpec spec) {
        return "route " + spec.prefixText();
    }

    /**
     * Checks, without changing anything, an interface the host created and configured
     * ({@code jmiredo.tun.persistent}), after this process attached {@code attachedQueues} queues to it.
     *
     * @return what is wrong but not fatal, one line each, for the log (no route for the prefix, another MTU)
     * @throws InterfaceConfigException if the interface is down, or has queues of another process attached
     */
    List<String> checkHostSetup(TunnelInterfaceSpec spec, int attachedQueues) throws InterfaceConfigException;

    /**
     * Puts back, on an interface {@link #configure} set up, the address and the route for the prefix if they are
     * gone: the kernel deletes both when the link is set down, and setting it up again does not bring them back.
     * Changes nothing while the link is down (someone took it down), nor where a route for the prefix exists.
     *
     * @throws InterfaceConfigException if the interface cannot be read (gone) or a step failed
     */
    Restoration restore(TunnelInterfaceSpec spec) throws InterfaceConfigException;

    /**
     * Whether a host's interface ({@code jmiredo.tun.persistent}) serves: its link is up and the kernel routes the
     * prefix into it. Only reads, a lookup rather than a dump, so it costs the same on a host with a full table.
     *
     * @throws InterfaceConfigException if the interface cannot be read (gone)
     */
    boolean serving(TunnelInterfaceSpec spec) throws InterfaceConfigException;

    /**
     * What {@link #restore} found and did.
     *
     * @param linkUp whether the link is up (when it is not, nothing was done)
     * @param restored what was put back, one phrase each ("route 2001::/32"); empty when all was in place
     */
    record Restoration(boolean linkUp, List<String> restored) {
        public Restoration {
            restored = List.copyOf(restored);
        }
    }

    /** Undoes one {@link #configure}; never throws, and tolerates the interface being gone already. */
    @FunctionalInterface
    interface ConfiguredInterface extends AutoCloseable {
        @Override
        void close();
    }
}
