package org.jmiredo.e2e;

import static org.jmiredo.e2e.LabNet.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Wires the LAB.md topology: one namespace per {@link Host}, one veth per segment whose outer end
 * sits on a bridge in the hub namespace. Nothing touches the root namespace, so no lab packet can
 * leave the machine (LAB.md traffic rules).
 */
final class Topology {

    /** One veth: its inner end {@code inner} in {@code host}, its outer end on {@code bridge}. */
    private record Link(Host host, String inner, String bridge) {
        String hubPort() {
            return host.id() + "-" + inner.substring(3);
        }
    }

    private static final List<Link> LINKS = List.of(
            new Link(Host.SRV, IF_V4, BR_V4), new Link(Host.SRV, IF_V6, BR_V6),
            new Link(Host.RLY, IF_V4, BR_V4), new Link(Host.RLY, IF_V6, BR_V6),
            new Link(Host.V6, IF_V6, BR_V6),
            new Link(Host.NAT, IF_V4, BR_V4), new Link(Host.NAT, IF_LAN, BR_LAN),
            new Link(Host.LAN, IF_LAN, BR_LAN),
            new Link(Host.CLI, IF_V4, BR_V4));

    private final Map<Host, Netns> ns;
    private final Shell shell;

    Topology(Map<Host, Netns> ns, Shell shell) {
        this.ns = ns;
        this.shell = shell;
    }

    void build() {
        for (Host host : Host.values()) {
            createNamespace(host);
        }
        createBridges();
        for (Link link : LINKS) {
            createLink(link);
        }
        addressAndRoute();
        ns(Host.NAT).exec("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", IF_V4, "-j", "MASQUERADE").check();
        NatCounters.install(ns(Host.NAT));
    }

    private void createNamespace(Host host) {
        shell.check("ip", "netns", "add", ns(host).name());
        ns(host).ip("link", "set", "lo", "up");
        // Duplicate address detection would hold new IPv6 addresses (the Teredo ones too) tentative
        // for about a second and lose the first packets (LAB.md); "default" covers later links.
        ns(host).sysctl("net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        switch (host) {
            // The hub only bridges: no addresses, no neighbour discovery or MLD of its own.
            case HUB -> ns(host).sysctl("net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            case RLY -> ns(host).sysctl("net.ipv6.conf.all.forwarding=1");
            case NAT -> ns(host).sysctl("net.ipv4.ip_forward=1");
            default -> { }
        }
    }

    private void createBridges() {
        for (String bridge : List.of(BR_V4, BR_V6, BR_LAN)) {
            // No multicast snooping: without an MLD querier it could starve neighbour discovery.
            ns(Host.HUB).ip("link", "add", bridge, "type", "bridge", "forward_delay", "0", "mcast_snooping", "0");
            ns(Host.HUB).ip("link", "set", bridge, "up");
        }
    }

    private void createLink(Link link) {
        Netns hub = ns(Host.HUB);
        hub.ip("link", "add", link.hubPort(), "type", "veth", "peer", "name", link.inner(), "netns", ns(link.host()).name());
        hub.ip("link", "set", link.hubPort(), "master", link.bridge(), "up");
        ns(link.host()).ip("link", "set", link.inner(), "up");
    }

    private void addressAndRoute() {
        v4(Host.SRV, IF_V4, SERVER_PRIMARY);
        v4(Host.SRV, IF_V4, SERVER_SECONDARY);
        v6(Host.SRV, SERVER_V6);
        // Echo replies provoked by the server's relay discovery go to Teredo addresses via the relay.
        ns(Host.SRV).ip("-6", "route", "add", TEREDO_PREFIX, "via", RELAY_V6);

        v4(Host.RLY, IF_V4, RELAY_V4);
        v6(Host.RLY, RELAY_V6);

        v6(Host.V6, NATIVE_HOST);
        ns(Host.V6).ip("-6", "route", "add", TEREDO_PREFIX, "via", RELAY_V6);

        v4(Host.NAT, IF_V4, NAT_OUTSIDE);
        v4(Host.NAT, IF_LAN, NAT_INSIDE);
        v4(Host.LAN, IF_LAN, LAN_CLIENT);
        // The LAN's default route ends at the NAT, which has none: nothing leaves the lab.
        ns(Host.LAN).ip("route", "add", "default", "via", NAT_INSIDE);

        v4(Host.CLI, IF_V4, PUBLIC_CLIENT);
    }

    /** Proves the plain IPv4/IPv6 plumbing before any Teredo process starts. */
    void verify(Duration timeout) {
        reach(Host.LAN, SERVER_PRIMARY, timeout);
        reach(Host.CLI, RELAY_V4, timeout);
        reach(Host.V6, RELAY_V6, timeout);
        reach(Host.SRV, NATIVE_HOST, timeout);
    }

    private void reach(Host from, String to, Duration timeout) {
        Poll.until(from.id() + " to reach " + to, timeout,
                () -> ns(from).exec("ping", "-n", "-q", "-c", "1", "-W", "1", to).ok());
    }

    private void v4(Host host, String device, String address) {
        ns(host).ip("addr", "add", address + V4_PREFIX_LEN, "dev", device);
    }

    private void v6(Host host, String address) {
        ns(host).ip("-6", "addr", "add", address + V6_PREFIX_LEN, "dev", IF_V6, "nodad");
    }

    private Netns ns(Host host) {
        return ns.get(host);
    }
}
