package org.jmiredo.engine.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Bubble;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoHeaders;

/**
 * The rules of a stateless Teredo echo responder, the equivalent of Miredo's {@code teredo-mire}: a fake
 * Teredo peer for operators to test reachability. It listens on two ports of one IPv4 address, the
 * "service" port 3544 (it plays its own server) and the "peer" port 3545; its Teredo address is
 * {@code <prefix>:<its IPv4>:0:<~3545>:<~its IPv4>}. A client that pings that address first sends an
 * indirect bubble to the service port; the mire answers with a bubble from the peer port (addresses
 * swapped), which the client takes as the peer's direct bubble; then every echo request to the peer port
 * gets its echo reply, addresses swapped. Every answer goes to the datagram's own IPv4 source and port
 * (the sender's mapping, whatever its address embeds), and is never larger than the request: no state,
 * no amplification. One instance per socket, used by its event loop's thread only.
 *
 * <p>Unlike Miredo's mire, which answers other next headers with an ICMPv6 Parameter Problem, anything
 * else is dropped and counted: a test responder need not reflect arbitrary traffic.
 */
public final class MireRules {
    /** Hop limit of the echo replies, as Miredo's mire sets it. */
    static final int REPLY_HOP_LIMIT = 255;

    /** Where the mire's answers go: always from its peer-port socket. */
    @FunctionalInterface
    public interface Output {
        /**
         * Sends {@code payload} from the peer port to {@code ipv4}:{@code port}; takes ownership. Counts it, with
         * {@code kind}, as sent once the kernel took it, else as the drop it was.
         */
        void toUdp(ByteBuf payload, int ipv4, int port, Counter kind);
    }

    private final ByteBufAllocator alloc;
    private final DataPathCounters counters;

    public MireRules(ByteBufAllocator alloc, DataPathCounters counters) {
        this.alloc = alloc;
        this.counters = counters;
    }

    /**
     * One datagram parsed by {@code headers}, received on the service port ({@code onServicePort}) or the
     * peer port, from {@code srcIpv4:srcPort}. Null when it was answered (or, for a bubble on the peer
     * port, taken), else why not. The caller owns {@code buf}.
     */
    public DropReason process(
            ByteBuf buf, TeredoHeaders headers, boolean onServicePort, int srcIpv4, int srcPort, Output out) {
        if (!Ipv4.isGlobalUnicast(srcIpv4) || srcPort == 0) {
            return DropReason.NON_GLOBAL_SOURCE; // RFC 4380 §5.2.4: never send to such an address
        }
        int at = headers.ipv6Offset();
        long dstHi = Ipv6.dstHi(buf, at);
        if (Ipv6.isMulticast(dstHi) || Ipv6.isUnspecified(dstHi, Ipv6.dstLo(buf, at))) {
            return DropReason.NOT_ANSWERED; // the answer's source would be that address
        }
        if (Ipv6.isBubble(buf, at)) {
            counters.increment(Counter.BUBBLES_RX);
            if (!onServicePort) {
                return null; // a direct bubble: nothing to do, as Miredo
            }
            ByteBuf reply = alloc.ioBuffer(Bubble.LENGTH);
            Bubble.write(reply, dstHi, Ipv6.dstLo(buf, at), Ipv6.srcHi(buf, at), Ipv6.srcLo(buf, at));
            out.toUdp(reply, srcIpv4, srcPort, Counter.BUBBLES_TX_DIRECT);
            return null;
        }
        if (onServicePort || !isEchoRequest(buf, at, headers.ipv6Length())) {
            return DropReason.NOT_ANSWERED;
        }
        ByteBuf reply = alloc.ioBuffer(Ipv6.HEADER_LENGTH + Ipv6.payloadLength(buf, at));
        Icmpv6.appendEchoReplyTo(reply, buf, at, REPLY_HOP_LIMIT, dstHi, Ipv6.dstLo(buf, at));
        out.toUdp(reply, srcIpv4, srcPort, Counter.ECHO_REPLIES_TX);
        return null;
    }

    /** A valid ICMPv6 Echo Request (RFC 4443 §4.1): checksum, code 0, identifier and sequence present. */
    private static boolean isEchoRequest(ByteBuf buf, int at, int length) {
        int icmp = at + Ipv6.HEADER_LENGTH;
        return Icmpv6.isValid(buf, at, length)
                && Ipv6.payloadLength(buf, at) >= Icmpv6.HEADER_LENGTH
                && Icmpv6.type(buf, icmp) == Icmpv6.TYPE_ECHO_REQUEST
                && Icmpv6.code(buf, icmp) == 0;
    }
}
