package org.jmiredo.server.netlink;

import java.net.Inet6Address;

/**
 * The Teredo client's tunnel interface: set up at start by {@link #configure} (the link only), then given the
 * client's address and routes while it is qualified, and stripped of them when it is not. On Linux through
 * rtnetlink ({@link ClientInterface}), on the BSDs and macOS with ifconfig and route
 * ({@code tun.bsd.BsdClientInterface}). Calls block: not on an event loop.
 */
public interface ClientTunnelInterface extends InterfaceConfigurator {
    /**
     * Puts {@code address} on the interface in place of the previous one, with the default route unless it is
     * turned off, and gives the link {@code linkMtu} (the RA's MTU option, Miredo's "New Teredo address/MTU").
     */
    void assign(Inet6Address address, int linkMtu) throws InterfaceConfigException;

    /** Takes the address and the default route off again (not qualified, or stopping). Never throws. */
    void withdraw();
}
