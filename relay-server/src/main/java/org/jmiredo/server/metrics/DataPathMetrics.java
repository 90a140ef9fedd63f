package org.jmiredo.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.metrics.DropReason;

/**
 * Exposes the counters of one role's data path ({@link DataPathRole}: a relay shows no server series and
 * the reverse) as meters that read them at scrape time: nothing is copied on the packet path. Every drop
 * reason of the role is registered at start, at 0. Each counter is the sum over the event loops'
 * {@link DataPathCounters} (single writer each, read with opaque loads). Micrometer's Prometheus naming
 * appends {@code _total} to counters and the base unit where the name lacks it, so
 * {@code jmiredo.udp.received.bytes} is exposed as {@code jmiredo_udp_received_bytes_total}; a test checks
 * every exposed name.
 */
public final class DataPathMetrics implements MeterBinder {
    private static final String BYTES = "bytes";

    private final DataPathRole role;
    private final List<DataPathCounters> loops;

    /**
     * @param role the data path whose counters these are
     * @param loops the per-loop counters; may still grow while loops are wired (read at each scrape)
     */
    public DataPathMetrics(DataPathRole role, List<DataPathCounters> loops) {
        this.role = role;
        this.loops = loops;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        // A function counter holds its object weakly; each function here captures this binder, so the
        // registry keeps it alive however the caller keeps (or drops) its reference.
        for (Counter counter : Counter.values()) {
            if (!role.counts(counter)) {
                continue;
            }
            Series series = series(counter);
            FunctionCounter.builder(series.name, this, m -> sum(counter))
                    .tags(series.tags)
                    .baseUnit(series.unit)
                    .description(series.help)
                    .register(registry);
        }
        for (DropReason reason : DropReason.values()) {
            if (role.counts(reason)) {
                FunctionCounter.builder("jmiredo.dropped.packets", this, m -> dropped(reason))
                        .tag("reason", reason.label())
                        .description("Packets not delivered, by reason (a bounded set)")
                        .register(registry);
            }
        }
    }

