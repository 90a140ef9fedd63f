package org.jmiredo.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerLookups;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.ProofCredits;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;

/**
 * The relay's transmission rules, tunnel to UDP (RFC 4380 §5.4.1 as updated by RFC 5991 §3.2): one
 * instance per event loop. Trusted peers get the packet at their mapping; any other peer gets it queued
 * while a bubble goes through its server, and an ICMPv6 error when its bubbles are used up.
 *
 * <p>A read burst looks its destination peers up first, all at once and without locks ({@link #lookAhead},
 * {@link #lookUp}: the cache misses of the burst overlap, as {@link Reception}'s do), then runs the rules
 * per packet, in order. A packet to a trusted peer whose copy is still current and already touched this
 * second is sent at the copy's mapping without the lock (that decision writes nothing); anything else
 * takes the segment lock and finds the entry again, now in the cache. A packet to a peer an earlier
 * packet of the burst added or changed finds its copy no longer current, so it takes the lock and sees
 * the entry as that packet left it.
 */
public final class Transmission implements TunnelRules {
    /** {@link #takeBubble}'s answer beside {@link BubbleBudget}'s: the relay's budget of such bubbles is spent. */
    private static final int OVER_RELAY_BUDGET = -1;

    private RelaySettings settings;
    private final PeerTable peers;
    private final Bubbles bubbles;
    private final IcmpErrors icmp;
    private final Clock clock;
    private final DataPathCounters counters;
    private final ByteBufAllocator alloc;
    /**
     * The relay's budget of bubbles a forged packet can cause ({@code relay.unknown-bubbles-per-second}), shared
     * with {@link Reception}'s bubbles to peers without an entry and every event loop: here it bounds the bubbles
     * sent because an unproved peer ran out of credit ({@link #takeBubble}).
     */
    private final PerSecondBudget unprovedBubbles;

    private final Consumer<ByteBuf> discardQueued = this::discardQueued;
    /** The lock-free lookups of the burst being read. */
    private final PeerLookups lookups;
    /** The destination of the burst's last lookup (0: none yet; never a Teredo address's first half). */
    private long lastHi;

    private long lastLo;

    /**
     * @param unknownBudget the relay's budget of bubbles a forged packet can cause, shared by its event loops
     *     (and with their {@link Reception}s); bounds the bubbles to unproved peers over their credit
     */
    public Transmission(
            RelaySettings settings,
            PeerTable peers,
            Bubbles bubbles,
            IcmpErrors icmp,
            Clock clock,
            DataPathCounters counters,
            ByteBufAllocator alloc,
            PerSecondBudget unknownBudget) {
        this.settings = settings;
        this.peers = peers;
        this.bubbles = bubbles;
        this.icmp = icmp;
        this.clock = clock;
        this.counters = counters;
        this.alloc = alloc;
        this.lookups = new PeerLookups(peers);
        this.unprovedBubbles = unknownBudget;
    }

    /**
     * Takes new settings (a SIGHUP reload). Called on this instance's event loop only, like every other
     * method, so the field needs no synchronisation. The prefix never changes while running.
     */
    public void apply(RelaySettings next) {
        this.settings = next; // the shared ICMPv6 budget's new rate is set once, by the data path
    }

    @Override
    public void fromTunnel(ByteBuf packet, RelayOutput out) {
        fromTunnel(packet, -1, out);
    }

    @Override
    public void clearLookups() {
        lookups.clear();
        lastHi = 0;
    }

    /**
     * Adds the lookup of a packet's destination when the rules below would reach the peer table with it. A
     * packet to the same peer as the one before shares its lookup (a TCP flight, a single busy peer): one
     * hash and probe for the run. Sharing is safe: a copy is acted on only while current, so a packet after
     * one that wrote the entry takes the lock.
     */
    @Override
    public int lookAhead(ByteBuf packet) {
        if (refused(packet) != null) {
            return -1;
        }
        int at = packet.readerIndex();
        long dstHi = Ipv6.dstHi(packet, at);
        long dstLo = Ipv6.dstLo(packet, at);
        if (dstHi == lastHi && dstLo == lastLo) {
            return lookups.size() - 1;
        }
        if (lookups.full()) {
            return -1;
        }
        lastHi = dstHi;
        lastLo = dstLo;
        return lookups.add(dstHi, dstLo);
    }

