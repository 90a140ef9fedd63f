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

    /**
     * Checks, without changing anything, an interface the host created and configured
     * ({@code jmiredo.tun.persistent}), after this process attached {@code attachedQueues} queues to it.
     *
     * @return what is wrong but not fatal, one line each, for the log (no route for the prefix, another MTU)
     * @throws InterfaceConfigException if the interface is down, or has queues of another process attached
     */
    List<String> checkHostSetup(TunnelInterfaceSpec spec, int attachedQueues) throws InterfaceConfigException;

    /** Undoes one {@link #configure}; never throws, and tolerates the interface being gone already. */
    @FunctionalInterface
    interface ConfiguredInterface extends AutoCloseable {
        @Override
        void close();
    }
}
