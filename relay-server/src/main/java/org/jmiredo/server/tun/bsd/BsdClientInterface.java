package org.jmiredo.server.tun.bsd;

import java.io.IOException;
import java.net.Inet6Address;
import java.util.List;
import org.jmiredo.server.netlink.ClientTunnelInterface;
import org.jmiredo.server.netlink.InterfaceConfigException;
import org.jmiredo.server.netlink.Ipv6Text;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Teredo client's tunnel interface on a BSD or macOS, with the system's ifconfig and route
 * ({@link BsdInterfacePlan}), doing what the Linux client's does through rtnetlink: at start the link, up with its
 * MTU; while qualified the Teredo address as a /32 and, unless turned off, a default route into the tunnel; both
 * withdrawn when the client is not qualified. A BSD has no route metric: where a native default route exists the
 * tunnel's cannot be added, and the client says so once per attempt and carries on without it (on Linux the
 * tunnel's sits beneath the native one, metric 1029). Nothing is watched or put back (no tunnel watch there).
 */
public final class BsdClientInterface implements ClientTunnelInterface {
    private static final Logger LOG = LoggerFactory.getLogger(BsdClientInterface.class);
    /** The client's address as a /32, as on Linux: its prefix route is the Teredo prefix's (RFC 4380 §2.6). */
    static final int ADDRESS_PREFIX_LENGTH = 32;

    private final BsdFlavor flavor;
    private final Commands commands;
    private final boolean defaultRoute;
    private String name;
    private int mtu;
    private Inet6Address assigned;
    private boolean routeAdded;

    /** @param defaultRoute whether a qualified client routes the default into the tunnel (Miredo's client does) */
    public BsdClientInterface(BsdFlavor flavor, Commands commands, boolean defaultRoute) {
        this.flavor = flavor;
        this.commands = commands;
        this.defaultRoute = defaultRoute;
    }

    @Override
    public synchronized ConfiguredInterface configure(TunnelInterfaceSpec spec) throws InterfaceConfigException {
        run(BsdInterfacePlan.link(spec.name(), spec.mtu()));
        name = spec.name();
        mtu = spec.mtu();
        return this::withdraw; // the interface goes with the tunnel (BsdTunDevice's close)
    }

    @Override
    public String role() {
        return "client";
    }

    @Override
    public String routing(TunnelInterfaceSpec spec) {
        return "the Teredo address" + (defaultRoute ? " and a default route" : "") + " while qualified ("
                + flavor.label() + " ifconfig/route)";
    }

    @Override
    public synchronized void assign(Inet6Address address, int linkMtu) throws InterfaceConfigException {
        if (linkMtu != mtu) {
            run(BsdInterfacePlan.mtu(name, linkMtu));
            mtu = linkMtu;
        }
        if (!address.equals(assigned)) {
            removeAddress();
            run(BsdInterfacePlan.addAddress(name, address, ADDRESS_PREFIX_LENGTH));
            assigned = address;
        }
        if (defaultRoute && !routeAdded) {
            try {
                commands.run(BsdInterfacePlan.addDefaultRoute(name));
                routeAdded = true;
            } catch (IOException e) {
                LOG.warn(
                        "no default IPv6 route into the Teredo tunnel {} (a native one exists?): {}",
                        name,
                        e.getMessage());
            }
        }
    }

    @Override
    public synchronized void withdraw() {
        if (name == null) {
            return;
        }
        if (routeAdded) {
            routeAdded = false;
            quietly(BsdInterfacePlan.deleteDefaultRoute());
        }
        removeAddress();
    }

    private void removeAddress() {
        if (assigned != null) {
            Inet6Address old = assigned;
            assigned = null;
            quietly(BsdInterfacePlan.removeAddress(name, old));
        }
    }

    private void run(List<String> argv) throws InterfaceConfigException {
        try {
            commands.run(argv);
        } catch (IOException e) {
            throw new InterfaceConfigException("cannot set up the Teredo tunnel " + name + ": " + e.getMessage(), e);
        }
    }

    private void quietly(List<String> argv) {
        try {
            commands.run(argv);
        } catch (IOException e) {
            LOG.warn("cannot take the Teredo address or route off {}: {}", name, e.getMessage());
        }
    }

    @Override
    public List<String> checkHostSetup(TunnelInterfaceSpec spec, int attachedQueues) {
        throw new UnsupportedOperationException("the client creates its own tunnel (no tun.persistent)");
    }

    /** Nothing is watched on the BSDs: reports the link up and nothing put back. */
    @Override
    public Restoration restore(TunnelInterfaceSpec spec) {
        return new Restoration(true, List.of());
    }

    @Override
    public boolean serving(TunnelInterfaceSpec spec) {
        return true;
    }

    @Override
    public String toString() {
        return "BsdClientInterface(" + name + ", " + flavor.label() + ", "
                + (assigned == null ? "no address" : Ipv6Text.format(assigned)) + ")";
    }
}
