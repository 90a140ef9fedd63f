package org.jmiredo.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The host's netfilter connection tracking as the daemon's network namespace sees it (the relay's, the Teredo
 * server's or mire's: each receives UDP from sources it does not choose). Where a rule needs
 * conntrack in that namespace (Docker's iptables rules, a stateful firewall, any NAT rule), every peer's UDP
 * flow and every IPv6 flow forwarded through the tunnel takes an entry, and once {@code nf_conntrack_max}
 * entries exist the kernel drops the first packet of each new flow before the relay or the native network
 * sees it ("nf_conntrack: table full, dropping packet"): no counter of the relay's moves
 * (BENCHMARKS.md "Twelfth iteration: connection tracking"). So the relay exports the table's size, its
 * limit and the kernel's count of those drops, read at scrape time, and says at start when the limit is
 * below its peer capacity while the table is in use.
 *
 * <p>{@code nf_conntrack_count} and the statistics in {@code /proc/net/stat/nf_conntrack} are the namespace's
 * own (the kernel keeps them per network namespace); {@code nf_conntrack_max} is the host's (read-only in
 * any other namespace). The files exist only where the kernel has conntrack (built in, or the module
 * loaded); elsewhere nothing is registered and nothing is logged.
 */
public final class HostConntrack {
    private static final String COUNT = "sys/net/netfilter/nf_conntrack_count";
    private static final String MAX = "sys/net/netfilter/nf_conntrack_max";
    private static final String STAT = "net/stat/nf_conntrack";
    /** How long an entry of a UDP flow seen one way lives (nf_conntrack_udp_timeout). */
    private static final String UDP_TIMEOUT = "sys/net/netfilter/nf_conntrack_udp_timeout";
    /** The kernel's default of {@link #UDP_TIMEOUT} since Linux 2.6 (nf_conntrack_proto_udp.c). */
    private static final long DEFAULT_UDP_TIMEOUT_SECONDS = 30;
    /** The column of /proc/net/stat/nf_conntrack that counts packets dropped for want of an entry. */
    private static final String DROP_COLUMN = "drop";

    private final Path proc;

    private HostConntrack(Path proc) {
        this.proc = proc;
    }

    /** The conntrack files under {@code proc} (/proc), or empty where the kernel has no conntrack. */
    public static Optional<HostConntrack> find(Path proc) {
        HostConntrack conntrack = new HostConntrack(proc);
        return conntrack.entries() >= 0 ? Optional.of(conntrack) : Optional.empty();
    }

    /** Entries in the namespace's table, or -1 when unreadable. */
    public long entries() {
        return number(COUNT);
    }

    /** The host's nf_conntrack_max, or -1 when unreadable. */
    public long limit() {
        return number(MAX);
    }

    /** Packets the kernel dropped in this namespace because it could not add an entry (summed over CPUs). */
    public long droppedPackets() {
        try {
            List<String> lines = Files.readAllLines(proc.resolve(STAT));
            if (lines.isEmpty()) {
                return 0;
            }
            int column = List.of(lines.getFirst().trim().split("\\s+")).indexOf(DROP_COLUMN);
            long sum = 0;
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (column >= 0 && column < fields.length) {
                    sum += Long.parseUnsignedLong(fields[column], 16); // one line per CPU, in hexadecimal
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The start-up warning: conntrack is in use in the relay's namespace (it holds entries) and its limit is
     * below the peers the relay takes, each of which costs at least one entry. Empty otherwise.
     */
    public Optional<String> capacityWarning(long peerCapacity) {
        long entries = entries();
        long limit = limit();
        if (entries <= 0 || limit < 0 || limit >= peerCapacity) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                Locale.ROOT,
                "connection tracking is in use in the relay's network "
                        + "namespace (%d entries) and net.netfilter.nf_conntrack_max = %d is below peers.max = %d: each "
                        + "peer's UDP flow and each IPv6 flow through the tunnel takes an entry, and once the table is "
                        + "full the kernel drops new flows' packets where the relay cannot count them "
                        + "(jmiredo_host_conntrack_dropped_packets_total). Exempt the relay's traffic "
                        + "(deploy/systemd/jmiredo-notrack.sh, README \"Connection tracking\") or raise the limit",
                entries,
                limit,
                peerCapacity));
    }

    /**
     * The start-up warning of a Teredo server or mire ({@code role}): conntrack is in use in its namespace (it
     * holds entries). They keep no peers to compare the limit with, and need none: every source's UDP flow to
     * each of their addresses takes an entry for nf_conntrack_udp_timeout at least (30 s), a spoofed source's
     * too, so a flood of Router Solicitations from about limit / 30 new sources a second fills the table, and
     * the kernel then drops new clients' packets where the daemon cannot count them. Empty otherwise.
     */
    public Optional<String> floodWarning(String role, List<Integer> ports) {
        long entries = entries();
        long limit = limit();
        if (entries <= 0 || limit < 0) {
            return Optional.empty();
        }
        long timeout = number(UDP_TIMEOUT);
        long seconds = timeout > 0 ? timeout : DEFAULT_UDP_TIMEOUT_SECONDS;
        return Optional.of(String.format(
                Locale.ROOT,
                "connection tracking is in use in the %s's network namespace "
                        + "(%d entries, net.netfilter.nf_conntrack_max = %d): each source's UDP flow to each of its "
                        + "addresses takes an entry for %d s at least, spoofed ones too, so a flood from about %d new "
                        + "sources a second fills the table, and the kernel then drops new clients' packets where the %s "
                        + "cannot count them (jmiredo_host_conntrack_dropped_packets_total). Exempt its UDP port from "
                        + "tracking (deploy/systemd/jmiredo-notrack.sh add --port %s, README \"Connection tracking\") "
                        + "or raise the limit",
                role,
                entries,
                limit,
                seconds,
                Math.max(1, limit / seconds),
                role,
                ports.stream().map(String::valueOf).collect(Collectors.joining(","))));
    }

    /** {@code jmiredo_host_conntrack_entries}, {@code _limit} and {@code _dropped_packets_total}. */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("jmiredo.host.conntrack.entries", this, c -> orNaN(c.entries()))
                .description("Entries in the connection tracking table of the daemon's network namespace "
                        + "(nf_conntrack_count)")
                .strongReference(true)
                .register(registry);
        Gauge.builder("jmiredo.host.conntrack.limit", this, c -> orNaN(c.limit()))
                .description("The host's connection tracking limit (net.netfilter.nf_conntrack_max)")
                .strongReference(true)
                .register(registry);
        FunctionCounter.builder("jmiredo.host.conntrack.dropped.packets", this, HostConntrack::droppedPackets)
                .description("Packets the kernel dropped in the daemon's namespace for want of a connection "
                        + "tracking entry (table full), before the daemon saw them")
                .register(registry);
    }

    // Through a buffered reader, which asks for 8 KiB at once: a sysctl file answers a read at a non-zero offset
    // with end of file, and Files.readString on JDK 25 reads a file of size 0 (as /proc reports) one byte first,
    // which gave 2 for a limit of 262144.
    private long number(String file) {
        try {
            return Long.parseLong(
                    Files.readAllLines(proc.resolve(file)).getFirst().trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double orNaN(long value) {
        return value < 0 ? Double.NaN : value;
    }
}
