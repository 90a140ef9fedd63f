package org.jmiredo.engine.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.PerSecondBudget;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Ipv6Scope;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;

/**
 * The destination half of RFC 4380 §5.3.1 for a packet the source checks accepted: to a Teredo
 * destination over UDP (with an origin indication for this server's own clients), or to native IPv6.
 * Only bubbles and small ICMPv6 echo messages ever leave, so the server is neither an open relay nor an
 * amplifier: a forwarded datagram is at most 8 bytes (the origin indication) longer than the one
 * received. One instance per receiving socket, no state of its own.
 *
 * <p>Still, each packet it accepts goes to whatever IPv4:port its Teredo destination embeds: rule 6 accepts a
 * bubble from any non-Teredo source to any address naming this server, rule 5 one from the sender's own mapping
 * to any Teredo address, so anyone can aim the server at an address of their choosing, one datagram out per
 * datagram in. The UDP side is therefore budgeted as the RAs are ({@link RouterAdvertiser}): per destination IPv4
 * first (a victim's share, whatever its ports; a flood aimed at one victim spends nothing of the rest), then the
 * whole server's per second. Real clients get far less: a relay or peer bubbles a client at most once per 2 s
 * (RFC 4380 §5.2.6), and only to open the way or renew a lapsed trust (every 30 s for a peer that only receives);
 * data never goes through the server.
 */
final class Forwarder {
    private final ServerSettings settings;
    private final ByteBufAllocator alloc;
    private final PerSecondBudget budget;
    private final DestinationBudget perDestination;
    private final Clock clock;

    /**
     * @param budget {@link ServerSettings#forwardPerSecond()}, shared by every socket (0 = unlimited)
     * @param perDestination the budget towards one IPv4, shared with the other socket of the pair
     */
    Forwarder(
            ServerSettings settings,
            ByteBufAllocator alloc,
            PerSecondBudget budget,
            DestinationBudget perDestination,
            Clock clock) {
        this.settings = settings;
        this.alloc = alloc;
        this.budget = budget;
        this.perDestination = perDestination;
        this.clock = clock;
    }

    /**
     * Forwards the accepted packet in {@code buf} (a bubble when {@code bubble}, else ICMPv6) that came
     * from {@code srcIpv4:srcPort}. Null when it was sent, else why not. The caller owns {@code buf}.
     */
    DropReason forward(ByteBuf buf, TeredoHeaders headers, boolean bubble, int srcIpv4, int srcPort, ServerOutput out) {
        int at = headers.ipv6Offset();
        long dstHi = Ipv6.dstHi(buf, at);
        long dstLo = Ipv6.dstLo(buf, at);
        if (!Ipv6Scope.isGlobal(dstHi, dstLo)) {
            return DropReason.NOT_GLOBAL_SCOPE; // R-5.3.1-nonglobal: MUST NOT be forwarded
        }
        if (!bubble) {
            if (Ipv6.payloadLength(buf, at) > settings.maxIcmpPayload()) {
                return DropReason.PAYLOAD_TOO_LARGE; // M1: never an open UDP relay
            }
            int type = Icmpv6.type(buf, at + Ipv6.HEADER_LENGTH);
            if (type != Icmpv6.TYPE_ECHO_REQUEST && type != Icmpv6.TYPE_ECHO_REPLY) {
                return DropReason.NOT_RELAYED; // §5.3: bubbles, echo requests and echo replies only
            }
        }
        if (headers.trailerLength() > settings.maxTrailerLength()) {
            return DropReason.TRAILER_TOO_LONG;
        }
        if (!TeredoAddress.isTeredo(dstHi, settings.prefix())) {
            return toNative(buf, headers, bubble, out);
        }
        return toTeredo(buf, headers, bubble, srcIpv4, srcPort, out);
    }

    /** R-5.3.1-native: the IPv6 packet alone, unchanged (no Teredo headers, no trailers), no copy. */
    private DropReason toNative(ByteBuf buf, TeredoHeaders headers, boolean bubble, ServerOutput out) {
        if (bubble || !settings.nativeForwarding()) {
            return DropReason.NOT_RELAYED; // a bubble means nothing to a native host
        }
        out.toNative(buf.retainedSlice(headers.ipv6Offset(), headers.ipv6Length()));
        return null;
    }

    /**
     * R-5.3.1-g4, R-5.3.1-encap, R-5.3.1-orig: UDP from the primary address, port 3544, to the mapping
     * in the destination; {@code ORIG(srcIpv4, srcPort)} first when the destination is our own client
     * (bits 32-63 = the primary address); RFC 6081 trailers passed through (R6081-4-server).
     */
    private DropReason toTeredo(
            ByteBuf buf, TeredoHeaders headers, boolean bubble, int srcIpv4, int srcPort, ServerOutput out) {
        int at = headers.ipv6Offset();
        long dstHi = Ipv6.dstHi(buf, at);
        long dstLo = Ipv6.dstLo(buf, at);
        int ipv4 = TeredoAddress.mappedIpv4(dstLo);
        int port = TeredoAddress.mappedPort(dstLo);
        if (!Ipv4.isGlobalUnicast(ipv4) || port == 0) {
            return DropReason.NON_GLOBAL_DESTINATION; // R-5.3.1-g4 (port 0 cannot be sent to either)
        }
        if (port == Teredo.SERVICE_PORT && (ipv4 == settings.primaryIpv4() || ipv4 == settings.secondaryIpv4())) {
            return DropReason.LOCAL_LOOP; // would come straight back to us (M2)
        }
        int now = clock.nowSeconds();
        if (!perDestination.tryAcquire(ipv4, now)) {
            return DropReason.FORWARD_DESTINATION_LIMITED;
        }
        if (!budget.tryAcquire(now)) {
            return DropReason.FORWARD_RATE_LIMITED;
        }
        boolean origin = TeredoAddress.serverIpv4(dstHi) == settings.primaryIpv4();
        int length = headers.ipv6Length() + headers.trailerLength();
        ByteBuf payload = alloc.ioBuffer((origin ? TeredoHeaders.ORIGIN_LENGTH : 0) + length);
        if (origin) {
            TeredoHeaders.writeOrigin(payload, 0, srcIpv4, srcPort);
            payload.writerIndex(TeredoHeaders.ORIGIN_LENGTH);
        }
        payload.writeBytes(buf, at, length);
        out.toUdp(
                payload,
                ServerEndpoint.PRIMARY,
                ipv4,
                port,
                bubble ? Counter.SERVER_FORWARDED_BUBBLES : Counter.SERVER_FORWARDED_ICMPV6);
        return null;
    }
}
