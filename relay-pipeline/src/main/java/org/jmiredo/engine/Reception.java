package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Ipv6Scope;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;

/**
 * The relay's reception rules, UDP to tunnel (RFC 4380 §5.4.2): one instance per event loop. Decides
 * whether a decoded Teredo packet from {@code srcIpv4:srcPort} may go on to the tunnel, keeps the peer
 * entry up to date, and releases the packets that were queued for a peer the moment it becomes trusted.
 */
public final class Reception {
    private RelaySettings settings;
    private final PeerTable peers;
    private final Bubbles bubbles;
    private final Clock clock;
    private final DataPathCounters counters;
    /** Packets released from a peer's queue under its lock, sent once the lock is dropped. */
    private final ArrayDeque<ByteBuf> released = new ArrayDeque<>();
    private final Consumer<ByteBuf> collectReleased = released::add;

    public Reception(RelaySettings settings, PeerTable peers, Bubbles bubbles, Clock clock, DataPathCounters counters) {
        this.settings = settings;
        this.peers = peers;
        this.bubbles = bubbles;
        this.clock = clock;
        this.counters = counters;
    }

    /**
     * Takes new settings (a SIGHUP reload). Called on this instance's event loop only, like every other
     * method, so the field needs no synchronisation. The prefix never changes while running.
     */
    public void apply(RelaySettings next) {
        this.settings = next;
    }

    /**
     * A data packet (not a bubble): null when it may be forwarded to the tunnel, else why not. The
     * caller owns {@code buf} throughout. {@code local} is the transport's index of the relay address the
     * packet arrived at ({@link RelayOutput#ANY_LOCAL} when unknown); the peer is answered from it.
     */
    public DropReason data(ByteBuf buf, TeredoHeaders headers, int srcIpv4, int srcPort, int local, RelayOutput out) {
        int at = headers.ipv6Offset();
        long srcHi = Ipv6.srcHi(buf, at);
        long srcLo = Ipv6.srcLo(buf, at);
        if (!TeredoAddress.isTeredo(srcHi, settings.prefix())) {
            return DropReason.SOURCE_NOT_TEREDO; // R-5.4.2-src
        }
        long dstHi = Ipv6.dstHi(buf, at);
        if (Ipv6.isMulticast(dstHi)) {
            return DropReason.MULTICAST; // M17
        }
        if (TeredoAddress.isTeredo(dstHi, settings.prefix()) || !Ipv6Scope.isGlobal(dstHi, Ipv6.dstLo(buf, at))) {
            // R-5.4.2-dst: Teredo peers talk directly; link-local, loopback and the like are not ours to reach.
            return DropReason.DESTINATION_NOT_SERVED;
        }
        boolean embedded = TeredoAddress.mappedIpv4(srcLo) == srcIpv4 && TeredoAddress.mappedPort(srcLo) == srcPort;
        DropReason verdict;
        long hash = peers.hash(srcHi, srcLo); // hashed once per packet
        PeerTable.Segment segment = peers.segmentFor(hash);
        segment.lock();
        try {
            verdict = receiveData(segment, hash, srcHi, srcLo, srcIpv4, srcPort, local, embedded);
        } finally {
            segment.unlock();
        }
        sendReleased(srcIpv4, srcPort, local, out);
        return verdict;
    }

    private DropReason receiveData(PeerTable.Segment segment, long hash, long srcHi, long srcLo, int srcIpv4,
            int srcPort, int local, boolean embedded) {
        int now = clock.nowSeconds();
        int slot = segment.find(srcHi, srcLo, hash);
        if (slot >= 0) {
            boolean learned = segment.mappedPort(slot) == srcPort && segment.mappedIpv4(slot) == srcIpv4 && srcPort != 0;
            if (!embedded && !learned) {
                return DropReason.MAPPING_MISMATCH; // R-5.4.2-src
            }
        } else if (!embedded) {
            return DropReason.MAPPING_MISMATCH; // R-5.4.2-src
        } else if (settings.unknownPeers() == UnknownPeerPolicy.DROP) {
            return DropReason.UNKNOWN_PEER; // R-5.4.2-noentry, as Miredo
        } else {
            // Soft-state recovery: the outer address proves the embedded mapping, so trust the peer.
            slot = segment.insert(srcHi, srcLo, hash, now);
        }
        trust(segment, slot, srcIpv4, srcPort, local, now); // R-5.4.2-trust
        return null;
    }

