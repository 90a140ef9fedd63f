package org.jmiredo.engine.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.PerSecondBudget;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.RouterAdvertisement;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;

/**
 * The Teredo server's rules (RFC 4380 §5.3.1, §5.3.2; RFC 5991 §3.2), I/O free: one instance per
 * receiving socket, used by that socket's event-loop thread only. Like Miredo's server it keeps no
 * per-client state at all: every decision comes from the datagram, the settings and fixed-size RA and
 * forwarding budgets, so a flood from any number of spoofed sources cannot grow memory.
 *
 * <p>Order of the checks (first match wins, R-5.3.1-check): rule 1 (well-formed, done by the caller's
 * {@link TeredoHeaders#parse}), rule 2 (bubble or ICMPv6), rule 3 (global IPv4 source), Miredo's loop
 * guard (M2), rule 4 (RS from a link-local source, answered here), rules 5-7 (source checks), then the
 * destination: local (RS only, M5: one from a Teredo source that rule 5 accepted is answered too, as
 * Miredo), global scope, Miredo's size limit (M1), Teredo over UDP or native IPv6.
 */
public final class ServerRules {
    private final ServerSettings settings;
    private final RouterAdvertiser advertiser;
    private final Forwarder forwarder;
    private final long ownLinkLocalLo;

    /**
     * With a per-second RA budget of its own: {@code raPerSecond}, 0 = unlimited, and forwarding budgets of its
     * own from {@code settings} (one socket: tests).
     */
    public ServerRules(
            ServerSettings settings,
            int raPerSecond,
            DestinationBudget perDestination,
            ByteBufAllocator alloc,
            Clock clock,
            DataPathCounters counters) {
        this(
                settings,
                new PerSecondBudget(raPerSecond),
                perDestination,
                new PerSecondBudget(settings.forwardPerSecond()),
                DestinationBudget.withSecretKey(settings.forwardPerDestination(), settings.raDestinationSlots()),
                alloc,
                clock,
                counters);
    }

    /**
     * @param raBudget {@link ServerSettings#raPerSecond()}, shared by every socket of the server (0 = unlimited)
     * @param perDestination the RA budget towards any one IPv4 address, shared with the other socket of the
     *     pair on the same event loop (whichever address an RA leaves from, it counts once)
     * @param forwardBudget {@link ServerSettings#forwardPerSecond()}, shared by every socket (0 = unlimited)
     * @param forwardPerDestination the budget of packets forwarded towards any one IPv4 address, shared with the
     *     other socket of the pair
     * @param alloc where answers and forwarded datagrams are allocated (the channel's allocator)
     * @param clock the time for the RA budget
     * @param counters this socket's counters (single writer: its event loop)
     */
    public ServerRules(
            ServerSettings settings,
            PerSecondBudget raBudget,
            DestinationBudget perDestination,
            PerSecondBudget forwardBudget,
            DestinationBudget forwardPerDestination,
            ByteBufAllocator alloc,
            Clock clock,
            DataPathCounters counters) {
        this.settings = settings;
        this.advertiser = new RouterAdvertiser(settings, raBudget, perDestination, alloc, clock, counters);
        this.forwarder = new Forwarder(settings, alloc, forwardBudget, forwardPerDestination, clock);
        this.ownLinkLocalLo = RouterAdvertisement.serverLinkLocalLo(settings.primaryIpv4());
    }

