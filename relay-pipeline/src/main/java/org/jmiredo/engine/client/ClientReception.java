package org.jmiredo.engine.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.jmiredo.engine.BubbleBudget;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.PerSecondBudget;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;

/**
 * The client's reception rules, UDP to tunnel (RFC 4380 §5.2.3), for every datagram the qualification did
 * not take. From the server with an origin indication: a direct bubble to the origin, which opens our NAT to
 * the peer or relay that wants to reach us (as Miredo; R-5.2.3-serverorig). Then, by the IPv6 source: a
 * trusted peer at its mapping (case 1); the echo reply of our connectivity test, or the host's Destination
 * Unreachable quoting it (case 2, taken, not delivered); a Teredo peer at its embedded mapping (case 3,
 * trusted from then on), or a bubble that answers ours at the mapping it came from (Miredo's M15, for peers
 * that reach us from another port). Anything else
 * from a native source starts the connectivity test towards it and waits in the peer's queue (case 6, as
 * Miredo): it enters the tunnel if the test passes through the IPv4/port it came from, else it is dropped
 * ({@link DropReason#UNTESTED_MAPPING}). Packets queued for a peer, either way, leave when it becomes
 * trusted. One instance, on the client's one event loop.
 *
 * <p>Both answers go out one for one to whatever anyone sends: an origin indication from our server (rule 6 of
 * its §5.3.1 forwards a bubble from any native source to our address, to an origin the sender chooses), and a
 * packet from a native source speaking first (any IPv6 host, a new source each). Each has a per-second budget of
 * the whole client ({@code client.origin-bubbles-per-second}, {@code client.echo-tests-per-second}, 0 = unlimited):
 * beyond it the bubble is withheld ({@link Counter#ORIGIN_BUBBLES_RATE_LIMITED}) and the native packet dropped
 * without a test ({@link DropReason#ECHO_TEST_RATE_LIMITED}), so a flood costs at most that many datagrams a
 * second. A real client stays far below: each peer bubbles us at most once per 2 s (§5.2.6), and the table holds
 * {@code peers.max} peers at most (4,096 for a client), each tested again only when its trust lapsed (30 s).
 */
public final class ClientReception {
    private final ClientSelf self;
    private final PeerTable peers;
    private final Clock clock;
    private final DataPathCounters counters;
    private final ByteBufAllocator alloc;
    private final PerSecondBudget originBubbles;
    private final PerSecondBudget echoTests;
    private final ArrayDeque<ByteBuf> released = new ArrayDeque<>();
    private final Consumer<ByteBuf> collect = released::add;

    /** Without budgets on the answers to strangers (as Miredo). */
    public ClientReception(
            ClientSelf self, PeerTable peers, Clock clock, DataPathCounters counters, ByteBufAllocator alloc) {
        this(self, peers, clock, counters, alloc, 0, 0);
    }

    /**
     * @param alloc where the copies of held packets come from (pooled in the daemon)
     * @param originBubblesPerSecond the most direct bubbles a second to origins our server indicates, 0 = unlimited
     * @param echoTestsPerSecond the most echo tests a second for native sources speaking first, 0 = unlimited
     */
    public ClientReception(
            ClientSelf self,
            PeerTable peers,
            Clock clock,
            DataPathCounters counters,
            ByteBufAllocator alloc,
            int originBubblesPerSecond,
            int echoTestsPerSecond) {
        this.self = self;
        this.peers = peers;
        this.clock = clock;
        this.counters = counters;
        this.alloc = alloc;
        this.originBubbles = new PerSecondBudget(originBubblesPerSecond);
        this.echoTests = new PerSecondBudget(echoTestsPerSecond);
    }