    @Override
    public void lookUp() {
        lookups.run();
    }

    /** {@code lookup} >= 0: {@link #lookAhead} found the packet acceptable, so it is not checked again. */
    @Override
    public void fromTunnel(ByteBuf packet, int lookup, RelayOutput out) {
        if (lookup < 0) {
            DropReason refused = refused(packet);
            if (refused != null) {
                if (refused == DropReason.DESTINATION_NOT_TEREDO) {
                    icmp.addressUnreachable(packet, clock.nowSeconds(), out); // as Miredo (M21)
                }
                drop(packet, refused);
                return;
            }
        }
        int at = packet.readerIndex();
        long dstHi = Ipv6.dstHi(packet, at);
        long dstLo = Ipv6.dstLo(packet, at);
        int now = clock.nowSeconds();
        if (lookup >= 0 && sendableUnlocked(lookup, now)) {
            out.toUdp(
                    packet, lookups.mappedIpv4(lookup), lookups.mappedPort(lookup), lookups.localAddress(lookup), null);
            return;
        }
        transmit(packet, dstHi, dstLo, lookup >= 0 ? lookups.hash(lookup) : peers.hash(dstHi, dstLo), now, out);
    }

    /**
     * Why a packet read from the tunnel is dropped before any peer lookup, or null; cuts it to its IPv6
     * length. Writes nothing else, so that {@link #lookAhead} can ask it too.
     */
    private DropReason refused(ByteBuf packet) {
        if (!Ipv6.cutToTunnelPacket(packet)) {
            return DropReason.MALFORMED_IPV6;
        }
        int at = packet.readerIndex();
        long dstHi = Ipv6.dstHi(packet, at);
        if (Ipv6.isMulticast(dstHi) || Ipv6.isMulticast(Ipv6.srcHi(packet, at))) {
            // Silently, as Miredo (M17). A multicast source is invalid (RFC 4291 §2.7): a forwarding kernel
            // drops it, but a raw socket on the relay's host can route one into the tunnel.
            return DropReason.MULTICAST;
        }
        if (!TeredoAddress.isTeredo(dstHi, settings.prefix())) {
            return DropReason.DESTINATION_NOT_TEREDO; // R-5.4.1-teredoonly; Miredo answers address unreachable (M21)
        }
        if (!TeredoAddress.isReachable(dstHi, Ipv6.dstLo(packet, at))) {
            // R-5.4.1-g4: both embedded IPv4s, unlike Miredo which checks the server's only (M26).
            return DropReason.NON_GLOBAL_DESTINATION;
        }
        return null;
    }

    /**
     * True if lookup {@code k}'s copy shows case 1 (a trusted peer heard from within {@value
     * Teredo#TRUST_SECONDS} s, and not yet due for a renewal of that trust) and the touch it takes would
     * write nothing, and the copy is still the entry as it is now (checked last, right before the copy is
     * acted on).
     */
    private boolean sendableUnlocked(int k, int now) {
        return lookups.present(k)
                && lookups.trusted(k)
                && !lookups.unproved(k)
                && now - lookups.lastRx(k) < settings.renewTrustAfter()
                && lookups.touchedAt(k, now)
                && lookups.current(k);
    }

    private void transmit(ByteBuf packet, long dstHi, long dstLo, long hash, int now, RelayOutput out) {
        PeerTable.Segment segment = peers.segmentFor(hash);
        long target;
        int local = RelayOutput.ANY_LOCAL;
        int bubble;
        segment.lock();
        try {
            int slot = segment.find(dstHi, dstLo, hash);
            if (slot >= 0) {
                segment.touch(slot, now);
                if (segment.trusted(slot)
                        && now - segment.lastRx(slot) < Teredo.TRUST_SECONDS
                        && !overCredit(segment, slot, hash, packet.readableBytes())) {
                    target = mapping(segment.mappedIpv4(slot), segment.mappedPort(slot)); // case 1
                    local = segment.localAddress(slot); // from where the peer reached us, or its NAT drops it
                    bubble = renewalDue(segment, slot, now) ? Bubbles.SEND : Bubbles.NONE;
                } else {
                    target = -1;
                    // Over its credit (a trusted peer within its trust is here for no other reason): it stays
                    // trusted, and the bubble's keyed answer proves it.
                    boolean overCredit = segment.trusted(slot) && now - segment.lastRx(slot) < Teredo.TRUST_SECONDS;
                    if (!overCredit) {
                        segment.setTrusted(slot, false);
                    }
                    bubble = queueAndBubble(segment, slot, packet, now, overCredit);
                }
            } else {
                // Case 3 (the cone bit is ignored, RFC 5991 §3.2): a new untrusted entry.
                slot = segment.insert(dstHi, dstLo, hash, now);
                target = -1;
                bubble = queueAndBubble(segment, slot, packet, now, false);
            }
        } finally {
            segment.unlock();
        }
        if (target >= 0) {
            out.toUdp(packet, (int) (target >>> 16), (int) target & 0xFFFF, local, null);
            if (bubble == Bubbles.SEND) {
                bubbles.sendIndirect(dstHi, dstLo, out); // the peer answers it directly, as to any indirect bubble
            }
            return;
        }
        finishUntrusted(packet, bubble, dstHi, dstLo, now, out);
    }

