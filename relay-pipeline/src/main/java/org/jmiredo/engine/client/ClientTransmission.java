package org.jmiredo.engine.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.engine.BubbleBudget;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.IcmpErrors;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.engine.TunnelRules;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.QueueCharge;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;

/**
 * The client's transmission rules, tunnel to UDP (RFC 4380 §5.2.4 as updated by RFC 5991 §3.2: the cone bit
 * is ignored). A trusted peer heard from in the last 30 s gets the packet at its mapping (case 1). Else the
 * packet waits in the peer's queue while the peer is tested: a Teredo peer with a direct bubble to its
 * embedded mapping and an indirect one through its server (case 5), a native host with the echo test through
 * our server (case 2, §5.2.9), each at most every 2 s and 4 times in 300 s (§5.2.6, R-5.2.4-c2retry), then
 * ICMPv6 address unreachable. One instance, on the client's one event loop.
 */
public final class ClientTransmission implements TunnelRules {
    private final ClientSelf self;
    private final PeerTable peers;
    private final IcmpErrors icmp;
    private final Clock clock;
    private final DataPathCounters counters;
    private final ByteBufAllocator alloc;

    public ClientTransmission(
            ClientSelf self,
            PeerTable peers,
            IcmpErrors icmp,
            Clock clock,
            DataPathCounters counters,
            ByteBufAllocator alloc) {
        this.self = self;
        this.peers = peers;
        this.icmp = icmp;
        this.clock = clock;
        this.counters = counters;
        this.alloc = alloc;
    }

    @Override
    public void fromTunnel(ByteBuf packet, RelayOutput out) {
        if (!self.isQualified()) {
            drop(packet, DropReason.NOT_QUALIFIED); // R-5.2-qualfirst
            return;
        }
        if (!Ipv6.cutToTunnelPacket(packet)) {
            drop(packet, DropReason.MALFORMED_IPV6);
            return;
        }
        int at = packet.readerIndex();
        long dstHi = Ipv6.dstHi(packet, at);
        long dstLo = Ipv6.dstLo(packet, at);
        if (Ipv6.isMulticast(dstHi)) {
            drop(packet, DropReason.MULTICAST); // router and neighbour solicitations of the kernel, MLD
            return;
        }
        if (!self.isSelf(Ipv6.srcHi(packet, at), Ipv6.srcLo(packet, at))) {
            // Servers and relays refuse other sources (Miredo answers "administratively prohibited").
            drop(packet, DropReason.SOURCE_NOT_TEREDO);
            return;
        }
        boolean teredo = self.isTeredo(dstHi);
        if (!teredo && !ClientSelf.isGlobalPeer(dstHi, dstLo)) {
            drop(packet, DropReason.NOT_GLOBAL_SCOPE); // loopback, link-local...: no relay serves them
            return;
        }
        if (teredo && !TeredoAddress.isReachable(dstHi, dstLo)) {
            drop(packet, DropReason.NON_GLOBAL_DESTINATION); // R-5.2.4-g4
            return;
        }
        transmit(packet, dstHi, dstLo, teredo, out);
    }

    private void transmit(ByteBuf packet, long dstHi, long dstLo, boolean teredo, RelayOutput out) {
        int now = clock.nowSeconds();
        long hash = peers.hash(dstHi, dstLo);
        PeerTable.Segment segment = peers.segmentFor(hash);
        int decision;
        int ipv4 = 0;
        int port = 0;
        segment.lock(); // one loop: never contended, taken for the table's own invariants
        try {
            int slot = segment.find(dstHi, dstLo, hash);
            if (slot < 0) {
                slot = segment.insert(dstHi, dstLo, hash, now);
            }
            segment.touch(slot, now);
            if (segment.trusted(slot) && now - segment.lastRx(slot) < Teredo.TRUST_SECONDS) {
                ipv4 = segment.mappedIpv4(slot); // case 1 (R-5.2.4-valid, R-5.2.4-c1)
                port = segment.mappedPort(slot);
                decision = SEND_DATA;
            } else {
                decision = queueAndTest(segment, slot, packet, now);
            }
        } finally {
            segment.unlock();
        }
        if (decision == SEND_DATA) {
            out.toUdp(packet, ipv4, port, RelayOutput.ANY_LOCAL, null);
            return;
        }
        finish(packet, decision, dstHi, dstLo, teredo, now, out);
    }

    /** Decisions: {@link BubbleBudget}'s, or the data goes out now; {@link #QUEUED} added when held. */
    private static final int SEND_DATA = 8;

    private static final int QUEUED = 16;

    /** Under the lock: the probe budget and the queue. */
    private int queueAndTest(PeerTable.Segment segment, int slot, ByteBuf packet, int now) {
        int decision = BubbleBudget.take(segment, slot, now);
        if (decision == BubbleBudget.SPENT) {
            return decision;
        }
        ByteBuf held = QueueCharge.allocate(alloc, packet.readableBytes()); // charged its slot
        packet.getBytes(packet.readerIndex(), held, 0, packet.readableBytes());
        held.writerIndex(packet.readableBytes());
        if (segment.enqueue(slot, held)) { // R-5.2.4-c5queue, R-5.2.4-c2
            return decision | QUEUED;
        }
        held.release();
        return decision;
    }

    private void finish(
            ByteBuf packet, int decision, long dstHi, long dstLo, boolean teredo, int now, RelayOutput out) {
        if (decision == BubbleBudget.SPENT) {
            // From our own Teredo address (RFC 4443 §2.2), as Miredo's client; the relay's names the destination.
            icmp.addressUnreachable(packet, self.addressHi(), self.addressLo(), now, out);
            drop(packet, DropReason.PEER_UNREACHABLE);
            return;
        }
        if ((decision & QUEUED) != 0) {
            counters.increment(Counter.QUEUED_PACKETS);
            packet.release();
        } else {
            drop(packet, DropReason.QUEUE_FULL);
        }
        if ((decision & ~QUEUED) != BubbleBudget.SEND) {
            counters.increment(Counter.BUBBLES_RATE_LIMITED);
        } else if (teredo) {
            // R-5.2.4-c5direct (we are never a cone client: RFC 5991), then R-5.2.4-c5indirect, as Miredo.
            self.sendProbeBubble(
                    dstHi,
                    dstLo,
                    TeredoAddress.mappedIpv4(dstLo),
                    TeredoAddress.mappedPort(dstLo),
                    Counter.BUBBLES_TX_DIRECT,
                    out);
            self.sendProbeBubble(
                    dstHi,
                    dstLo,
                    TeredoAddress.serverIpv4(dstHi),
                    Teredo.SERVICE_PORT,
                    Counter.BUBBLES_TX_INDIRECT,
                    out);
        } else {
            self.sendEchoTest(dstHi, dstLo, out); // R-5.2.4-c2
        }
    }

    private void drop(ByteBuf packet, DropReason reason) {
        counters.drop(reason);
        packet.release();
    }
}