    /**
     * A datagram whose headers parsed, from {@code srcIpv4:srcPort}: null when it was taken (delivered to the
     * tunnel through {@code out}, or consumed), else why not. The caller owns {@code buf}.
     */
    public DropReason fromUdp(ByteBuf buf, TeredoHeaders headers, int srcIpv4, int srcPort, RelayOutput out) {
        if (!self.isQualified()) {
            return DropReason.NOT_QUALIFIED;
        }
        if (!self.isServer(srcIpv4, srcPort) && (srcPort == 0 || !Ipv4.isGlobalUnicast(srcIpv4))) {
            // R-5.2.4-g4: a peer trusted at such a source would get our packets (0.0.0.0:0, loopback, a LAN
            // host); whoever sent it spoofed or misrouted it. Our own server is whatever the operator set.
            return DropReason.NON_GLOBAL_SOURCE;
        }
        int at = headers.ipv6Offset();
        boolean bubble = Ipv6.isBubble(buf, at);
        long srcHi = Ipv6.srcHi(buf, at);
        long srcLo = Ipv6.srcLo(buf, at);
        if (self.isServer(srcIpv4, srcPort) && headers.hasOrigin()) {
            // R-5.2.3-serverorig: the peer's own address may be a relay's, so answer its origin, not its address;
            // never towards a non-global one (R-5.2.4-g4), whatever the server says.
            int originIpv4 = headers.originIpv4(buf);
            int originPort = headers.originPort(buf);
            if (Ipv4.isGlobalUnicast(originIpv4) && originPort != 0) {
                if (originBubbles.tryAcquire(clock.nowSeconds())) {
                    self.sendBubble(srcHi, srcLo, originIpv4, originPort, Counter.BUBBLES_TX_DIRECT, out);
                } else {
                    counters.increment(Counter.ORIGIN_BUBBLES_RATE_LIMITED);
                }
            }
            if (bubble) {
                counters.increment(Counter.BUBBLES_RX);
                return null;
            }
        }
        if (Ipv6.isMulticast(Ipv6.dstHi(buf, at))) {
            return DropReason.MULTICAST;
        }
        if (!self.isTeredo(srcHi) && !ClientSelf.isGlobalPeer(srcHi, srcLo)) {
            // Link-local sources never into the tunnel: a forged RA could take the host's routes (Miredo).
            return DropReason.NOT_GLOBAL_SCOPE;
        }
        if (!bubble && !self.isSelf(Ipv6.dstHi(buf, at), Ipv6.dstLo(buf, at))) {
            return DropReason.DESTINATION_NOT_SERVED; // R-5.2.3-dst
        }
        return bubble
                ? bubbleFrom(buf, at, srcHi, srcLo, srcIpv4, srcPort, out)
                : dataFrom(buf, at, headers, srcHi, srcLo, srcIpv4, srcPort, out);
    }

    private DropReason bubbleFrom(
            ByteBuf buf, int at, long srcHi, long srcLo, int srcIpv4, int srcPort, RelayOutput out) {
        counters.increment(Counter.BUBBLES_RX);
        // M15: a peer whose NAT maps it to us from another port than its server saw (symmetric, or a port our
        // direct bubble took first) answers our probe from there; its keyed destination proves it saw ours.
        if (!self.isTeredo(srcHi)
                || !embedded(srcLo, srcIpv4, srcPort)
                        && !self.answersProbe(srcHi, srcLo, Ipv6.dstHi(buf, at), Ipv6.dstLo(buf, at))) {
            return DropReason.MAPPING_MISMATCH;
        }
        trust(srcHi, srcLo, srcIpv4, srcPort, out); // R-5.2.3-c3, R-5.2.3-c3bubble: discarded after
        return null;
    }

    private DropReason dataFrom(
            ByteBuf buf,
            int at,
            TeredoHeaders headers,
            long srcHi,
            long srcLo,
            int srcIpv4,
            int srcPort,
            RelayOutput out) {
        boolean teredo = self.isTeredo(srcHi);
        if (teredo && embedded(srcLo, srcIpv4, srcPort)) {
            trust(srcHi, srcLo, srcIpv4, srcPort, out); // R-5.2.3-c3
            return deliver(buf, headers, out);
        }
        int known = knownAt(srcHi, srcLo, srcIpv4, srcPort, teredo, out);
        if (known == KNOWN) {
            return deliver(buf, headers, out); // R-5.2.3-c1
        }
        if (teredo) {
            if (known == REBOUND) {
                self.sendProbeBubble(
                        srcHi,
                        srcLo,
                        TeredoAddress.serverIpv4(srcHi),
                        Teredo.SERVICE_PORT,
                        Counter.BUBBLES_TX_REBOUND,
                        out);
            }
            return DropReason.MAPPING_MISMATCH;
        }
        if (self.answersEchoTest(buf, at, srcHi, srcLo)) {
            trust(srcHi, srcLo, srcIpv4, srcPort, out); // R-5.2.3-c2: taken, not delivered
            counters.increment(Counter.ECHO_TESTS_PASSED);
            return null;
        }
        return holdAndTest(buf, headers, srcHi, srcLo, srcIpv4, srcPort, out); // R-5.2.3-c6
    }

