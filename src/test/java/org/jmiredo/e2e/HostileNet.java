package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.IF_V4;
import static org.jmiredo.e2e.lab.LabNet.PUBLIC_CLIENT;

import org.jmiredo.e2e.lab.Netns;

/**
 * The hostile side of a {@link TeredoLab}: cli also owns 203.0.113.0/24 through a local route (the spoofed
 * Teredo sources, and the servers and mappings of the Teredo addresses a native flood aims at), so every
 * address the relay answers or bubbles is still one of the lab's (LAB.md traffic rules); and it owns a
 * private address, the non-global source.
 */
final class HostileNet {
    static final String SPOOFED_NET = "203.0.113.0/24";
    static final String FIRST_SPOOFED = "203.0.113.1";
    static final String PRIVATE_SOURCE = "10.66.0.1";
    /** The comment of v6's ip6tables rule that counts the ICMPv6 destination unreachable it receives. */
    static final String ICMP_ERRORS_RULE = "icmp-errors";

    private HostileNet() {}

    static void wire(TeredoLab teredo) {
        Netns cli = teredo.ns(Host.CLI);
        cli.ip("route", "add", "local", SPOOFED_NET, "dev", "lo");
        cli.ip("addr", "add", PRIVATE_SOURCE + "/32", "dev", "lo");
        // Bubbles towards the flooded addresses' servers end here.
        cli.exec("iptables", "-A", "INPUT", "-d", SPOOFED_NET, "-p", "udp", "--dport", "3544", "-j", "DROP")
                .check();
        Netns rly = teredo.ns(Host.RLY);
        rly.addRoute(SPOOFED_NET, PUBLIC_CLIENT);
        // A private source must reach the relay's rules, not the kernel's reverse-path filter.
        rly.sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf." + IF_V4 + ".rp_filter=0");
        teredo.ns(Host.V6)
                .exec(
                        "ip6tables",
                        "-A",
                        "INPUT",
                        "-p",
                        "icmpv6",
                        "--icmpv6-type",
                        "1",
                        "-m",
                        "comment",
                        "--comment",
                        ICMP_ERRORS_RULE,
                        "-j",
                        "ACCEPT")
                .check();
    }
}
