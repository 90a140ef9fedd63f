package org.jmiredo.server.netlink;

import static org.jmiredo.server.netlink.RtnetlinkConstants.IFA_F_NODAD;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFF_MULTICAST;
import static org.jmiredo.server.netlink.RtnetlinkConstants.IFF_UP;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_CREATE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLM_F_EXCL;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_DELADDR;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_DELROUTE;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_NEWADDR;
import static org.jmiredo.server.netlink.RtnetlinkConstants.RTM_NEWROUTE;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.server.sys.Errno;
import org.jmiredo.server.sys.NativeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Teredo client's tunnel interface: at start only the link, up with its MTU; while qualified the Teredo
 * address as a /32 (the kernel then routes the Teredo prefix into the tunnel, as Miredo's client hook does)
 * and, unless turned off, a default route ::/0 into it of metric {@value #DEFAULT_ROUTE_METRIC}, beneath any
 * native one (as Miredo's); both withdrawn when the client is not qualified, so
 * that nothing is routed into a tunnel that cannot carry it. Address changes (a new NAT mapping) swap the
 * address. Calls block on rtnetlink: not on an event loop.
 */
public final class ClientInterface implements ClientTunnelInterface {
    private static final Logger LOG = LoggerFactory.getLogger(ClientInterface.class);
    private static final Inet6Address ANY = anyAddress();
    /** The client's address as a /32: its prefix route is the Teredo prefix's (RFC 4380 §2.6). */
    static final int ADDRESS_PREFIX_LENGTH = 32;
    /**
     * The default route's metric, Miredo's (its client hook's METRIC): above the 1024 the kernel gives routes
     * without one (those of RAs, of ip route add), so a native default route wins whenever there is one, added
     * before or after ours (R-3.2.1-lastresort), and ours takes over when it goes.
     */
    static final int DEFAULT_ROUTE_METRIC = 1029;

    private final boolean defaultRoute;
    private final RtnetlinkConfigurator.SocketOpener opener;
    private String name;
    private int index;
    /** The link's MTU as last set: tun.mtu at start, then the RA's (bounded by the daemon). */
    private int mtu;

    private Inet6Address assigned;
    private boolean routeAdded;

    /** @param defaultRoute whether a qualified client routes ::/0 into the tunnel (Miredo's client does) */
    public ClientInterface(boolean defaultRoute) {
        this(defaultRoute, org.jmiredo.server.sys.NetlinkSocket::openRoute);
    }

    /** With rtnetlink sockets from {@code opener}: a test's namespace. */
    ClientInterface(boolean defaultRoute, RtnetlinkConfigurator.SocketOpener opener) {
        this.defaultRoute = defaultRoute;
        this.opener = opener;
    }

    @Override
    public synchronized ConfiguredInterface configure(TunnelInterfaceSpec spec) throws InterfaceConfigException {
        try (RtnetlinkSession rt = open()) {
            LinkState link = rt.link(spec.name());
            String step = "set link " + spec.name() + " mtu " + spec.mtu() + " multicast off up";
            NetlinkAck ack = rt.setLink(link.index(), spec.mtu(), -1, IFF_UP, IFF_UP | IFF_MULTICAST, step);
            if (!ack.ok()) {
                throw RtnetlinkSession.failed(step, ack);
            }
            name = spec.name();
            index = link.index();
            mtu = spec.mtu();
        }
        return this::withdraw; // the device goes with the process; the default route with it
    }

    @Override
    public String role() {
        return "client";
    }

    @Override
    public String routing(TunnelInterfaceSpec spec) {
        return "the Teredo address" + (defaultRoute ? " and a default route" : "") + " while qualified";
    }

    /**
     * Puts {@code address} on the interface in place of the previous one, and the default route, and gives the
     * link {@code linkMtu} (the RA's MTU option, Miredo's "New Teredo address/MTU").
     */
    @Override
    public synchronized void assign(Inet6Address address, int linkMtu) throws InterfaceConfigException {
        try (RtnetlinkSession rt = open()) {
            if (linkMtu != mtu) {
                String step = "set link " + name + " mtu " + linkMtu;
                NetlinkAck ack = rt.setLink(index, linkMtu, -1, 0, 0, step);
                if (!ack.ok()) {
                    throw RtnetlinkSession.failed(step, ack);
                }
                mtu = linkMtu;
            }
            if (!address.equals(assigned)) {
                removeAddress(rt);
                addAddress(rt, address, 0);
                assigned = address;
            }
            // Also for the address in place: a retry after the route failed must add the route.
            if (defaultRoute && !routeAdded) {
                String route = "add route ::/0 dev " + name + " metric " + DEFAULT_ROUTE_METRIC;
                NetlinkAck added =
                        rt.route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, ANY, 0, index, DEFAULT_ROUTE_METRIC, route);
                if (added.ok()) {
                    routeAdded = true;
                } else if (added.errno() == Errno.EEXIST) { // another Teredo client's, most likely
                    LOG.warn(
                            "a default IPv6 route of metric {} exists already: kept, and the Teredo tunnel gets none",
                            DEFAULT_ROUTE_METRIC);
                } else {
                    throw RtnetlinkSession.failed(route, added);
                }
            }
        }
    }

    /** Takes the address and the default route off again (not qualified, or stopping). Never throws. */
    @Override
    public synchronized void withdraw() {
        if (name == null) {
            return;
        }
        try (RtnetlinkSession rt = open()) {
            if (routeAdded) {
                routeAdded = false;
                rt.route(
                        RTM_DELROUTE,
                        0,
                        ANY,
                        0,
                        index,
                        DEFAULT_ROUTE_METRIC,
                        "delete route ::/0 dev " + name + " metric " + DEFAULT_ROUTE_METRIC);
            }
            removeAddress(rt);
        } catch (InterfaceConfigException | RuntimeException e) {
            LOG.warn("cannot take the Teredo address off {}: {}", name, e.getMessage());
        }
    }

    /** Adds the address unless it is there; {@code flags} NLM_F_EXCL or 0. Returns whether it was added. */
    private boolean addAddress(RtnetlinkSession rt, Inet6Address address, int flags) throws InterfaceConfigException {
        String step = "add address " + Ipv6Text.format(address) + "/" + ADDRESS_PREFIX_LENGTH + " to " + name;
        NetlinkAck ack =
                rt.address(RTM_NEWADDR, NLM_F_CREATE | flags, address, ADDRESS_PREFIX_LENGTH, IFA_F_NODAD, index, step);
        if (!ack.ok() && ack.errno() != Errno.EEXIST) {
            throw RtnetlinkSession.failed(step, ack);
        }
        return ack.ok();
    }

    private void removeAddress(RtnetlinkSession rt) throws InterfaceConfigException {
        if (assigned != null) {
            Inet6Address old = assigned;
            assigned = null;
            rt.address(
                    RTM_DELADDR,
                    0,
                    old,
                    ADDRESS_PREFIX_LENGTH,
                    0,
                    index,
                    "delete address " + Ipv6Text.format(old) + " from " + name);
        }
    }

    @Override
    public List<String> checkHostSetup(TunnelInterfaceSpec spec, int attachedQueues) {
        throw new UnsupportedOperationException("the client creates its own tunnel (no tun.persistent)");
    }

    /**
     * Puts back what the kernel took while the client is qualified: setting the link down and up (or deleting
     * the address) removes the address, its route for the Teredo prefix and the default route, and nothing
     * else would bring them back before the next new mapping. Checked by the transport's tunnel watch.
     */
    @Override
    public synchronized Restoration restore(TunnelInterfaceSpec spec) throws InterfaceConfigException {
        try (RtnetlinkSession rt = open()) {
            if (!rt.link(spec.name()).up()) {
                return new Restoration(false, List.of());
            }
            List<String> restored = new ArrayList<>(2);
            // Its local route first (the common case, all in place, costs one lookup); that route follows a new
            // address by a few milliseconds, so an exclusive add then tells whether the address itself is there.
            if (assigned != null
                    && rt.routeTo(assigned, index).filter(RouteEntry::local).isEmpty()
                    && addAddress(rt, assigned, NLM_F_EXCL)) {
                restored.add("address " + Ipv6Text.format(assigned) + "/" + ADDRESS_PREFIX_LENGTH);
            }
            if (routeAdded) {
                String step = "add route ::/0 dev " + name + " metric " + DEFAULT_ROUTE_METRIC;
                NetlinkAck added =
                        rt.route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, ANY, 0, index, DEFAULT_ROUTE_METRIC, step);
                if (added.ok()) {
                    restored.add("default route");
                } else if (added.errno() != Errno.EEXIST) {
                    throw RtnetlinkSession.failed(step, added);
                }
            }
            return new Restoration(true, restored);
        }
    }

    @Override
    public boolean serving(TunnelInterfaceSpec spec) throws InterfaceConfigException {
        try (RtnetlinkSession rt = open()) {
            return rt.link(spec.name()).up();
        }
    }

    private RtnetlinkSession open() throws InterfaceConfigException {
        try {
            return new RtnetlinkSession(opener.open());
        } catch (NativeException e) {
            throw new InterfaceConfigException(e.getMessage(), e);
        }
    }

    private static Inet6Address anyAddress() {
        try {
            return (Inet6Address) Inet6Address.getByAddress(null, new byte[16], -1);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
