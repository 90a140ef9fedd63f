package org.jmiredo.e2e.server;

import static org.jmiredo.e2e.server.ServerLab.*;

import java.time.Duration;
import java.util.List;
import org.jmiredo.e2e.server.ServerLab.Node;

/**
 * Wires the LAB.md topology for {@link ServerLab}: one namespace per node, one veth per segment whose
 * outer end sits on a bridge in the hub; no link to the root namespace, no default route off the lab.
 */
final class ServerTopology {
    private record Link(Node node, String inner, String bridge) {
    }

    private static final List<Link> LINKS = List.of(
            new Link(Node.SRV, "eth4", "br4"), new Link(Node.SRV, "eth6", "br6"),
            new Link(Node.RLY, "eth4", "br4"), new Link(Node.RLY, "eth6", "br6"),
            new Link(Node.V6, "eth6", "br6"),
            new Link(Node.NAT, "eth4", "br4"), new Link(Node.NAT, "ethl", "brl"),
            new Link(Node.LAN, "ethl", "brl"),
            new Link(Node.CLI, "eth4", "br4"),
            new Link(Node.ATK, "eth4", "br4"));

    private final ServerLab lab;

    ServerTopology(ServerLab lab) {
        this.lab = lab;
    }

    void build() {
        for (Node node : Node.values()) {
            lab.sh("ip", "netns", "add", lab.ns(node)).check();
            lab.ip(node, "link", "set", "lo", "up");
            // Without DAD new IPv6 addresses (the Teredo ones too) are usable at once (LAB.md).
            sysctl(node, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        }
        sysctl(Node.HUB, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        sysctl(Node.RLY, "net.ipv6.conf.all.forwarding=1");
        sysctl(Node.NAT, "net.ipv4.ip_forward=1");
        for (String bridge : List.of("br4", "br6", "brl")) {
            lab.ip(Node.HUB, "link", "add", bridge, "type", "bridge", "forward_delay", "0", "mcast_snooping", "0");
            lab.ip(Node.HUB, "link", "set", bridge, "up");
        }
        for (Link link : LINKS) {
            String hubPort = link.node().id() + "-" + link.inner().substring(3);
            lab.ip(Node.HUB, "link", "add", hubPort, "type", "veth", "peer", "name", link.inner(), "netns",
                    lab.ns(link.node()));
            lab.ip(Node.HUB, "link", "set", hubPort, "master", link.bridge(), "up");
            lab.ip(link.node(), "link", "set", link.inner(), "up");
        }
        addresses();
        lab.exec(Node.NAT, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth4", "-j", "MASQUERADE").check();
        verify();
    }

    private void addresses() {
        v4(Node.SRV, PRIMARY);
        v4(Node.SRV, SECONDARY);
        v6(Node.SRV, SERVER_V6);
        // Echo replies provoked by the server's relay discovery reach Teredo addresses via the relay (LAB.md).
        lab.ip(Node.SRV, "-6", "route", "add", TEREDO_PREFIX, "via", RELAY_V6);
        // Answers to the spoofed sources go back to atk, which owns them.
        lab.ip(Node.SRV, "route", "add", SPOOFED_NET, "via", ATTACKER);
        v4(Node.RLY, RELAY_V4);
        v6(Node.RLY, RELAY_V6);
        v6(Node.V6, NATIVE_HOST);
        lab.ip(Node.V6, "-6", "route", "add", TEREDO_PREFIX, "via", RELAY_V6);
        lab.ip(Node.NAT, "addr", "add", NAT_OUTSIDE + "/24", "dev", "eth4");
        lab.ip(Node.NAT, "addr", "add", NAT_INSIDE + "/24", "dev", "ethl");
        lab.ip(Node.LAN, "addr", "add", LAN_CLIENT + "/24", "dev", "ethl");
        lab.ip(Node.LAN, "route", "add", "default", "via", NAT_INSIDE);
        v4(Node.CLI, PUBLIC_CLIENT);
        v4(Node.ATK, ATTACKER);
        // Every address of 203.0.113.0/24 is local to atk (a local route, as for an anycast block).
        lab.ip(Node.ATK, "route", "add", "local", SPOOFED_NET, "dev", "lo");
    }

    private void verify() {
        reach(Node.LAN, PRIMARY);
        reach(Node.CLI, SECONDARY);
        reach(Node.V6, RELAY_V6);
        reach(Node.SRV, NATIVE_HOST);
        reach(Node.ATK, PRIMARY);
    }

    private void reach(Node from, String to) {
        ServerLab.until(from.id() + " to reach " + to, Duration.ofSeconds(10),
                () -> lab.exec(from, "ping", "-n", "-q", "-c", "1", "-W", "1", to).ok());
    }

    private void sysctl(Node node, String... settings) {
        List<String> command = new java.util.ArrayList<>(List.of("sysctl", "-q", "-w"));
        command.addAll(List.of(settings));
        lab.exec(node, Duration.ofSeconds(10), command).check();
    }

    private void v4(Node node, String address) {
        lab.ip(node, "addr", "add", address + "/24", "dev", "eth4");
    }

    private void v6(Node node, String address) {
        lab.ip(node, "-6", "addr", "add", address + "/64", "dev", "eth6", "nodad");
    }
}
