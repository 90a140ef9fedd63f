package org.jmiredo.e2e.server;

import static org.jmiredo.e2e.lab.LabNet.*;
import static org.jmiredo.e2e.server.ServerLab.*;

import java.time.Duration;
import java.util.List;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.server.ServerLab.Node;

/**
 * Wires the LAB.md topology for {@link ServerLab}: one namespace per node, one veth per segment whose
 * outer end sits on a bridge in the hub; no link to the root namespace, no default route off the lab.
 */
final class ServerTopology {
    private record Link(Node node, String inner, String bridge) {}

    private static final List<Link> LINKS = List.of(
            new Link(Node.SRV, "eth4", "br4"),
            new Link(Node.SRV, "eth6", "br6"),
            new Link(Node.RLY, "eth4", "br4"),
            new Link(Node.RLY, "eth6", "br6"),
            new Link(Node.V6, "eth6", "br6"),
            new Link(Node.NAT, "eth4", "br4"),
            new Link(Node.NAT, "ethl", "brl"),
            new Link(Node.LAN, "ethl", "brl"),
            new Link(Node.CLI, "eth4", "br4"),
            new Link(Node.ATK, "eth4", "br4"));

    private final ServerLab lab;

    /** {@code lab}: one fresh namespace per node, loopback up. */
    ServerTopology(ServerLab lab) {
        this.lab = lab;
    }

    void build() {
        for (Node node : Node.values()) {
            ns(node).noDad();
        }
        ns(Node.HUB).sysctl("net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        ns(Node.RLY).sysctl("net.ipv6.conf.all.forwarding=1");
        ns(Node.NAT).sysctl("net.ipv4.ip_forward=1");
        for (String bridge : List.of("br4", "br6", "brl")) {
            ns(Node.HUB).addBridge(bridge);
        }
        for (Link link : LINKS) {
            String hubPort = link.node().id() + "-" + link.inner().substring(3);
            ns(Node.HUB).plug(hubPort, link.bridge(), ns(link.node()), link.inner());
        }
        addresses();
        ns(Node.NAT)
                .exec("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth4", "-j", "MASQUERADE")
                .check();
        verify();
    }

    private void addresses() {
        v4(Node.SRV, SERVER_PRIMARY);
        v4(Node.SRV, SERVER_SECONDARY);
        v6(Node.SRV, SERVER_V6);
        // Echo replies provoked by the server's relay discovery reach Teredo addresses via the relay (LAB.md).
        ns(Node.SRV).addRoute(TEREDO_PREFIX, RELAY_V6);
        // Answers to the spoofed sources go back to atk, which owns them.
        ns(Node.SRV).addRoute(SPOOFED_NET, ATTACKER);
        v4(Node.RLY, RELAY_V4);
        v6(Node.RLY, RELAY_V6);
        v6(Node.V6, NATIVE_HOST);
        ns(Node.V6).addRoute(TEREDO_PREFIX, RELAY_V6);
        ns(Node.NAT).addAddress("eth4", NAT_OUTSIDE + "/24");
        ns(Node.NAT).addAddress("ethl", NAT_INSIDE + "/24");
        ns(Node.LAN).addAddress("ethl", LAN_CLIENT + "/24");
        ns(Node.LAN).addRoute("default", NAT_INSIDE);
        v4(Node.CLI, PUBLIC_CLIENT);
        v4(Node.ATK, ATTACKER);
        // Every address of 203.0.113.0/24 is local to atk (a local route, as for an anycast block).
        ns(Node.ATK).ip("route", "add", "local", SPOOFED_NET, "dev", "lo");
    }

    private void verify() {
        Duration timeout = Duration.ofSeconds(10);
        ns(Node.LAN).awaitReach(SERVER_PRIMARY, timeout);
        ns(Node.CLI).awaitReach(SERVER_SECONDARY, timeout);
        ns(Node.V6).awaitReach(RELAY_V6, timeout);
        ns(Node.SRV).awaitReach(NATIVE_HOST, timeout);
        ns(Node.ATK).awaitReach(SERVER_PRIMARY, timeout);
    }

    private void v4(Node node, String address) {
        ns(node).addAddress("eth4", address + "/24");
    }

    private void v6(Node node, String address) {
        ns(node).addAddress6("eth6", address + "/64");
    }

    private Netns ns(Node node) {
        return lab.ns(node);
    }
}
