package org.jmiredo.fuzz;

import io.netty.buffer.ByteBuf;
import java.util.function.Predicate;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.tun.TunQueue;

/**
 * A scenario's tunnel: counts the writes of a step, accepts or refuses them as the input says, and
 * remembers the first that was not one whole IPv6 packet (a payload length of 0 only for a bubble's next
 * header, which no data path writes) or that {@code allowed} refuses. Never takes ownership (TunQueue).
 */
final class TunWrites implements TunQueue {
    private final Predicate<ByteBuf> allowed;
    private final String what;
    boolean accepts = true;
    int count;
    private String violation;

    /** @param what the packets {@code allowed} accepts, for the failure message */
    TunWrites(Predicate<ByteBuf> allowed, String what) {
        this.allowed = allowed;
        this.what = what;
    }

    @Override
    public boolean write(ByteBuf packet) {
        count++;
        int at = packet.readerIndex();
        int length = packet.readableBytes();
        if (length < Ipv6.HEADER_LENGTH
                || Ipv6.version(packet, at) != 6
                || Ipv6.HEADER_LENGTH + Ipv6.payloadLength(packet, at) != length
                || length == Ipv6.HEADER_LENGTH && Ipv6.nextHeader(packet, at) != Ipv6.NEXT_HEADER_NONE) {
            violation = "not one whole IPv6 packet written to the tunnel: " + length + " bytes";
        } else if (!allowed.test(packet)) {
            violation = "written to the tunnel, but not " + what;
        }
        return accepts;
    }

    /** A new step: no writes yet. */
    void reset() {
        count = 0;
    }

    /** Fails on the step's first bad write. */
    void check() {
        String found = violation;
        violation = null;
        RelayScenario.check(found == null, found);
    }
}