    private static boolean embedded(long srcLo, int srcIpv4, int srcPort) {
        return TeredoAddress.mappedIpv4(srcLo) == srcIpv4 && TeredoAddress.mappedPort(srcLo) == srcPort;
    }

    /** What {@link #knownAt} found. */
    private static final int UNKNOWN = 0;

    private static final int KNOWN = 1;
    private static final int REBOUND = 2;

    /**
     * Case 1: {@link #KNOWN} when the peer is trusted at exactly this mapping; its receive time moves and its queue
     * leaves. {@link #REBOUND} when it is a Teredo peer trusted at another mapping that gets a probe bubble now:
     * the packet is dropped (R-5.2.3-c3), but the peer's NAT may have rebound its flow to us (a symmetric NAT's
     * mapping expired) while its server's flow kept its address, so it gets, through its server, the probe a lapse
     * of trust would send later (beyond the RFC, as the relay's {@code Reception}); its answer from the new
     * mapping, keyed to our probe (M15), trusts it there. Within the peer's {@link BubbleBudget#takeRebound}, so a
     * spoofer gets the real peer no more probes than the budget allows (one per 2 s while it answers, four per
     * 300 s once it does not), never one to the spoofed source. Nothing changes in the entry until that answer.
     */
    private int knownAt(long srcHi, long srcLo, int ipv4, int port, boolean teredo, RelayOutput out) {
        long hash = peers.hash(srcHi, srcLo);
        PeerTable.Segment segment = peers.segmentFor(hash);
        int known = UNKNOWN;
        segment.lock();
        try {
            int slot = segment.find(srcHi, srcLo, hash);
            if (slot >= 0 && segment.trusted(slot)) {
                if (segment.mappedIpv4(slot) == ipv4 && segment.mappedPort(slot) == port) {
                    markTrusted(segment, slot, ipv4, port, true);
                    known = KNOWN;
                } else if (teredo
                        && TeredoAddress.isReachable(srcHi, srcLo) // never a private server's
                        && BubbleBudget.takeRebound(segment, slot, clock.nowSeconds())) {
                    known = REBOUND;
                }
            }
        } finally {
            segment.unlock();
        }
        sendReleased(ipv4, port, out);
        return known;
    }

    /**
     * Trusts the peer at {@code ipv4:port}. A peer without an entry gets a FRESH one, not yet a use (R-7.3.5-state,
     * as the relay's {@code accept-matching}): one host can send such a packet from any number of Teredo addresses
     * that embed its own mapping (their server fields differ), and entries touched here looked to eviction like
     * peers in use, so a flood of them pushed out the peers really in use (a peer behind a symmetric NAT, trusted at
     * another port, then had its data dropped as {@code mapping_mismatch}). Its next packet, or ours to it, touches
     * it; until then it goes first, as the flood's own entries do.
     */
    private void trust(long srcHi, long srcLo, int ipv4, int port, RelayOutput out) {
        long hash = peers.hash(srcHi, srcLo);
        PeerTable.Segment segment = peers.segmentFor(hash);
        segment.lock();
        try {
            int slot = segment.find(srcHi, srcLo, hash);
            boolean known = slot >= 0;
            if (!known) {
                slot = segment.insertFresh(srcHi, srcLo, hash, clock.nowSeconds());
            }
            if (!segment.trusted(slot)) {
                counters.increment(Counter.PEERS_TRUSTED);
            }
            markTrusted(segment, slot, ipv4, port, known);
        } finally {
            segment.unlock();
        }
        sendReleased(ipv4, port, out);
    }

    /**
     * Under the lock: trusted at this mapping, heard from now, bubbles and tests reset, queue taken out; a use of
     * the entry when {@code use} (not for the packet that made it, {@link #trust}).
     */
    private void markTrusted(PeerTable.Segment segment, int slot, int ipv4, int port, boolean use) {
        int now = clock.nowSeconds();
        segment.setTrusted(slot, true);
        segment.setMapping(slot, ipv4, port, RelayOutput.ANY_LOCAL);
        segment.setLastRx(slot, now);
        segment.setBubbles(slot, segment.lastBubble(slot), 0);
        if (use) {
            segment.touch(slot, now);
        }
        if (segment.hasQueue(slot)) {
            segment.drainQueue(slot, collect); // R-5.2.3-c2, R-5.2.3-c3dequeue
        }
    }

