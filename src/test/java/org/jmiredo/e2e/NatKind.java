package org.jmiredo.e2e;

import java.util.ArrayList;
import java.util.List;

/** How the lab's NAT (in front of lan) maps the client's flows (LAB.md). */
enum NatKind {
    /** Linux MASQUERADE: one mapping per client port whatever the destination (port-preserving cone). */
    CONE(),
    /**
     * A symmetric NAT: every new destination gets a random external port, so the mapping the relay sees
     * is not the one the server saw and embedded in the client's Teredo address (RFC 6081 §3.1).
     */
    SYMMETRIC("--random-fully");

    private final List<String> masqueradeOptions;

    NatKind(String... masqueradeOptions) {
        this.masqueradeOptions = List.of(masqueradeOptions);
    }

    /** The iptables command that installs this NAT on the outside interface. */
    String[] postrouting(String outside) {
        List<String> command = new ArrayList<>(
                List.of("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", outside, "-j", "MASQUERADE"));
        command.addAll(masqueradeOptions);
        return command.toArray(String[]::new);
    }
}
