package org.jmiredo.server.tun.bsd;

import java.net.Inet6Address;
import java.util.List;
import org.jmiredo.server.netlink.Ipv6Text;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;

/**
 * The commands that set up a relay's tunnel interface on a BSD or macOS, and undo it: what Miredo's relay gives
 * its interface on Linux ({@link TunnelInterfaceSpec}: the link-local address fe80::ffff:ffff:ffff/64, the MTU,
 * up, the Teredo prefix routed into it), in the forms of each system's ifconfig(8) and route(8). A pure function
 * of the spec and the flavor, so that the tests check it; no test here runs it (there is no BSD to run it on).
 */
final class BsdInterfacePlan {
    static final String IFCONFIG = "/sbin/ifconfig";
    static final String ROUTE = "/sbin/route";

    private BsdInterfacePlan() {}

    /** {@code ifconfig tun0 name teredo}: FreeBSD and DragonFly rename a tunnel (SIOCSIFNAME). */
    static List<String> rename(String kernelName, String name) {
        return List.of(IFCONFIG, kernelName, "name", name);
    }

    /** In order: the link-local address, MTU and up, the prefix's route. */
    static List<List<String>> configure(BsdFlavor flavor, TunnelInterfaceSpec spec) {
        String name = spec.name();
        return List.of(
                List.of(
                        IFCONFIG,
                        name,
                        "inet6",
                        scoped(spec),
                        "prefixlen",
                        Integer.toString(TunnelInterfaceSpec.LINK_LOCAL_PREFIX_LENGTH),
                        "alias"),
                List.of(IFCONFIG, name, "mtu", Integer.toString(spec.mtu()), "up"),
                route(flavor, spec, "add"));
    }

    /** In the reverse order of {@link #configure}: the route, then the address (the device then goes). */
    static List<List<String>> undo(BsdFlavor flavor, TunnelInterfaceSpec spec) {
        return List.of(route(flavor, spec, "delete"), List.of(IFCONFIG, spec.name(), "inet6", scoped(spec), "-alias"));
    }

    /**
     * {@code ifconfig tun0 destroy}: a tun interface that opening a device node created outlives the fd on
     * FreeBSD, DragonFly, NetBSD and OpenBSD; a utun goes with its socket (none).
     */
    static List<List<String>> destroy(BsdFlavor flavor, String name) {
        return flavor == BsdFlavor.DARWIN ? List.of() : List.of(List.of(IFCONFIG, name, "destroy"));
    }

    /** The client's link: its MTU, up (its address comes with the qualification). */
    static List<String> link(String name, int mtu) {
        return List.of(IFCONFIG, name, "mtu", Integer.toString(mtu), "up");
    }

    /** The client's MTU, as its server's RA gives it. */
    static List<String> mtu(String name, int mtu) {
        return List.of(IFCONFIG, name, "mtu", Integer.toString(mtu));
    }

    /** The client's Teredo address as a /32: the kernel then routes the Teredo prefix into the tunnel. */
    static List<String> addAddress(String name, Inet6Address address, int prefixLength) {
        return List.of(
                IFCONFIG,
                name,
                "inet6",
                Ipv6Text.format(address),
                "prefixlen",
                Integer.toString(prefixLength),
                "alias");
    }

    static List<String> removeAddress(String name, Inet6Address address) {
        return List.of(IFCONFIG, name, "inet6", Ipv6Text.format(address), "-alias");
    }

    /** The client's default route into the tunnel (a BSD has one default route per family: no metric). */
    static List<String> addDefaultRoute(String name) {
        return List.of(ROUTE, "-n", "add", "-inet6", "default", "-interface", name);
    }

    static List<String> deleteDefaultRoute() {
        return List.of(ROUTE, "-n", "delete", "-inet6", "default");
    }

    // route(8): "-interface" makes the route direct (no gateway); FreeBSD, DragonFly and macOS take the interface's
    // name as its argument, NetBSD an address of ours on it, OpenBSD spells it "-iface" and takes an address too.
    private static List<String> route(BsdFlavor flavor, TunnelInterfaceSpec spec, String verb) {
        String prefix = beforeSlash(spec.prefixText());
        String length = Integer.toString(spec.prefixLength());
        if (verb.equals("delete")) {
            return List.of(ROUTE, "-n", verb, "-inet6", prefix, "-prefixlen", length);
        }
        return switch (flavor) {
            case FREEBSD, DRAGONFLY, DARWIN ->
                List.of(ROUTE, "-n", verb, "-inet6", prefix, "-prefixlen", length, "-interface", spec.name());
            case NETBSD ->
                List.of(ROUTE, "-n", verb, "-inet6", prefix, "-prefixlen", length, "-interface", scoped(spec));
            case OPENBSD -> List.of(ROUTE, "-n", verb, "-inet6", prefix, "-prefixlen", length, "-iface", scoped(spec));
        };
    }

    // A link-local address names its interface (RFC 4007 §11's "%zone" text form, which every ifconfig takes).
    private static String scoped(TunnelInterfaceSpec spec) {
        return beforeSlash(spec.linkLocalText()) + "%" + spec.name();
    }

    private static String beforeSlash(String cidr) {
        return cidr.substring(0, cidr.indexOf('/'));
    }
}