    /**
     * Case 6: the echo test towards a native source, within the same budget as transmission's, and the packet
     * held meanwhile (bounded by the peer's queue). Once four tests went unanswered it is dropped. A packet that
     * would send a test when the client's second's budget of them is spent is dropped, neither held nor tested, the
     * peer's own budget untouched (its next packet may test it), and no entry made for a new peer. A packet that
     * would give a peer a new queue is held only while fewer than half of {@code max-queued-peers} hold one
     * ({@link #mayHoldForANewPeer}), so the tunnel's own packets to new destinations always find room.
     */
    private DropReason holdAndTest(
            ByteBuf buf, TeredoHeaders headers, long srcHi, long srcLo, int srcIpv4, int srcPort, RelayOutput out) {
        int now = clock.nowSeconds();
        long hash = peers.hash(srcHi, srcLo);
        PeerTable.Segment segment = peers.segmentFor(hash);
        int probe;
        boolean held = false;
        segment.lock();
        try {
            int slot = segment.find(srcHi, srcLo, hash);
            // The client's budget only when this packet would send a test (one held meanwhile waits for it), and
            // before a new peer gets an entry: a refused flood makes none.
            boolean tests = slot < 0
                    || BubbleBudget.decide(segment.bubbleCount(slot), segment.lastBubble(slot), now)
                            == BubbleBudget.SEND;
            if (tests && !echoTests.tryAcquire(now)) {
                return DropReason.ECHO_TEST_RATE_LIMITED;
            }
            if (slot < 0) {
                slot = segment.insert(srcHi, srcLo, hash, now);
            }
            probe = BubbleBudget.take(segment, slot, now);
            if (probe != BubbleBudget.SPENT && (segment.hasQueue(slot) || mayHoldForANewPeer())) {
                ByteBuf copy =
                        HeldPacket.copy(alloc, buf, headers.ipv6Offset(), headers.ipv6Length(), srcIpv4, srcPort);
                held = segment.enqueue(slot, copy);
                if (!held) {
                    copy.release();
                }
            }
        } finally {
            segment.unlock();
        }
        if (probe == BubbleBudget.SEND) {
            self.sendEchoTest(srcHi, srcLo, out);
        }
        if (probe == BubbleBudget.SPENT) {
            return DropReason.UNKNOWN_PEER;
        }
        if (!held) {
            return DropReason.QUEUE_FULL;
        }
        counters.increment(Counter.QUEUED_PACKETS);
        return null;
    }

    /**
     * Whether a packet from a native source speaking first may start a queue: while fewer than half of the queues
     * are taken. Anyone can send such packets, from a new IPv6 source each (no forged IPv4 needed), and each
     * held one took a queue for the 4 s its test waits ({@link PeerTable#QUEUE_WAIT_SECONDS}): a flood of them kept
     * the queues taken, and most first packets of our own to new destinations (a TCP SYN, a DNS query) were dropped
     * as {@code queue_full} while it went on (at 1,000 a second, 6 of 8 first pings in the lab). A packet not held
     * still starts the test, and its retransmission gets through once it passes.
     */
    private boolean mayHoldForANewPeer() {
        return peers.queuedPeers() < peers.maxQueuedPeers() / 2;
    }

    private DropReason deliver(ByteBuf buf, TeredoHeaders headers, RelayOutput out) {
        out.toTun(buf.retainedSlice(headers.ipv6Offset(), headers.ipv6Length()));
        return null;
    }

    /**
     * The packets just taken out of a queue: the tunnel's leave for {@code ipv4:port}; those held from the
     * native side enter the tunnel only if they came from there too (Miredo's rule for case 6) and are still
     * for our address.
     */
    private void sendReleased(int ipv4, int port, RelayOutput out) {
        ByteBuf packet;
        while ((packet = released.poll()) != null) {
            if (!HeldPacket.isHeld(packet)) {
                out.toUdp(packet, ipv4, port, RelayOutput.ANY_LOCAL, Counter.QUEUE_RELEASED_PACKETS);
            } else if (!HeldPacket.cameFrom(packet, ipv4, port)) {
                counters.drop(DropReason.UNTESTED_MAPPING);
                packet.release();
            } else if (!self.isSelf(HeldPacket.dstHi(packet), HeldPacket.dstLo(packet))) {
                // Held for the address we had before a new mapping gave us another (R-5.2.3-dst).
                counters.drop(DropReason.DESTINATION_NOT_SERVED);
                packet.release();
            } else {
                counters.increment(Counter.QUEUE_RELEASED_PACKETS);
                out.toTun(HeldPacket.packet(packet));
            }
        }
    }
}
