package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Preconditions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host's connection tracking and the operator's remedy (README "Connection tracking"). The relay's
 * namespace gets a typical stateful firewall (iptables and ip6tables: ESTABLISHED,RELATED accepted, INVALID
 * dropped, the relay's port and the tunnel's traffic accepted, policy DROP), which makes the kernel track
 * every flow there. Without the remedy every flow of the relay takes an entry, and relay discovery fails: a
 * Miredo client sends its echo request to the native host through its server, the reply comes back through
 * the relay, and conntrack, which never saw the request, calls the reply INVALID. With
 * deploy/systemd/jmiredo-notrack.sh, in either of its forms, and the firewall accepting UNTRACKED, the client
 * behind the NAT and the native host ping each other through our relay and no entry of the relay's flows
 * appears. The public client (cli) shows the first, the client behind the NAT (lan) the recipe.
 */
@Timeout(value = 180)
class ConnectionTrackingTest extends TeredoLabTest {
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    /** A conntrack entry of the relay's own UDP (its port) or of IPv6 to or from a Teredo address. */
    private static final Pattern RELAY_FLOW = Pattern.compile(
            "^(ipv4 .* udp .*(sport|dport)=" + RELAY_PORT + " .*|ipv6 .*(src|dst)=2001:0000:.*)$", Pattern.MULTILINE);
    /** A port besides the relay's (3545 in the lab), for the script's list form of --port (mire answers on two). */
    private static final int OTHER_PORT = 3544;

    private static final String UNTRACKED_RULE = "jmiredo-test-untracked";
    private static final String INVALID_RULE = "jmiredo-test-invalid";

    private Netns rly;
    private Path notrack;

