package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerLookups;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Ipv6Scope;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;

/**
 * The relay's reception rules, UDP to tunnel (RFC 4380 §5.4.2): one instance per event loop. Decides
 * whether a decoded Teredo packet from {@code srcIpv4:srcPort} may go on to the tunnel, keeps the peer
 * entry up to date, and releases the packets that were queued for a peer the moment it becomes trusted.
 *
 * <p>A receive burst looks its peers up first, all at once and without locks ({@link #lookAhead}, {@link
 * #lookUp}: the cache misses of the burst overlap), then runs the rules per packet. A packet whose peer's
 * copy is still current is decided on it without the lock when that decision writes nothing: a drop, or
 * an accepted packet from a peer already accepted at this mapping this second (most packets of a busy
 * peer). Anything that writes takes the segment lock and finds the entry again, now in the cache.
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
    /** The lock-free lookups of the burst being received. */
    private final PeerLookups lookups;
    /** Set under the lock by {@link #receiveData}: the packet's peer gets a rebound bubble once it is dropped. */
    private boolean rebound;
    /** Set under the lock by {@link #receiveData}: the packet's peer has no entry and was refused. */
    private boolean noEntry;
    /** The bound on bubbles to peers without an entry ({@link #bubbleUnknown}). */
    private final UnknownBubbles unknownBubbles;

    /** With a budget of bubbles to peers without an entry of its own (one event loop: tests, benchmarks). */
    public Reception(RelaySettings settings, PeerTable peers, Bubbles bubbles, Clock clock, DataPathCounters counters) {
        this(settings, peers, bubbles, clock, counters, new PerSecondBudget(settings.unknownBubblesPerSecond()));
    }

    /** @param unknownBudget the relay's budget of bubbles to peers without an entry, shared by its event loops */
    public Reception(
            RelaySettings settings,
            PeerTable peers,
            Bubbles bubbles,
            Clock clock,
            DataPathCounters counters,
            PerSecondBudget unknownBudget) {
        this.settings = settings;
        this.peers = peers;
        this.lookups = new PeerLookups(peers);
        this.bubbles = bubbles;
        this.clock = clock;
        this.counters = counters;
        this.unknownBubbles = new UnknownBubbles(unknownBudget);
    }

    /**
     * Takes new settings (a SIGHUP reload). Called on this instance's event loop only, like every other
     * method, so the field needs no synchronisation. The prefix never changes while running.
     */
    public void apply(RelaySettings next) {
        this.settings = next; // the shared budget's new rate is set once, by the data path
    }

    /** Starts the lookups of a new burst: {@link #lookAhead} has room for {@value PeerLookups#MAX} packets. */
    public void clearLookups() {
        lookups.clear();
    }

    /**
     * Adds the lookup of the source peer of a parsed Teredo packet (data or bubble) to the burst; returns
     * its index for {@link #data} or {@link #bubble} once {@link #lookUp} ran, or -1 when its source is not
     * a Teredo address (the rules drop it before any lookup) or the burst already holds {@value
     * PeerLookups#MAX}.
     */
    public int lookAhead(ByteBuf buf, TeredoHeaders headers) {
        long srcHi = Ipv6.srcHi(buf, headers.ipv6Offset());
        if (!TeredoAddress.isTeredo(srcHi, settings.prefix()) || lookups.full()) {
            return -1;
        }
        return lookups.add(srcHi, Ipv6.srcLo(buf, headers.ipv6Offset()));
    }

    /** Looks up every peer {@link #lookAhead} added, all at once. */
    public void lookUp() {
        lookups.run();
    }

    /**
     * A data packet (not a bubble): null when it may be forwarded to the tunnel, else why not. The
     * caller owns {@code buf} throughout. {@code local} is the transport's index of the relay address the
     * packet arrived at ({@link RelayOutput#ANY_LOCAL} when unknown); the peer is answered from it. {@code
     * lookup}: what {@link #lookAhead} returned for it, after {@link #lookUp}; -1 = none (looked up here).
     */
    public DropReason data(
            ByteBuf buf, TeredoHeaders headers, int srcIpv4, int srcPort, int local, RelayOutput out, int lookup) {
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
        long dstLo = Ipv6.dstLo(buf, at);
        if (TeredoAddress.isTeredo(dstHi, settings.prefix()) || !Ipv6Scope.isGlobal(dstHi, dstLo)) {
            // R-5.4.2-dst: Teredo peers talk directly; link-local, loopback and the like are not ours to reach.
            return DropReason.DESTINATION_NOT_SERVED;
        }
        if (!settings.served().serves(dstHi, dstLo)) {
            return DropReason.DESTINATION_OUT_OF_RANGE; // R-5.4.2-dst: outside relay.served-prefixes
        }
        boolean embedded = TeredoAddress.mappedIpv4(srcLo) == srcIpv4 && TeredoAddress.mappedPort(srcLo) == srcPort;
        if (lookup >= 0 && lookups.current(lookup)) {
            // The copy is the entry as it is now: decide on it if that writes nothing (R-5.4.2-src, -noentry).
            boolean present = lookups.present(lookup);
            DropReason refused = present
                    ? refused(lookups.mappedIpv4(lookup), lookups.mappedPort(lookup), srcIpv4, srcPort, embedded)
                    : absent(embedded);
            if (refused != null) {
                if (!present) {
                    bubbleUnknown(refused, srcHi, srcLo, lookups.hash(lookup), out); // no entry: no lock either
                    return refused;
                }
                if (!reboundBubbleMayGo(
                        lookups.trusted(lookup),
                        srcHi,
                        srcLo,
                        lookups.bubbleCount(lookup),
                        lookups.lastBubble(lookup))) {
                    return refused; // a spoofer's flood stays off the lock once the budget says no
                }
            } else if (present && lookups.acceptedAt(lookup, srcIpv4, srcPort, local, clock.nowSeconds())) {
                return null; // R-5.4.2-trust: already trusted at this mapping this second
            }
        }
        DropReason verdict;
        long hash = lookup >= 0 ? lookups.hash(lookup) : peers.hash(srcHi, srcLo); // hashed once per packet
        PeerTable.Segment segment = peers.segmentFor(hash);
        segment.lock();
        try {
            verdict =
                    receiveData(segment, hash, srcHi, srcLo, srcIpv4, srcPort, local, embedded, buf.writerIndex() - at);
        } finally {
            segment.unlock();
        }
        if (rebound) {
            rebound = false;
            bubbles.sendRebound(srcHi, srcLo, out);
        }
        if (noEntry) {
            noEntry = false;
            bubbleUnknown(verdict, srcHi, srcLo, hash, out);
        }
        sendReleased(srcIpv4, srcPort, local, out);
        return verdict;
    }

    /**
     * Under the lock: the rules of a data packet (R-5.4.2-src, -noentry, -trust). A packet from a trusted peer
     * at a mapping that is neither the learned one nor the embedded one is dropped ({@code mapping_mismatch}),
     * but it may mean the peer's NAT rebound its flow to us (a symmetric NAT's mapping expired, a conntrack
     * flush) while its server's flow, and so its address, stayed: then it also gets the indirect bubble a lapse
     * of trust would send 25 to 30 s later (beyond the RFC, which forbids no bubble; Miredo waits for the lapse),
     * whose answer, a direct bubble from the new mapping keyed to ours (M15), trusts it there. The entry stays
     * as it is until that answer: the packet may be forged, and the peer, if it did not move, goes on being
     * served at its mapping. Never a direct bubble, not even on a restricted relay: the packet's source may be
     * anyone's, and a packet from it has reached us already, so our own NAT lets the answer in.
     *
     * <p>On every such packet within the peer's bubble budget ({@link BubbleBudget#takeRebound}, shared with
     * the lapse's bubbles): a lost bubble or answer is retried 2 s later, as a lapse's would be. So a spoofer
     * sending from as many mappings as it likes makes at most the budget's bubbles to the real peer: one per
     * 2 s while the peer answers them (an answer gives the count back, not the 2 s), four per 300 s once it
     * does not. Each goes to the server the peer's own address names, never to the packet's source, one
     * bubble per packet at most: nothing is reflected at a third party or amplified.
     */
    private DropReason receiveData(
            PeerTable.Segment segment,
            long hash,
            long srcHi,
            long srcLo,
            int srcIpv4,
            int srcPort,
            int local,
            boolean embedded,
            int length) {
        int now = clock.nowSeconds();
        int slot = segment.find(srcHi, srcLo, hash);
        DropReason refused = slot >= 0
                ? refused(segment.mappedIpv4(slot), segment.mappedPort(slot), srcIpv4, srcPort, embedded)
                : absent(embedded);
        if (refused != null) {
            if (slot >= 0
                    && segment.trusted(slot)
                    && TeredoAddress.isReachable(srcHi, srcLo)
                    && BubbleBudget.takeRebound(segment, slot, now)) {
                rebound = true; // sent once the lock is dropped
            }
            noEntry = slot < 0; // decided once the lock is dropped
            return refused;
        }
        if (slot < 0) {
            // Soft-state recovery: the outer address proves the embedded mapping, so trust the peer. Not a use
            // yet: a spoofer can forge such a packet from any source, one per source, and an entry touched here
            // would look to eviction like a peer in use (R-7.3.5-state). Its next packet, a bubble or traffic
            // towards it touches it; until then it is evicted first, as a one-shot entry from the native side.
            // Unproved too: what goes back is bounded by what came in until a bubble exchange proves it
            // (ProofCredits), or a forged datagram would aim a native service's answers at the mapping it names.
            slot = segment.insertFresh(srcHi, srcLo, hash, now);
            segment.setUnproved(slot, true);
            segment.credits().start(hash, length);
            trust(segment, slot, srcIpv4, srcPort, local, now, false);
            return null;
        }
        if (segment.unproved(slot)) {
            segment.credits().grant(hash, length);
        }
        trust(segment, slot, srcIpv4, srcPort, local, now, true); // R-5.4.2-trust
        return null;
    }

    /**
     * Why a data packet from a peer with an entry mapped to {@code mappedIpv4:mappedPort} is dropped, or
     * null: it must come from the mapping the entry learned or the one its address embeds (R-5.4.2-src).
     */
    private static DropReason refused(int mappedIpv4, int mappedPort, int srcIpv4, int srcPort, boolean embedded) {
        boolean learned = mappedPort == srcPort && mappedIpv4 == srcIpv4 && srcPort != 0;
        return embedded || learned ? null : DropReason.MAPPING_MISMATCH;
    }

    /**
     * Whether a data packet refused as {@code mapping_mismatch} from a peer whose entry shows {@code trusted}
     * and these bubbles may send the rebound bubble (see {@link #receiveData}): asked of the lock-free copy, so
     * that only a packet that may send one takes the lock. Writes nothing. Never for an address whose server or
     * mapping is not global unicast (a peer trusted where its outer address matched can name a private server):
     * the bubble would go to that server, where nothing from the native side is ever sent (R-5.4.1-g4).
     */
    private boolean reboundBubbleMayGo(boolean trusted, long srcHi, long srcLo, int bubbleCount, int lastBubble) {
        return trusted
                && TeredoAddress.isReachable(srcHi, srcLo)
                && BubbleBudget.reboundAllowed(bubbleCount, lastBubble, clock.nowSeconds());
    }

    /**
     * A data packet from a Teredo peer without an entry was refused as {@code refused}. When that is {@code
     * mapping_mismatch} (its mapping is not the one its address embeds), it may be a client behind a symmetric NAT
     * whose relay was restarted: it keeps sending to us from its flow's mapping and, unless something sends it a
     * bubble, only finds out after its own 30-s peer timeout. So it gets the keyed indirect bubble through the
     * server its address names, as a trusted peer whose NAT rebound its flow does ({@link #receiveData}): the
     * client answers with a direct bubble from the mapping its packets came from, keyed to ours (M15), and {@link
     * #bubble} inserts and trusts it there, one round trip after its first packet (beyond the RFC; Miredo waits).
     *
     * <p>Bounded without an entry ({@link UnknownBubbles}): the relay's per-second budget, shared by its event
     * loops ({@code relay.unknown-bubbles-per-second}), and one bubble per peer per 2 s, each refusal counted. No entry is made
     * for a packet that may be forged: an untrusted entry per forged source would cost a lock and an insert per
     * packet and fill the table, whose eviction would then take real peers' entries; the answer proves the peer
     * and only then makes one. So a flood of forged packets from random Teredo sources and mappings stays off the
     * lock and the table; once the second's budget is spent each packet costs two reads (its slot, the
     * budget) and a counter. Each
     * bubble goes to the server the source address names, port 3544, never to the packet's source: nothing is
     * reflected to the forged mapping, one bubble (40 bytes of IPv6) per data packet (at least 40) at most, so
     * nothing is amplified, and the budget caps what a spoofer who picks the server address can aim at a host;
     * an address whose server or mapping is not global unicast (loopback, private, the relay's own network's)
     * gets none, as a packet to it from the native side would not.
     *
     * <p>Not with {@code relay.unknown-peers = drop}: that is Miredo's behaviour, which lets a peer without an
     * entry in only once it bubbles us itself; a packet whose source matches its address is not accepted there
     * either, so neither is a non-matching one rescued.
     */
    private void bubbleUnknown(DropReason refused, long srcHi, long srcLo, long hash, RelayOutput out) {
        if (refused != DropReason.MAPPING_MISMATCH || settings.unknownPeers() == UnknownPeerPolicy.DROP) {
            return;
        }
        if (!TeredoAddress.isReachable(srcHi, srcLo)) {
            // R-5.4.1-g4: a forged address naming a private or loopback server must not aim bubbles inside.
            counters.increment(Counter.BUBBLES_UNKNOWN_UNREACHABLE);
            return;
        }
        switch (unknownBubbles.take(hash, clock.nowSeconds())) {
            case UnknownBubbles.SEND -> bubbles.sendUnknown(srcHi, srcLo, out);
            case UnknownBubbles.SPACED -> counters.increment(Counter.BUBBLES_UNKNOWN_SPACED);
            default -> counters.increment(Counter.BUBBLES_UNKNOWN_OVER_BUDGET);
        }
    }

    /** Why a data packet from a peer without an entry is dropped, or null when it is trusted and added. */
    private DropReason absent(boolean embedded) {
        if (!embedded) {
            return DropReason.MAPPING_MISMATCH; // R-5.4.2-src
        }
        // R-5.4.2-noentry: Miredo drops; soft-state recovery trusts it, the outer address proving the mapping.
        return settings.unknownPeers() == UnknownPeerPolicy.DROP ? DropReason.UNKNOWN_PEER : null;
    }

    /**
     * A bubble: control traffic that updates the peer entry and is never forwarded (R-5.4.2-bubble).
     * Returns null when it was taken, else why it was dropped. The caller owns {@code buf}; {@code local} and
     * {@code lookup} as in {@link #data} (a bubble always takes the lock: it is control traffic, and it
     * mostly writes).
     */
    public DropReason bubble(
            ByteBuf buf, TeredoHeaders headers, int srcIpv4, int srcPort, int local, RelayOutput out, int lookup) {
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
        long hash = lookup >= 0 ? lookups.hash(lookup) : peers.hash(srcHi, srcLo); // hashed once per packet
        PeerTable.Segment segment = peers.segmentFor(hash);
        segment.lock();
        try {
            int slot = segment.find(srcHi, srcLo, hash);
            if (slot < 0 && answer) {
                slot = segment.insert(srcHi, srcLo, hash, now); // ours, but its entry was evicted meanwhile
            } else if (slot >= 0 && answer && segment.unproved(slot)) {
                // Keyed (M15): the peer got our bubble, so it is who its address says. What waited is released.
                segment.setUnproved(slot, false);
                segment.credits().forget(hash);
            }
            if (slot >= 0) {
                trust(segment, slot, srcIpv4, srcPort, local, now, true); // R-5.4.1-c3trust
            }
        } finally {
            segment.unlock();
        }
        sendReleased(srcIpv4, srcPort, local, out);
        return null;
    }

    /**
     * Under the lock: marks the entry trusted at this mapping and takes its queued packets out; {@code use}:
     * also touches it (its CLOCK reference bit), false only for the packet that made the entry.
     */
    private void trust(PeerTable.Segment segment, int slot, int ipv4, int port, int local, int now, boolean use) {
        if (!segment.trusted(slot)) {
            counters.increment(Counter.PEERS_TRUSTED);
        }
        segment.setTrusted(slot, true);
        segment.setMapping(slot, ipv4, port, local); // answers leave from the address the peer reached
        segment.setLastRx(slot, now);
        if (use) {
            segment.touch(slot, now);
        }
        if (segment.unproved(slot)) {
            // Anyone may have forged this packet: not an answer, so neither the bubble budget nor what waits
            // for the proof (packets beyond the peer's credit) is given back. Only its keyed bubble does that.
            return;
        }
        // The peer answered: its bubble budget starts again (Miredo resets its counters on reception too),
        // or a long-lived, healthy peer would run out after four lapses of trust.
        segment.setBubbles(slot, segment.lastBubble(slot), 0);
        if (segment.hasQueue(slot)) {
            segment.drainQueue(slot, collectReleased); // R-5.4.1-dequeue
        }
    }

    private void sendReleased(int ipv4, int port, int local, RelayOutput out) {
        ByteBuf packet;
        try {
            while ((packet = released.poll()) != null) {
                out.toUdp(packet, ipv4, port, local, Counter.QUEUE_RELEASED_PACKETS);
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
