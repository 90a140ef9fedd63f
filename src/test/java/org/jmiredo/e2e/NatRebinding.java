package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.IF_V4;
import static org.jmiredo.e2e.lab.LabNet.LAN_CLIENT;
import static org.jmiredo.e2e.lab.LabNet.NAT_OUTSIDE;

import java.util.ArrayList;
import java.util.List;
import org.jmiredo.e2e.lab.Netns;

/**
 * The lab's NAT rebinding the UDP flow of lan's client to one destination: its mapping dropped and made again on
 * another outside port, as an idle timeout, a NAT restart or a conntrack flush does, while its other flows (to its
 * server) keep theirs. An SNAT rule gives new flows to that destination a port of ours (deterministic, unlike
 * {@code --random-fully}'s, and never the flow's old one), and the flow's conntrack entry is deleted, so its next packet makes the new mapping.
 * {@link #close} removes the rule (the flow keeps its new port).
 */
final class NatRebinding implements AutoCloseable {
    /** The first outside port tried (above Linux's ephemeral range, so no flow's port by chance). */
    private static final int FIRST_PORT = 61_001;

    private final Netns nat;
    private final List<String> rule;
    private final int port;

    private NatRebinding(Netns nat, List<String> rule, int port) {
        this.nat = nat;
        this.rule = rule;
        this.port = port;
    }

    /**
     * Rebinds lan's flow to {@code destination} (UDP, any destination port) to an outside port no flow of the NAT
     * has ({@link #port}).
     */
    static NatRebinding rebind(Netns nat, String destination) {
        String table = nat.exec("cat", "/proc/net/nf_conntrack").check().output();
        int port = FIRST_PORT;
        while (table.contains("dport=" + port + " ")) {
            port++;
        }
        List<String> rule = List.of(
                "POSTROUTING",
                "-o",
                IF_V4,
                "-p",
                "udp",
                "-d",
                destination,
                "-j",
                "SNAT",
                "--to-source",
                NAT_OUTSIDE + ":" + port);
        nat.exec(iptables("-I", rule)).check();
        NatRebinding rebinding = new NatRebinding(nat, rule, port);
        try {
            nat.exec("conntrack", "-D", "-p", "udp", "--orig-src", LAN_CLIENT, "--orig-dst", destination)
                    .check();
        } catch (RuntimeException | AssertionError e) {
            rebinding.close();
            throw e;
        }
        return rebinding;
    }

    /** The flow's outside port from now on. */
    int port() {
        return port;
    }

    @Override
    public void close() {
        nat.exec(iptables("-D", rule)).check();
    }

    private static String[] iptables(String op, List<String> rule) {
        List<String> command = new ArrayList<>(List.of("iptables", "-t", "nat", op));
        command.addAll(rule);
        return command.toArray(String[]::new);
    }
}