    @BeforeAll
    void statefulFirewall() {
        Preconditions.require(
                Files.exists(Path.of("/proc/net/nf_conntrack")), "no netfilter connection tracking in this kernel");
        Preconditions.require(Preconditions.onPath("nft").isPresent(), "no 'nft' on PATH (Debian package nftables)");
        Preconditions.require(
                Preconditions.onPath("conntrack").isPresent(), "no 'conntrack' on PATH (Debian package conntrack)");
        notrack = script();
        rly = teredo.ns(Host.RLY);
        for (String tool : List.of("iptables", "ip6tables")) {
            rly.exec(tool, "-A", "INPUT", "-i", "lo", "-j", "ACCEPT").check();
            for (String chain : List.of("INPUT", "FORWARD")) {
                rly.exec(tool, "-A", chain, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT")
                        .check();
                rly.exec(
                                tool,
                                "-A",
                                chain,
                                "-m",
                                "conntrack",
                                "--ctstate",
                                "INVALID",
                                "-m",
                                "comment",
                                "--comment",
                                INVALID_RULE,
                                "-j",
                                "DROP")
                        .check();
            }
            rly.exec(tool, "-A", "FORWARD", "-i", TUN_NAME, "-j", "ACCEPT").check();
            rly.exec(tool, "-A", "FORWARD", "-o", TUN_NAME, "-j", "ACCEPT").check();
        }
        rly.exec("iptables", "-A", "INPUT", "-p", "udp", "--dport", Integer.toString(RELAY_PORT), "-j", "ACCEPT")
                .check();
        rly.exec("iptables", "-A", "INPUT", "-p", "icmp", "-j", "ACCEPT").check();
        rly.exec("ip6tables", "-A", "INPUT", "-p", "ipv6-icmp", "-j", "ACCEPT").check();
        for (String tool : List.of("iptables", "ip6tables")) {
            // What the recipe asks of a stateful firewall: untracked packets accepted, before the drops.
            for (String chain : List.of("INPUT", "FORWARD")) {
                rly.exec(
                                tool,
                                "-I",
                                chain,
                                "-m",
                                "conntrack",
                                "--ctstate",
                                "UNTRACKED",
                                "-m",
                                "comment",
                                "--comment",
                                UNTRACKED_RULE,
                                "-j",
                                "ACCEPT")
                        .check();
                rly.exec(tool, "-P", chain, "DROP").check();
            }
        }
    }

    @Test
    @Order(1)
    @DisplayName("Without the recipe every flow through the relay takes an entry, and relay discovery fails")
    void withoutTheRecipeFlowsAreTrackedAndDiscoveryFails() {
        // The public client: its failed tests keep it from the native host for minutes (Miredo's bubble and
        // test budget, 4 in 300 s); the client behind the NAT stays fresh for the recipe's tests.
        Ping.Result discovery = Ping.run(teredo.ns(Host.CLI), NATIVE_HOST, 8);
        Ping.run(teredo.ns(Host.V6), teredo.teredoAddress(Host.CLI), 3);

        assertThat(discovery.received())
                .as("the client's echo replies come back through the relay: %s", discovery)
                .isZero();
        assertThat(counter("ip6tables", "FORWARD", INVALID_RULE))
                .as("echo replies conntrack never saw the request of")
                .isPositive();
        String table = String.join("\n", relayFlows());
        assertThat(table).as("the relay's UDP").containsPattern("udp .*sport=" + RELAY_PORT + " ");
        assertThat(table)
                .as("IPv6 to the Teredo client")
                .containsPattern("ipv6 .*src=2001:0db8:0006:0000:0000:0000:0000:0020 dst=2001:0000:");
        String metrics = Metrics.scrape(rly, JmiredoRelay.METRICS_LISTEN).body();
        assertThat(Metrics.sample(metrics, "jmiredo_host_conntrack_entries"))
                .isGreaterThanOrEqualTo(relayFlows().size());
        assertThat(Metrics.sample(metrics, "jmiredo_host_conntrack_limit")).isPositive();
        assertThat(Metrics.sample(metrics, "jmiredo_host_conntrack_dropped_packets_total"))
                .isZero();
    }

    @Test
    @Order(2)
    @DisplayName("With the recipe (nft form) the relay's traffic crosses the stateful firewall untracked")
    void nftRecipeLeavesNoEntry() {
        // Two ports, as mire needs (3544 and 3545): the list form of --port.
        rly.exec(notrack.toString(), "add", "--port", OTHER_PORT + "," + RELAY_PORT, "--backend", "nft")
                .check();
        assertThat(rly.exec(notrack.toString(), "show", "--backend", "nft")
                        .check()
                        .output())
                .contains("udp dport { " + OTHER_PORT + ", " + RELAY_PORT + " } notrack");
        rly.exec("conntrack", "-F"); // exits 1 on an empty table

        pingBothWays();

        assertThat(relayFlows()).as("conntrack entries of the relay's flows").isEmpty();
        assertThat(counter("iptables", "INPUT", UNTRACKED_RULE))
                .as("IPv4 UDP to the relay, accepted untracked")
                .isPositive();
        assertThat(counter("ip6tables", "FORWARD", UNTRACKED_RULE))
                .as("IPv6 through the tunnel, accepted untracked")
                .isPositive();
        rly.exec(notrack.toString(), "delete", "--backend", "nft").check();
        assertThat(rly.exec("nft", "list", "tables").check().output()).doesNotContain("jmiredo_notrack");
    }

    @Test
    @Order(3)
    @DisplayName("With the recipe (iptables form) likewise")
    void iptablesRecipeLeavesNoEntry() {
        rly.exec(notrack.toString(), "add", "--port", OTHER_PORT + "," + RELAY_PORT, "--backend", "iptables")
                .check();
        assertThat(rly.exec("iptables-save", "-t", "raw").check().output())
                .contains("--dports " + OTHER_PORT + "," + RELAY_PORT + " ")
                .contains("--sports " + OTHER_PORT + "," + RELAY_PORT + " ");
        rly.exec("conntrack", "-F");
        long before = counter("ip6tables", "FORWARD", UNTRACKED_RULE);

        pingBothWays();

        assertThat(relayFlows()).as("conntrack entries of the relay's flows").isEmpty();
        assertThat(counter("ip6tables", "FORWARD", UNTRACKED_RULE)).isGreaterThan(before);
        rly.exec(notrack.toString(), "delete", "--backend", "iptables").check();
        assertThat(rly.exec("iptables-save", "-t", "raw").check().output()).doesNotContain("jmiredo-notrack");
        assertThat(rly.exec("ip6tables-save", "-t", "raw").check().output()).doesNotContain("jmiredo-notrack");
    }

    private void pingBothWays() {
        Ping.awaitReply(teredo.ns(Host.LAN), NATIVE_HOST, WARM_UP);
        assertThat(Ping.run(teredo.ns(Host.LAN), NATIVE_HOST, 4).received()).isGreaterThanOrEqualTo(3);
        Ping.awaitReply(teredo.ns(Host.V6), teredo.teredoAddress(Host.LAN), WARM_UP);
        assertThat(Ping.run(teredo.ns(Host.V6), teredo.teredoAddress(Host.LAN), 4)
                        .received())
                .isGreaterThanOrEqualTo(3);
    }

    private List<String> relayFlows() {
        String table = rly.exec("cat", "/proc/net/nf_conntrack").check().output();
        Matcher m = RELAY_FLOW.matcher(table);
        return m.results().map(r -> r.group().strip()).toList();
    }

    /** Packets the firewall's rule with {@code comment} in {@code chain} matched so far. */
    private long counter(String tool, String chain, String comment) {
        String listing = rly.exec(tool, "-L", chain, "-v", "-n", "-x").check().output();
        Matcher m = Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s+\\S+.*/\\* " + comment + " \\*/", Pattern.MULTILINE)
                .matcher(listing);
        assertThat(m.find())
                .as("the rule /* %s */ in %s %s:%n%s", comment, tool, chain, listing)
                .isTrue();
        return Long.parseLong(m.group(1));
    }

    /** deploy/systemd/jmiredo-notrack.sh of this tree (surefire runs in e2e/). */
    private static Path script() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("deploy/systemd/jmiredo-notrack.sh");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "no executable deploy/systemd/jmiredo-notrack.sh above " + System.getProperty("user.dir"));
    }
}