    /**
     * Processes one datagram that {@code headers} parsed successfully (rule 1), received on
     * {@code arrivedOn} from {@code srcIpv4:srcPort}. Returns null when it was answered or forwarded
     * through {@code out}, else why it was dropped (the caller counts it). The caller owns {@code buf}.
     */
    public DropReason process(
            ByteBuf buf, TeredoHeaders headers, ServerEndpoint arrivedOn, int srcIpv4, int srcPort, ServerOutput out) {
        int at = headers.ipv6Offset();
        boolean bubble = Ipv6.isBubble(buf, at);
        if (!bubble) {
            if (Ipv6.nextHeader(buf, at) != Ipv6.NEXT_HEADER_ICMPV6) {
                return DropReason.NOT_BUBBLE_OR_ICMPV6; // rule 2, R-5.3.1-c2, R-5.3-limited
            }
            if (Ipv6.payloadLength(buf, at) < Icmpv6.MIN_LENGTH) {
                return DropReason.MALFORMED_IPV6; // rule 1: no room for type, code and checksum
            }
        }
        if (!Ipv4.isGlobalUnicast(srcIpv4) || srcPort == 0) {
            return DropReason.NON_GLOBAL_SOURCE; // rule 3, R-5.3.1-c3; port 0 cannot be answered either
        }
        if (srcPort == Teredo.SERVICE_PORT
                && (srcIpv4 == settings.primaryIpv4() || srcIpv4 == settings.secondaryIpv4())) {
            return DropReason.LOCAL_LOOP; // M2 (MTFL-SA 0603); other ports: a relay or client on this host
        }
        long srcHi = Ipv6.srcHi(buf, at);
        long dstHi = Ipv6.dstHi(buf, at);
        long dstLo = Ipv6.dstLo(buf, at);
        boolean local = isLocal(dstHi, dstLo);
        boolean solicitation =
                local && !bubble && Icmpv6.type(buf, at + Ipv6.HEADER_LENGTH) == Icmpv6.TYPE_ROUTER_SOLICITATION;
        if (solicitation && Ipv6.isLinkLocal(srcHi)) {
            return advertiser.answer(buf, headers, arrivedOn, srcIpv4, srcPort, out); // rule 4
        }
        DropReason rejected = checkSource(buf, at, srcIpv4, srcPort);
        if (rejected != null) {
            return rejected;
        }
        if (local) {
            // Only rule 5 accepts a local destination here: an RS from the client's own Teredo address, whose
            // mapping matched, is processed too ("the Teredo server processes the packet", §5.3.1), as Miredo.
            // M5: Miredo answers nothing but RS locally.
            return solicitation
                    ? advertiser.answer(buf, headers, arrivedOn, srcIpv4, srcPort, out)
                    : DropReason.UNHANDLED_LOCAL;
        }
        return forwarder.forward(buf, headers, bubble, srcIpv4, srcPort, out);
    }

    /** Rules 5, 6 and 7: null when accepted. */
    private DropReason checkSource(ByteBuf buf, int at, int srcIpv4, int srcPort) {
        long srcHi = Ipv6.srcHi(buf, at);
        if (TeredoAddress.isTeredo(srcHi, settings.prefix())) {
            long srcLo = Ipv6.srcLo(buf, at);
            boolean matches = TeredoAddress.mappedIpv4(srcLo) == srcIpv4 && TeredoAddress.mappedPort(srcLo) == srcPort;
            return matches ? null : DropReason.MAPPING_MISMATCH; // rule 5, else rule 7
        }
        // Rule 6: a non-Teredo source (a relay's address, or the fe80:: source of a Miredo relay's
        // indirect bubble, M14) to a client of this server, i.e. bits 32-63 = our primary address.
        long dstHi = Ipv6.dstHi(buf, at);
        if (TeredoAddress.isTeredo(dstHi, settings.prefix())
                && TeredoAddress.serverIpv4(dstHi) == settings.primaryIpv4()) {
            return null;
        }
        return DropReason.NOT_ACCEPTED; // rule 7
    }

    /** ff02::2 or the server's own link-local address: "the Teredo server processes the packet" (§5.3.1). */
    private boolean isLocal(long dstHi, long dstLo) {
        return dstHi == Ipv6.ALL_ROUTERS_HI && dstLo == Ipv6.ALL_ROUTERS_LO
                || dstHi == Ipv6.LINK_LOCAL_HI && dstLo == ownLinkLocalLo;
    }
}