    /**
     * The series of each data-path counter. A counter added to the enum without a line here is still
     * exposed, under a name derived from it ({@code jmiredo_<name>_total}), and a test fails until it is named.
     */
    static Series series(Counter counter) {
        return switch (counter) {
            case UDP_RX_PACKETS ->
                new Series("jmiredo.udp.received.packets", null, "Teredo datagrams received over UDP");
            case UDP_RX_BYTES -> new Series("jmiredo.udp.received.bytes", BYTES, "UDP payload bytes received");
            case UDP_RX_ERRORS ->
                new Series(
                        "jmiredo.udp.receive.errors",
                        null,
                        "Failed reads of a UDP socket (recvmmsg errors other than EAGAIN)");
            case TUN_TX_PACKETS ->
                new Series("jmiredo.tun.written.packets", null, "IPv6 packets written to the tunnel");
            case TUN_TX_BYTES -> new Series("jmiredo.tun.written.bytes", BYTES, "Bytes written to the tunnel");
            case TUN_TX_COALESCED_PACKETS ->
                new Series(
                        "jmiredo.tun.coalesced.packets",
                        null,
                        "Packets written to the tunnel inside GSO super-packets (TUN offloads)");
            case TUN_TX_SUPER_PACKETS ->
                new Series(
                        "jmiredo.tun.super.packets",
                        null,
                        "GSO super-packets written to the tunnel, one write(2) each");
            case TUN_RX_PACKETS -> new Series("jmiredo.tun.read.packets", null, "IPv6 packets read from the tunnel");
            case TUN_RX_BYTES -> new Series("jmiredo.tun.read.bytes", BYTES, "Bytes read from the tunnel");
            case UDP_TX_PACKETS -> new Series("jmiredo.udp.sent.packets", null, "Teredo datagrams sent over UDP");
            case UDP_TX_BYTES -> new Series("jmiredo.udp.sent.bytes", BYTES, "UDP payload bytes sent");
            case UDP_TX_LOCAL_ADDRESS_GONE ->
                new Series(
                        "jmiredo.udp.local.address.gone",
                        null,
                        "Datagrams sent from the route's source: the address their peer reached left the host");
            case BUBBLES_RX -> new Series("jmiredo.bubbles.received", null, "Bubbles received from peers");
            case BUBBLES_TX_INDIRECT -> bubblesSent("indirect");
            case BUBBLES_TX_DIRECT -> bubblesSent("direct");
            case BUBBLES_TX_REBOUND ->
                new Series(
                        "jmiredo.bubbles.rebound.sent",
                        null,
                        "Indirect bubbles sent because a trusted peer's packet came from a new mapping (its NAT rebound"
                                + " the flow); also counted in jmiredo_bubbles_sent_total{kind=\"indirect\"}");
            case BUBBLES_TX_UNKNOWN ->
                new Series(
                        "jmiredo.bubbles.unknown.sent",
                        null,
                        "Indirect bubbles sent to a peer without an entry whose packet came from a mapping its address"
                                + " does not embed (a symmetric NAT after a restart); also counted in"
                                + " jmiredo_bubbles_sent_total{kind=\"indirect\"}");
            case BUBBLES_UNKNOWN_SPACED -> unknownWithheld("spacing");
            case BUBBLES_UNKNOWN_OVER_BUDGET -> unknownWithheld("budget");
            case BUBBLES_UNKNOWN_UNREACHABLE -> unknownWithheld("unreachable");
            case BUBBLES_RATE_LIMITED ->
                new Series(
                        "jmiredo.bubbles.rate.limited",
                        null,
                        "Bubbles withheld by the RFC 4380 spacing and 4-per-300-s limits");
            case ICMP_ERRORS_TX ->
                new Series("jmiredo.icmp.errors.sent", null, "ICMPv6 errors written back to the tunnel");
            case ICMP_ERRORS_RATE_LIMITED ->
                new Series("jmiredo.icmp.errors.rate.limited", null, "ICMPv6 errors suppressed by the rate limit");
            case PEERS_TRUSTED -> new Series("jmiredo.peers.trusted", null, "Peers that became trusted");
            case QUEUED_PACKETS ->
                new Series("jmiredo.queued.packets", null, "Packets queued while a peer's bubble is answered");
            case QUEUE_RELEASED_PACKETS ->
                new Series(
                        "jmiredo.queue.released.packets", null, "Queued packets sent once their peer became trusted");
            case UNPROVED_OVER_CREDIT ->
                new Series(
                        "jmiredo.unproved.over.credit.packets",
                        null,
                        "Packets to a peer trusted without a bubble exchange beyond 3 bytes per byte it sent, held"
                                + " until its answer");
            case ROUTER_SOLICITATIONS_RX ->
                new Series(
                        "jmiredo.router.solicitations.received", null, "Server: valid Router Solicitations received");
            case ROUTER_ADVERTISEMENTS_TX ->
                new Series(
                        "jmiredo.router.advertisements.sent",
                        null,
                        "Server: Router Advertisements sent (qualifications)");
            case ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS ->
                new Series(
                        "jmiredo.router.advertisements.other.address.sent",
                        null,
                        "Server: Router Advertisements sent from the other server address (cone test)");
            case SERVER_FORWARDED_BUBBLES ->
                new Series(
                        "jmiredo.server.forwarded.bubbles", null, "Server: bubbles forwarded to a Teredo destination");
            case SERVER_FORWARDED_ICMPV6 ->
                new Series(
                        "jmiredo.server.forwarded.icmpv6",
                        null,
                        "Server: ICMPv6 echo messages forwarded to a Teredo destination");
            case NATIVE_TX_PACKETS ->
                new Series("jmiredo.native.sent.packets", null, "Server: ICMPv6 echo messages sent to native IPv6");
            case NATIVE_TX_BYTES -> new Series("jmiredo.native.sent.bytes", BYTES, "Server: bytes sent to native IPv6");
            case ROUTER_SOLICITATIONS_TX ->
                new Series(
                        "jmiredo.router.solicitations.sent",
                        null,
                        "Client: Router Solicitations sent (qualification and refreshes)");
            case ROUTER_ADVERTISEMENTS_RX ->
                new Series("jmiredo.router.advertisements.received", null, "Client: Router Advertisements taken");
            case ECHO_TESTS_TX ->
                new Series(
                        "jmiredo.client.echo.tests.sent",
                        null,
                        "Client: direct IPv6 connectivity tests sent through the server");
            case ECHO_TESTS_PASSED ->
                new Series(
                        "jmiredo.client.echo.tests.passed",
                        null,
                        "Client: connectivity tests answered (a native peer trusted at its relay)");
            case ORIGIN_BUBBLES_RATE_LIMITED ->
                new Series(
                        "jmiredo.client.origin.bubbles.rate.limited",
                        null,
                        "Client: direct bubbles to an origin our server indicated not sent: the per-second budget was spent");
            case ECHO_REPLIES_TX -> new Series("jmiredo.echo.replies.sent", null, "Mire: ICMPv6 echo replies sent");
            default -> derived(counter);
        };
    }

    private static Series derived(Counter counter) {
        return new Series(
                "jmiredo." + counter.name().toLowerCase(Locale.ROOT).replace('_', '.'),
                Tags.empty(),
                null,
                "Data-path counter " + counter.name(),
                true);
    }

    private static Series unknownWithheld(String reason) {
        return new Series(
                "jmiredo.bubbles.unknown.withheld",
                Tags.of("reason", reason),
                null,
                "Bubbles to peers without an entry withheld: the same peer within 2 s, the per-second budget, or a"
                        + " server or mapping that is not global unicast; budget also counts the bubbles of unproved"
                        + " peers over their credit it withheld",
                false);
    }

    private static Series bubblesSent(String kind) {
        return new Series(
                "jmiredo.bubbles.sent",
                Tags.of("kind", kind),
                null,
                "Bubbles sent: indirect through the peer's server, or direct to its mapping",
                false);
    }

    /** @param derived true when the name was derived because the counter has no line of its own yet */
    record Series(String name, Tags tags, String unit, String help, boolean derived) {
        Series(String name, String unit, String help) {
            this(name, Tags.empty(), unit, help, false);
        }
    }

    private double sum(Counter counter) {
        long total = 0;
        for (DataPathCounters loop : loops) {
            total += loop.get(counter);
        }
        return total;
    }

    private double dropped(DropReason reason) {
        long total = 0;
        for (DataPathCounters loop : loops) {
            total += loop.dropped(reason);
        }
        return total;
    }
}
