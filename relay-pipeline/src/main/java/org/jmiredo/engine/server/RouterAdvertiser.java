package org.jmiredo.engine.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.PerSecondBudget;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.RouterAdvertisement;
import org.jmiredo.proto.RouterSolicitation;
import org.jmiredo.proto.TeredoHeaders;

/**
 * Answers Router Solicitations (RFC 4380 §5.3.2): one instance per receiving socket, used by its event
 * loop's thread only. Stateless apart from the RA budgets (per destination, shared with the other socket of the
 * pair, then the server's per-second one, shared by every socket): the client's mapping is the RS's own IPv4
 * source and port, copied into the RA's origin indication and forgotten.
 *
 * <p>The RA is {@code [AUTH] ORIG IPv6(RA)}: the authentication encapsulation only when the RS had one,
 * with its nonce and confirmation 0 (no secure qualification, as Miredo, M3); the origin indication
 * with the mapping; the RA itself as {@link RouterAdvertisement} builds it (Miredo's field values, M4).
 */
final class RouterAdvertiser {
    /** Confirmation byte of every RA: 0, "the client identifier is still valid" (§5.3.2); no keys here. */
    static final int CONFIRMATION = 0;

    private final ServerSettings settings;
    private final PerSecondBudget budget;
    private final DestinationBudget perDestination;
    private final ByteBufAllocator alloc;
    private final Clock clock;
    private final DataPathCounters counters;
    private final long ownLinkLocalLo;

    RouterAdvertiser(
            ServerSettings settings,
            PerSecondBudget budget,
            DestinationBudget perDestination,
            ByteBufAllocator alloc,
            Clock clock,
            DataPathCounters counters) {
        this.settings = settings;
        this.budget = budget;
        this.perDestination = perDestination;
        this.alloc = alloc;
        this.clock = clock;
        this.counters = counters;
        this.ownLinkLocalLo = RouterAdvertisement.serverLinkLocalLo(settings.primaryIpv4());
    }

    /**
     * Answers the RS at {@code headers.ipv6Offset()} that arrived on {@code arrivedOn} from
     * {@code srcIpv4:srcPort} (already checked global unicast, R-5.3.2-g4). Null when an RA was sent,
     * else why not. The caller owns {@code buf}.
     */
    DropReason answer(
            ByteBuf buf, TeredoHeaders headers, ServerEndpoint arrivedOn, int srcIpv4, int srcPort, ServerOutput out) {
        int at = headers.ipv6Offset();
        // RFC 4861 §6.1.1 validity: checksum, code 0, hop limit 255, to ff02::2 or us (the source: ServerRules).
        if (!RouterSolicitation.isValid(buf, at, headers.ipv6Length(), Ipv6.LINK_LOCAL_HI, ownLinkLocalLo)) {
            return DropReason.INVALID_ROUTER_SOLICITATION;
        }
        counters.increment(Counter.ROUTER_SOLICITATIONS_RX);
        int now = clock.nowSeconds();
        // Per destination first: a flood aimed at one victim must not use up the budget of everyone else.
        if (!perDestination.tryAcquire(srcIpv4, now)) {
            return DropReason.RA_DESTINATION_LIMITED;
        }
        if (!budget.tryAcquire(now)) {
            return DropReason.RA_RATE_LIMITED;
        }
        // R-5.3.2-cone, R5991-3.2-server: cone bit set -> the other address, else the same one.
        boolean cone = RouterSolicitation.coneBit(buf, at);
        ServerEndpoint from = cone ? arrivedOn.other() : arrivedOn;
        ByteBuf ra = build(buf, headers, srcIpv4, srcPort);
        // R-5.3.2-udp: to the mapping, from port 3544. One from the other address counts as an RA too.
        out.toUdp(
                ra,
                from,
                srcIpv4,
                srcPort,
                cone ? Counter.ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS : Counter.ROUTER_ADVERTISEMENTS_TX);
        return null;
    }

    /** The RA datagram payload for the RS in {@code buf} from {@code mappedIpv4:mappedPort}, in a new buffer. */
    ByteBuf build(ByteBuf buf, TeredoHeaders headers, int mappedIpv4, int mappedPort) {
        boolean auth = headers.hasAuth();
        int mtu = settings.advertisedMtu();
        int length = (auth ? TeredoHeaders.AUTH_FIXED_LENGTH : 0)
                + TeredoHeaders.ORIGIN_LENGTH
                + RouterAdvertisement.length(mtu);
        ByteBuf ra = alloc.ioBuffer(length);
        int at = ra.writerIndex();
        if (auth) {
            // R-5.3.2-nonceecho: the client's anti-spoofing check (§5.2.2) needs its nonce back.
            at += TeredoHeaders.writeAuth(ra, at, headers.authNonce(buf), CONFIRMATION);
        }
        TeredoHeaders.writeOrigin(ra, at, mappedIpv4, mappedPort); // R-5.3.2-mapping, obfuscated
        ra.writerIndex(at + TeredoHeaders.ORIGIN_LENGTH);
        int rs = headers.ipv6Offset();
        // R-5.3.2-prefix (primary address), R-5.3.2-src (fe80::8000:f227:~primary), R-5.3.2-dst.
        RouterAdvertisement.append(
                ra, settings.prefix(), settings.primaryIpv4(), Ipv6.srcHi(buf, rs), Ipv6.srcLo(buf, rs), mtu);
        return ra;
    }
}