    /**
     * Under the segment lock, for a peer trusted without proof ({@link PeerTable.Segment#unproved}: a packet
     * whose outer source matched its address made the entry, and anyone may forge one): true when sending
     * {@code bytes} would exceed what its own packets earned ({@link ProofCredits}, 3 bytes per byte received,
     * as RFC 9000 §8.1), else false and the bytes taken from its credit. Over it the packet waits in the queue
     * and the ordinary bubbles go out; the peer's keyed answer proves it and releases what waited. For a
     * proved peer, a bit test.
     */
    private boolean overCredit(PeerTable.Segment segment, int slot, long hash, int bytes) {
        if (!segment.unproved(slot) || segment.credits().spend(hash, bytes)) {
            return false;
        }
        counters.increment(Counter.UNPROVED_OVER_CREDIT);
        return true;
    }

    /**
     * Under the segment lock, for a trusted peer sent to directly: true (and the bubble counted) when its
     * trust is about to lapse and an indirect bubble should renew it now. A peer that only receives (a
     * stream, a bulk transfer without return traffic) is otherwise heard from only by its handshakes, so its
     * trust lapses every {@value Teredo#TRUST_SECONDS} s and its packets then wait in its queue for a round
     * trip through its server; peers handshaken together lapse together. RFC 4380 §5.4.1 asks for a
     * bubble once the peer is no longer trusted and forbids none before; the one bubble of each lapse simply
     * leaves {@link RelaySettings#trustRenewalSeconds} s earlier. One renewal per trust period: it is sent
     * only while no bubble is counted (an answer resets the count), and counts against the 4 per 300 s, so a
     * silent peer gets no more bubbles than without it, and the lapse's own bubbles follow as before.
     */
    private boolean renewalDue(PeerTable.Segment segment, int slot, int now) {
        if (now - segment.lastRx(slot) < settings.renewTrustAfter()) {
            return false;
        }
        int count = segment.bubbleCount(slot);
        if (count > 0 && now - segment.lastBubble(slot) < Teredo.BUBBLE_WINDOW_SECONDS) {
            return false; // this period's renewal went out already, or the peer is being bubbled anyway
        }
        segment.setBubbles(slot, now, 1);
        return true;
    }

