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
import static org.jmiredo.server.netlink.RtnetlinkConstants.RT_TABLE_MAIN;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.server.sys.Errno;
import org.jmiredo.server.sys.NativeException;
import org.jmiredo.server.sys.NetlinkSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InterfaceConfigurator} over rtnetlink (rtnetlink(7)), through one netlink socket per call: what
 * {@code ip} would do, without forking it (3 forks cost 100 to 370 ms of the start-up's wall time on a busy
 * host, BENCHMARKS.md "Startup: where the time goes"). Errors keep what made {@code ip} worth its cost: they
 * name the step and the interface and carry the kernel's answer as iproute2 prints it ("RTNETLINK answers:
 * File exists"), the words an operator searches for.
 *
 * <p>Steps, as Miredo's relay leaves its interface: the link's MTU, its txqueuelen when the spec asks for one
 * (Miredo keeps the kernel's), IFF_UP set and IFF_MULTICAST cleared (the kernel then sends no MLD reports into
 * the tunnel); the address fe80::ffff:ffff:ffff/64 with IFA_F_NODAD (nothing else is on a point-to-point tunnel,
 * and duplicate address detection would keep it tentative for a second); the route for the Teredo prefix into
 * the interface, created exclusively. A route already there is an error (another relay owns the prefix); an
 * address already there is kept, and left alone by the undo. The undo deletes the route and the address it
 * added and puts the link's MTU, txqueuelen and multicast flag back as it found them; it leaves the link up, as
 * taking it down would make the kernel drop every IPv6 address on it, the host's too (keep_addr_on_down is 0 by
 * default).
 *
 * <p>{@link #checkHostSetup} only reads (RTM_GETLINK, a dump of the IPv6 routes), which needs no privileges.
 */
public final class RtnetlinkConfigurator implements InterfaceConfigurator {
    private static final Logger LOG = LoggerFactory.getLogger(RtnetlinkConfigurator.class);

    /** Where {@code ip netns add} binds its namespaces. */
    private static final Path NETNS_DIR = Path.of("/var/run/netns");

    /** Opens the socket, in the namespace the interface lives in. */
    @FunctionalInterface
    interface SocketOpener {
        NetlinkSocket open() throws NativeException;
    }

    /** The longest wait for the address to become usable; in practice it takes 0 to 5 ms. */
    private static final Duration ADDRESS_WAIT = Duration.ofSeconds(1);

    private final SocketOpener opener;

    /** Configures interfaces in this process's network namespace. */
    public RtnetlinkConfigurator() {
        this(NetlinkSocket::openRoute);
    }

    RtnetlinkConfigurator(SocketOpener opener) {
        this.opener = opener;
    }

    /** Configures interfaces in the named network namespace ({@code ip netns add NAME}), e.g. a test's. */
    public static RtnetlinkConfigurator inNamespace(String name) {
        Path netns = NETNS_DIR.resolve(name);
        return new RtnetlinkConfigurator(() -> NetlinkSocket.openRouteIn(netns));
    }

    @Override
    public ConfiguredInterface configure(TunnelInterfaceSpec spec) throws InterfaceConfigException {
        String dev = spec.name();
        LinkState found;
        boolean addressAdded = false;
        try (RtnetlinkSession rt = open()) {
            found = rt.link(dev);
            try {
                // The kernel resizes every attached queue's ring to the txqueuelen (tun.c, NETDEV_CHANGE_TX_QUEUE_LEN).
                int txQueueLength = spec.txQueueLength() > 0 ? spec.txQueueLength() : -1;
                String link = "set link " + dev + " mtu " + spec.mtu()
                        + (txQueueLength > 0 ? " txqueuelen " + txQueueLength : "") + " multicast off up";
                check(link, rt.setLink(found.index(), spec.mtu(), txQueueLength, IFF_UP, IFF_UP | IFF_MULTICAST, link));
                addressAdded = addAddress(rt, spec, found.index());
                awaitUsable(rt, spec, found.index());
                addRoute(rt, spec, found.index());
            } catch (InterfaceConfigException e) {
                undo(rt, spec, found, false, addressAdded);
                throw e;
            }
        }
        LOG.debug(
                "{}: mtu {}, txqueuelen {}, {}, route {}",
                dev,
                spec.mtu(),
                spec.txQueueLength() > 0 ? spec.txQueueLength() : "kept",
                spec.linkLocalText(),
                spec.prefixText());
        boolean added = addressAdded;
        return () -> {
            try (RtnetlinkSession rt = open()) {
                undo(rt, spec, found, true, added);
            } catch (InterfaceConfigException | RuntimeException e) {
                LOG.warn("cannot undo the set-up of {}: {}", dev, e.getMessage());
            }
        };
    }

    private static boolean addAddress(RtnetlinkSession rt, TunnelInterfaceSpec spec, int index)
            throws InterfaceConfigException {
        String step = "add address " + spec.linkLocalText() + " to " + spec.name();
        NetlinkAck ack = rt.address(
                RTM_NEWADDR,
                NLM_F_CREATE | NLM_F_EXCL,
                spec.linkLocal(),
                TunnelInterfaceSpec.LINK_LOCAL_PREFIX_LENGTH,
                IFA_F_NODAD,
                index,
                step);
        if (ack.errno() == Errno.EEXIST) {
            return false; // the host's (or a previous run's): kept, and kept at shutdown
        }
        check(step, ack);
        return true;
    }

    /*
     * The kernel inserts the address's local route (table local, the address/128) from a work queue after the
     * ACK (addrconf_dad_work, then ipv6_ifa_notify), even with IFA_F_NODAD: until then packets to the address
     * are dropped (Ip6InAddrErrors). ip's fork hid that; ready should mean usable, so wait until the kernel's
     * lookup gives the local route (0 to 5 ms here; a lookup, not a dump, which a full table would make long).
     */
    private static void awaitUsable(RtnetlinkSession rt, TunnelInterfaceSpec spec, int index)
            throws InterfaceConfigException {
        long deadline = System.nanoTime() + ADDRESS_WAIT.toNanos();
        for (int looks = 1; ; looks++) {
            if (rt.routeTo(spec.linkLocal(), index).filter(RouteEntry::local).isPresent()) {
                LOG.debug("{}: {} usable after {} look(s)", spec.name(), spec.linkLocalText(), looks);
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                LOG.warn(
                        "{}: no local route for {} after {} ms; packets to it are dropped until there is one",
                        spec.name(),
                        spec.linkLocalText(),
                        ADDRESS_WAIT.toMillis());
                return;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterfaceConfigException(
                        "interrupted while waiting for " + spec.linkLocalText() + " on " + spec.name(), e);
            }
        }
    }

    private static void addRoute(RtnetlinkSession rt, TunnelInterfaceSpec spec, int index)
            throws InterfaceConfigException {
        NetlinkAck ack = addRouteUnlessPresent(rt, spec, index);
        if (ack.errno() == Errno.EEXIST) {
            throw new InterfaceConfigException("a route for " + spec.prefixText()
                    + " already exists (another Teredo relay on this host?): " + ack.describe());
        }
    }

    /** Adds the route exclusively; EEXIST (a route for the prefix at the same metric, ours or not) is returned. */
    private static NetlinkAck addRouteUnlessPresent(RtnetlinkSession rt, TunnelInterfaceSpec spec, int index)
            throws InterfaceConfigException {
        String step = "add route " + spec.prefixText() + " dev " + spec.name();
        NetlinkAck ack =
                rt.route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, spec.prefix(), spec.prefixLength(), index, step);
        if (ack.errno() != Errno.EEXIST) {
            check(step, ack);
        }
        return ack;
    }

    /*
     * The address: a lookup of its local route first, since an exclusive add of an address that is there is not
     * free: the kernel answers EEXIST but sends MLD reports into the tunnel (seen as about 1.6 dropped multicast
     * packets per add). The route: an exclusive add, which finds a present route in one round trip and changes
     * nothing, where a dump of the routes would grow with the host's table (a full BGP table) at every check.
     */
    @Override
    public Restoration restore(TunnelInterfaceSpec spec) throws InterfaceConfigException {
        try (RtnetlinkSession rt = open()) {
            LinkState link = rt.link(spec.name());
            if (!link.up()) {
                return new Restoration(false, List.of());
            }
            List<String> restored = new ArrayList<>();
            boolean addressThere = rt.routeTo(spec.linkLocal(), link.index())
                    .filter(RouteEntry::local)
                    .isPresent();
            if (!addressThere && addAddress(rt, spec, link.index())) {
                awaitUsable(rt, spec, link.index());
                restored.add("address " + spec.linkLocalText());
            }
            if (addRouteUnlessPresent(rt, spec, link.index()).ok()) {
                restored.add("route " + spec.prefixText());
            }
            return new Restoration(true, restored);
        }
    }

    private static void check(String step, NetlinkAck ack) throws InterfaceConfigException {
        if (!ack.ok()) {
            throw RtnetlinkSession.failed(
                    step
                            + (ack.errno() == Errno.EPERM
                                    ? " (missing CAP_NET_ADMIN: run as root or grant CAP_NET_ADMIN)"
                                    : ""),
                    ack);
        }
    }

    // Never throws, and is quiet about what is gone already: the TUN (ENODEV; it took its address and route with
    // it; deleting the route then finds no route, ESRCH), the address (EADDRNOTAVAIL).
    private static void undo(
            RtnetlinkSession rt, TunnelInterfaceSpec spec, LinkState found, boolean routeAdded, boolean addressAdded) {
        String dev = spec.name();
        try {
            if (routeAdded) {
                String route = "delete route " + spec.prefixText() + " dev " + dev;
                quietly(route, rt.route(RTM_DELROUTE, 0, spec.prefix(), spec.prefixLength(), found.index(), route));
            }
            if (addressAdded) {
                String address = "delete address " + spec.linkLocalText() + " from " + dev;
                quietly(
                        address,
                        rt.address(
                                RTM_DELADDR,
                                0,
                                spec.linkLocal(),
                                TunnelInterfaceSpec.LINK_LOCAL_PREFIX_LENGTH,
                                0,
                                found.index(),
                                address));
            }
            String link = "restore link " + dev + " mtu " + found.mtu();
            int txQueueLength = spec.txQueueLength() > 0 ? found.txQueueLength() : -1;
            quietly(
                    link,
                    rt.setLink(
                            found.index(),
                            found.mtu(),
                            txQueueLength,
                            found.flags() & IFF_MULTICAST,
                            IFF_MULTICAST,
                            link));
        } catch (InterfaceConfigException e) {
            LOG.warn("cannot undo the set-up of {}: {}", dev, e.getMessage());
        }
    }

    private static void quietly(String step, NetlinkAck ack) {
        if (!ack.ok()
                && ack.errno() != Errno.ENODEV
                && ack.errno() != Errno.ESRCH
                && ack.errno() != Errno.EADDRNOTAVAIL) {
            LOG.warn("{}", RtnetlinkSession.failed(step, ack).getMessage());
        }
    }

    @Override
    public boolean serving(TunnelInterfaceSpec spec) throws InterfaceConfigException {
        try (RtnetlinkSession rt = open()) {
            LinkState link = rt.link(spec.name());
            // Output interface 0: the route any packet to the prefix takes, wherever it leads.
            return link.up()
                    && rt.routeTo(spec.prefix(), 0)
                            .filter(r -> r.outputIndex() == link.index())
                            .isPresent();
        }
    }

    /**
     * Fails if the link is down (nothing would be routed into it) or more queues are attached than ours
     * (another process, e.g. a second relay, would get part of the traffic: without IFF_TUN_EXCL the kernel
     * lets every owner's process attach). Warns of a missing route for the prefix in the main table (the host
     * may route it by policy rules instead), of an MTU other than the configured one, and of a txqueuelen
     * other than a configured one.
     */
    @Override
    public List<String> checkHostSetup(TunnelInterfaceSpec spec, int attachedQueues) throws InterfaceConfigException {
        String dev = spec.name();
        try (RtnetlinkSession rt = open()) {
            LinkState link = rt.link(dev);
            if (!link.up()) {
                throw new InterfaceConfigException("interface " + dev + " is down: with tun.persistent the host "
                        + "brings it up (ip link set dev " + dev + " mtu " + spec.mtu() + " up)");
            }
            if (link.tunQueues().isPresent() && link.tunQueues().getAsInt() > attachedQueues) {
                throw new InterfaceConfigException("interface " + dev + " has "
                        + link.tunQueues().getAsInt()
                        + " queues attached, " + attachedQueues + " of them ours: another process (a second relay?) "
                        + "uses it; stop it");
            }
            List<String> warnings = new ArrayList<>();
            if (link.mtu() != spec.mtu()) {
                warnings.add("interface " + dev + " has mtu " + link.mtu() + " but tun.mtu is " + spec.mtu()
                        + ": set both alike (the read buffers are sized for tun.mtu and grow when longer packets "
                        + "come)");
            }
            if (spec.txQueueLength() > 0 && link.txQueueLength() != spec.txQueueLength()) {
                warnings.add("interface " + dev + " has txqueuelen " + link.txQueueLength()
                        + " but tun.tx-queue-length is " + spec.txQueueLength() + ": the host sets it (ip link set dev "
                        + dev + " txqueuelen " + spec.txQueueLength() + ")");
            }
            byte[] prefix = spec.prefix().getAddress();
            if (rt.routes().stream().noneMatch(r -> r.is(RT_TABLE_MAIN, prefix, spec.prefixLength(), link.index()))) {
                warnings.add("no route for " + spec.prefixText() + " into " + dev + " in the main table: no IPv6 "
                        + "traffic reaches the relay until the host adds it (ip -6 route add " + spec.prefixText()
                        + " dev " + dev + ")");
            }
            return warnings;
        }
    }

    private RtnetlinkSession open() throws InterfaceConfigException {
        try {
            return new RtnetlinkSession(opener.open());
        } catch (NativeException e) {
            throw new InterfaceConfigException(e.getMessage(), e);
        }
    }
}
