package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv6;

/**
 * ICMPv6 Destination Unreachable, Address Unreachable (RFC 4443 §3.1, code 3) back into the tunnel for a
 * packet the relay or the client cannot deliver, rate limited by a budget shared by every event loop of the
 * relay ({@link PerSecondBudget}, 0 per second sends none). The
 * relay's error comes from the unreachable destination itself, as Miredo's relay: the relay has no global
 * address of its own on the tunnel that the sender could route back to. The client's comes from its own
 * Teredo address (RFC 4443 §2.2: an address of the node that generates the error), as Miredo's client.
 */
public final class IcmpErrors {
    private final PerSecondBudget budget;
    private final ByteBufAllocator alloc;
    private final DataPathCounters counters;

    /** With a budget of its own (one event loop: the client, tests). */
    public IcmpErrors(int perSecond, ByteBufAllocator alloc, DataPathCounters counters) {
        this(new PerSecondBudget(perSecond), alloc, counters);
    }

    /** @param budget the relay's, shared with the other event loops' instances */
    public IcmpErrors(PerSecondBudget budget, ByteBufAllocator alloc, DataPathCounters counters) {
        this.alloc = alloc;
        this.counters = counters;
        this.budget = budget;
    }

    /**
     * Answers {@code offending} (still owned by the caller) with an address-unreachable error from its
     * destination: the relay's.
     */
    public void addressUnreachable(ByteBuf offending, int now, RelayOutput out) {
        int at = offending.readerIndex();
        addressUnreachable(offending, Ipv6.dstHi(offending, at), Ipv6.dstLo(offending, at), now, out);
    }

    /**
     * Answers {@code offending} (still owned by the caller) with an address-unreachable error from
     * {@code srcHi/srcLo}: the client's, from its own Teredo address.
     */
    public void addressUnreachable(ByteBuf offending, long srcHi, long srcLo, int now, RelayOutput out) {
        int at = offending.readerIndex();
        if (!Icmpv6.mayReportError(offending, at)) {
            return; // RFC 4443 §2.4 (e): never about an error, a multicast or an unspecified source
        }
        if (!budget.tryAcquireOrNone(now)) { // 0 per second turns errors off
            counters.increment(Counter.ICMP_ERRORS_RATE_LIMITED);
            return;
        }
        ByteBuf error = Icmpv6.destinationUnreachable(alloc, offending, Icmpv6.CODE_ADDRESS_UNREACHABLE, srcHi, srcLo);
        counters.increment(Counter.ICMP_ERRORS_TX);
        out.toTun(error);
    }
}