    /**
     * Under the segment lock: decides whether a bubble goes out now ({@link BubbleBudget}: at most {@value
     * Teredo#MAX_BUBBLES} per {@value Teredo#BUBBLE_WINDOW_SECONDS} s, {@value Teredo#BUBBLE_SPACING_SECONDS} s
     * apart, and for an unproved peer over its credit the relay's budget too, {@link #takeBubble}) and queues the
     * packet unless the peer is unreachable.
     */
    private int queueAndBubble(PeerTable.Segment segment, int slot, ByteBuf packet, int now, boolean overCredit) {
        int budget = overCredit ? takeBubble(segment, slot, now) : BubbleBudget.take(segment, slot, now);
        if (budget == BubbleBudget.SPENT) {
            // R-5.4.1-c3retry: give up. What waits for this peer waits in vain (R-5.4.1-delete): free its
            // queue now rather than at the entry's expiry, so silent peers cannot hold the queue budget.
            if (segment.hasQueue(slot)) {
                segment.drainQueue(slot, discardQueued);
            }
            return Bubbles.UNREACHABLE;
        }
        int decision =
                switch (budget) {
                    case BubbleBudget.SEND -> Bubbles.SEND;
                    case OVER_RELAY_BUDGET -> Bubbles.WAIT | Bubbles.OVER_BUDGET; // the packet waits as for the spacing
                    default -> Bubbles.WAIT;
                };
        if (!segment.queueMayHold(packet.readableBytes())) {
            // The peer's own queue is too small for it (queue-bytes-per-peer 0 queues nothing): no copy to
            // make, and not the table-wide bound, which the operator would otherwise be told to raise.
            return decision | Bubbles.QUEUE_FULL;
        }
        ByteBuf held = ExactCopy.of(packet, alloc);
        if (segment.enqueue(slot, held)) {
            return decision | Bubbles.QUEUED;
        }
        // Refused with no queue of its own yet, and the copy (charged its allocator slot) small enough for
        // one: the table-wide bound on queueing peers was reached.
        int full = segment.hasQueue(slot) || !segment.queueHolds(held) ? Bubbles.QUEUE_FULL : Bubbles.QUEUE_PEERS_FULL;
        held.release();
        return decision | full;
    }

    /**
     * Under the segment lock, for an unproved peer over its credit: {@link BubbleBudget#take}, but a bubble it would
     * send also takes one of the relay's budget ({@code relay.unknown-bubbles-per-second}, shared with the bubbles
     * to peers without an entry and by every event loop, lock-free). Anyone can forge such a peer (a packet whose
     * outer source matches its address), so without this a spoofer with no native host of its own could aim these
     * bubbles at port 3544 of any address from as many forged peers as it likes, each within its own limit. One of
     * the budget per handshake (on a restricted relay its direct bubble goes with the indirect one). Refused, it
     * returns {@link #OVER_RELAY_BUDGET} (counted as {@link Counter#BUBBLES_UNKNOWN_OVER_BUDGET} once the lock is
     * released) and leaves the peer's own count as it was, so that a flood spending the budget does not use up a
     * real peer's four bubbles and declare it unreachable.
     */
    private int takeBubble(PeerTable.Segment segment, int slot, int now) {
        if (BubbleBudget.decide(segment.bubbleCount(slot), segment.lastBubble(slot), now) == BubbleBudget.SEND
                && !unprovedBubbles.tryAcquireOrNone(now)) {
            return OVER_RELAY_BUDGET;
        }
        return BubbleBudget.take(segment, slot, now);
    }

    private void finishUntrusted(ByteBuf packet, int bubble, long dstHi, long dstLo, int now, RelayOutput out) {
        if (bubble == Bubbles.UNREACHABLE) {
            icmp.addressUnreachable(packet, now, out);
            drop(packet, DropReason.PEER_UNREACHABLE);
            return;
        }
        if ((bubble & Bubbles.QUEUED) != 0) {
            counters.increment(Counter.QUEUED_PACKETS); // the table holds a copy
            packet.release();
        } else {
            // R-5.4.1-limit
            drop(
                    packet,
                    (bubble & Bubbles.QUEUE_PEERS_FULL) != 0 ? DropReason.QUEUE_PEERS_FULL : DropReason.QUEUE_FULL);
        }
        if ((bubble & Bubbles.SEND) != 0) {
            // R-5.4.1-direct: open our own NAT, before the indirect bubble whose answer must pass it (as Miredo).
            if (settings.restricted()) {
                bubbles.sendDirect(dstHi, dstLo, out);
            }
            bubbles.sendIndirect(dstHi, dstLo, out);
        } else if ((bubble & Bubbles.OVER_BUDGET) != 0) {
            counters.increment(Counter.BUBBLES_UNKNOWN_OVER_BUDGET); // the relay's budget, not the peer's limit
        } else {
            counters.increment(Counter.BUBBLES_RATE_LIMITED);
        }
    }

    private void discardQueued(ByteBuf packet) {
        drop(packet, DropReason.PEER_UNREACHABLE);
    }

    private void drop(ByteBuf packet, DropReason reason) {
        counters.drop(reason);
        packet.release();
    }

    static long mapping(int ipv4, int port) {
        return (ipv4 & 0xFFFF_FFFFL) << 16 | port;
    }
}
