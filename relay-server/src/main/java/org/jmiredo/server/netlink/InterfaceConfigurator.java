package org.jmiredo.server.netlink;

/**
 * Sets up the tunnel interface: link up with its MTU, the link-local address, the route for the Teredo prefix.
 * Implemented with iproute2 ({@link IpRoute2Configurator}); an rtnetlink implementation could replace it.
 */
public interface InterfaceConfigurator {
    /**
     * Applies {@code spec} to an existing interface.
     *
     * @return what undoes the address and route this call added (nothing it found already there)
     * @throws InterfaceConfigException if a step failed; the steps done before it are undone first
     */
    ConfiguredInterface configure(TunnelInterfaceSpec spec) throws InterfaceConfigException;

    /** Undoes one {@link #configure}; never throws, and tolerates the interface being gone already. */
    @FunctionalInterface
    interface ConfiguredInterface extends AutoCloseable {
        @Override
        void close();
    }
}