    /**
     * A bubble: control traffic that updates the peer entry and is never forwarded (R-5.4.2-bubble).
     * Returns null when it was taken, else why it was dropped. The caller owns {@code buf}; {@code local} as
     * in {@link #data}.
     */
    public DropReason bubble(ByteBuf buf, TeredoHeaders headers, int srcIpv4, int srcPort, int local, RelayOutput out) {
        counters.increment(Counter.BUBBLES_RX);
        int at = headers.ipv6Offset();
        long srcHi = Ipv6.srcHi(buf, at);
        long srcLo = Ipv6.srcLo(buf, at);
        if (!TeredoAddress.isTeredo(srcHi, settings.prefix())) {
            return DropReason.SOURCE_NOT_TEREDO;
        }
        boolean embedded = TeredoAddress.mappedIpv4(srcLo) == srcIpv4 && TeredoAddress.mappedPort(srcLo) == srcPort;
        // A peer behind a symmetric NAT answers from a mapping other than its embedded one; the keyed
        // destination proves it answers our bubble (M15), so it is trusted at the mapping it came from.
        boolean answer = bubbles.answersOurs(srcHi, srcLo, Ipv6.dstHi(buf, at), Ipv6.dstLo(buf, at));
        if (!embedded && !answer) {
            return DropReason.MAPPING_MISMATCH;
        }
        int now = clock.nowSeconds();
        long hash = peers.hash(srcHi, srcLo); // hashed once per packet
        PeerTable.Segment segment = peers.segmentFor(hash);
        segment.lock();
        try {
            int slot = segment.find(srcHi, srcLo, hash);
            if (slot < 0 && answer) {
                slot = segment.insert(srcHi, srcLo, hash, now); // ours, but its entry was evicted meanwhile
            }
            if (slot >= 0) {
                trust(segment, slot, srcIpv4, srcPort, local, now); // R-5.4.1-c3trust
            }
        } finally {
            segment.unlock();
        }
        sendReleased(srcIpv4, srcPort, local, out);
        return null;
    }

    /** Under the lock: marks the entry trusted at this mapping and takes its queued packets out. */
    private void trust(PeerTable.Segment segment, int slot, int ipv4, int port, int local, int now) {
        if (!segment.trusted(slot)) {
            counters.increment(Counter.PEERS_TRUSTED);
        }
        segment.setTrusted(slot, true);
        segment.setMapping(slot, ipv4, port, local); // answers leave from the address the peer reached
        segment.setLastRx(slot, now);
        // The peer answered: its bubble budget starts again (Miredo resets its counters on reception too),
        // or a long-lived, healthy peer would run out after four lapses of trust.
        segment.setBubbles(slot, segment.lastBubble(slot), 0);
        segment.touch(slot, now);
        if (segment.hasQueue(slot)) {
            segment.drainQueue(slot, collectReleased); // R-5.4.1-dequeue
        }
    }

    private void sendReleased(int ipv4, int port, int local, RelayOutput out) {
        ByteBuf packet;
        try {
            while ((packet = released.poll()) != null) {
                counters.increment(Counter.QUEUE_RELEASED_PACKETS);
                out.toUdp(packet, ipv4, port, local);
            }
        } finally {
            // Never to the next peer's mapping: what a failed send left behind is dropped here.
            while ((packet = released.poll()) != null) {
                counters.drop(DropReason.UDP_WRITE_FAILED);
                packet.release();
            }
        }
    }
}
