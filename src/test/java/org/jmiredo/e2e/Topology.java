package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jmiredo.e2e.lab.Netns;

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
            new Link(Host.SRV, IF_V4, BR_V4),
            new Link(Host.SRV, IF_V6, BR_V6),
            new Link(Host.RLY, IF_V4, BR_V4),
            new Link(Host.RLY, IF_V6, BR_V6),
            new Link(Host.V6, IF_V6, BR_V6),
            new Link(Host.NAT, IF_V4, BR_V4),
            new Link(Host.NAT, IF_LAN, BR_LAN),
            new Link(Host.LAN, IF_LAN, BR_LAN),
            new Link(Host.CLI, IF_V4, BR_V4));

    private final Map<Host, Netns> ns;
    private final NatKind nat;

    /** {@code ns}: one fresh namespace per host, loopback up (made by the lab's run). */
    Topology(Map<Host, Netns> ns, NatKind nat) {
        this.ns = ns;
        this.nat = nat;
    }

    void build() {
        for (Host host : Host.values()) {
            configureNamespace(host);
        }
        createBridges();
        for (Link link : LINKS) {
            createLink(link);
        }
        addressAndRoute();
        ns(Host.NAT).exec(nat.postrouting(IF_V4)).check();
        NatCounters.install(ns(Host.NAT));
    }

    private void configureNamespace(Host host) {
        ns(host).noDad();
        switch (host) {
            // The hub only bridges: no addresses, no neighbour discovery or MLD of its own.
            case HUB -> ns(host).sysctl("net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            case RLY -> ns(host).sysctl("net.ipv6.conf.all.forwarding=1");
            case NAT -> ns(host).sysctl("net.ipv4.ip_forward=1");
            default -> {}
        }
    }

    private void createBridges() {
        for (String bridge : List.of(BR_V4, BR_V6, BR_LAN)) {
            ns(Host.HUB).addBridge(bridge);
        }
    }

    private void createLink(Link link) {
        ns(Host.HUB).plug(link.hubPort(), link.bridge(), ns(link.host()), link.inner());
    }

    private void addressAndRoute() {
        v4(Host.SRV, IF_V4, SERVER_PRIMARY);
        v4(Host.SRV, IF_V4, SERVER_SECONDARY);
        v6(Host.SRV, SERVER_V6);
        // Echo replies provoked by the server's relay discovery go to Teredo addresses via the relay.
        ns(Host.SRV).addRoute(TEREDO_PREFIX, RELAY_V6);

        v4(Host.RLY, IF_V4, RELAY_V4);
        v6(Host.RLY, RELAY_V6);

        v6(Host.V6, NATIVE_HOST);
        ns(Host.V6).addRoute(TEREDO_PREFIX, RELAY_V6);

        v4(Host.NAT, IF_V4, NAT_OUTSIDE);
        v4(Host.NAT, IF_LAN, NAT_INSIDE);
        v4(Host.LAN, IF_LAN, LAN_CLIENT);
        // The LAN's default route ends at the NAT, which has none: nothing leaves the lab.
        ns(Host.LAN).addRoute("default", NAT_INSIDE);

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
        ns(from).awaitReach(to, timeout);
    }

    private void v4(Host host, String device, String address) {
        ns(host).addAddress(device, address + V4_PREFIX_LEN);
    }

    private void v6(Host host, String address) {
        ns(host).addAddress6(IF_V6, address + V6_PREFIX_LEN);
    }

    private Netns ns(Host host) {
        return ns.get(host);
    }
}
