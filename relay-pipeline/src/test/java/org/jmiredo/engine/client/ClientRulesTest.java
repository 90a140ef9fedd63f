package org.jmiredo.engine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.IcmpErrors;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.proto.BubbleSource;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's data rules (RFC 4380 §5.2.3, §5.2.4, §5.2.6), in the CONFORMANCE lab addressing: our client
 * {@code CLIENT} (behind the NAT 198.51.100.20:40000) of server 198.51.100.1; a relay at 198.51.100.3:3545;
 * the native host 2001:db8:6::20; a Teredo peer of another server.
 */
class ClientRulesTest implements RelayOutput {
    record Sent(ByteBuf payload, String to) {}

    private static final long[] PEER = teredo("203.0.113.120", 0, "198.51.100.30", 50000);
    private static final String RELAY_AT = RELAY + ":3545";

    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    private final DataPathCounters counters = new DataPathCounters();
    private final PeerTable peers = new PeerTable(new PeerTableSettings(64, 1, 60, 4096, 8));
    private final int[] now = {1_000};
    private static final BubbleSource BUBBLE_SOURCE = new BubbleSource(17, 19);
    private final ClientSelf self = new ClientSelf(ipv4(PRIMARY), Teredo.PREFIX, 11, 13, BUBBLE_SOURCE, alloc);
    private final ClientTransmission transmission =
            new ClientTransmission(self, peers, new IcmpErrors(10, alloc, counters), () -> now[0], counters, alloc);
    private final ClientReception reception = new ClientReception(self, peers, () -> now[0], counters, alloc);
    private final List<Sent> udp = new ArrayList<>();
    private final List<ByteBuf> tun = new ArrayList<>();

    ClientRulesTest() {
        self.qualified(CLIENT[0], CLIENT[1]);
    }

    @Override
    public void toTun(ByteBuf packet) {
        tun.add(packet);
    }

    @Override
    public void toUdp(ByteBuf payload, int ipv4, int port, int local, Counter kind) {
        udp.add(new Sent(payload, org.jmiredo.proto.Ipv4.toString(ipv4) + ":" + port));
        counters.sent(kind, payload.readableBytes()); // as the real output counts what the kernel takes
    }

    @AfterEach
    void release() {
        udp.forEach(s -> s.payload().release());
        tun.forEach(ByteBuf::release);
        peers.close();
    }

    private void send(long[] dst) {
        transmission.fromTunnel(echo(CLIENT, dst, false, 16), this);
    }

    private DropReason receive(ByteBuf datagram, String ipv4, int port) {
        return receive(reception, datagram, ipv4, port);
    }

    private DropReason receive(ClientReception by, ByteBuf datagram, String ipv4, int port) {
        TeredoHeaders headers = new TeredoHeaders();
        assertThat(headers.parse(datagram)).isNull();
        try {
            return by.fromUdp(datagram, headers, ipv4(ipv4), port, this);
        } finally {
            datagram.release();
        }
    }

    private List<String> destinations() {
        return udp.stream().map(Sent::to).toList();
    }

    /** The echo reply of the native host to our test, as its relay carries it. */
    private ByteBuf testReply(long[] from) {
        ByteBuf data = alloc.heapBuffer().writeLong(self.nonce(from[0], from[1]));
        ByteBuf reply = alloc.heapBuffer();
        Icmpv6.appendEchoReply(reply, 64, from[0], from[1], CLIENT[0], CLIENT[1], 0, 0, data, 0, 8);
        data.release();
        return reply;
    }

    @Test
    void r52QualfirstNothingLeavesBeforeQualification() {
        self.unqualified();
        send(NATIVE);
        assertThat(udp).isEmpty();
        assertThat(counters.dropped(DropReason.NOT_QUALIFIED)).isEqualTo(1);
        assertThat(receive(bubble(PEER, CLIENT), "198.51.100.30", 50000)).isEqualTo(DropReason.NOT_QUALIFIED);
    }

    @Test
    void r524C2ANativeDestinationIsQueuedWhileTheEchoTestGoesThroughTheServer() {
        send(NATIVE);
        send(NATIVE); // R-5.2.6-2s: within 2 s, queued without a second test
        assertThat(destinations()).containsExactly(PRIMARY + ":3544");
        ByteBuf test = udp.getFirst().payload();
        assertThat(Icmpv6.type(test, Ipv6.HEADER_LENGTH)).isEqualTo(Icmpv6.TYPE_ECHO_REQUEST);
        assertThat(Ipv6.dstLo(test, 0)).isEqualTo(NATIVE[1]);
        assertThat(counters.get(Counter.QUEUED_PACKETS)).isEqualTo(2);
    }

    /** R-5.2.9-reply: the test's reply goes through case 2 of §5.2.3. */
    @Test
    void r523C2TheRightEchoReplyTrustsTheRelayAndReleasesTheQueue() {
        send(NATIVE);
        send(NATIVE);
        udp.forEach(s -> s.payload().release());
        udp.clear();
        assertThat(receive(testReply(NATIVE), RELAY, 3545)).isNull();
        assertThat(tun).as("the reply is taken, not delivered").isEmpty();
        assertThat(destinations()).containsExactly(RELAY_AT, RELAY_AT);
        send(NATIVE); // R-5.2.4-c1, R-5.2.9-when (a valid entry: no new test): now straight to the relay
        assertThat(destinations()).hasSize(3).last().isEqualTo(RELAY_AT);
        // R-5.2.3-c1: the relay's packets from the native host are delivered
        assertThat(receive(echo(NATIVE, CLIENT, true, 8), RELAY, 3545)).isNull();
        assertThat(tun).hasSize(1);
    }

    /**
     * R-5.2.3-c2, as Miredo (CONFORMANCE M13): a host that rejects pings answers our test with its own Destination
     * Unreachable quoting it; that names the relay that serves it as well as a reply: trusted, the queue released,
     * the error taken. The host may serve other traffic (a web server behind ip6tables REJECT).
     */
    @Test
    void r523C2TheHostsDestinationUnreachableQuotingOurTestTrustsTheRelay() {
        send(NATIVE);
        ByteBuf rejected = Icmpv6.destinationUnreachable(alloc, udp.getFirst().payload(), 1, NATIVE[0], NATIVE[1]);
        udp.forEach(s -> s.payload().release());
        udp.clear();
        assertThat(receive(rejected, RELAY, 3545)).isNull();
        assertThat(tun).as("taken, not delivered").isEmpty();
        assertThat(destinations()).as("the queued packet").containsExactly(RELAY_AT);
        assertThat(counters.get(Counter.ECHO_TESTS_PASSED)).isOne();
    }

    /** An error quoting another echo request, or about our test but from another host, proves nothing: held. */
    @Test
    void r523C2AnErrorQuotingAnythingElseTrustsNothing() {
        send(NATIVE);
        ByteBuf test = udp.getFirst().payload();
        ByteBuf ours = echo(CLIENT, NATIVE, false, 8);
        ByteBuf notOurs = Icmpv6.destinationUnreachable(alloc, ours, 1, NATIVE[0], NATIVE[1]);
        ours.release();
        assertThat(receive(notOurs, RELAY, 3545)).as("held").isNull();
        ByteBuf fromElsewhere = Icmpv6.destinationUnreachable(alloc, test, 1, NATIVE[0], NATIVE[1] + 1);
        assertThat(receive(fromElsewhere, RELAY, 3545)).as("held").isNull();
        ByteBuf cut =
                Icmpv6.destinationUnreachable(alloc, test.slice(0, Ipv6.HEADER_LENGTH + 12), 1, NATIVE[0], NATIVE[1]);
        assertThat(receive(cut, RELAY, 3545)).as("the nonce cut off: held").isNull();
        assertThat(counters.get(Counter.ECHO_TESTS_PASSED)).isZero();
        assertThat(counters.get(Counter.QUEUE_RELEASED_PACKETS)).isZero();
        assertThat(tun).isEmpty();
    }

    @Test
    void r523C2AWrongReplyTrustsNothingAndStartsATest() {
        send(NATIVE);
        assertThat(receive(echo(NATIVE, CLIENT, true, 8), RELAY, 3545))
                .as("held, not delivered")
                .isNull();
        assertThat(tun).isEmpty();
        assertThat(counters.get(Counter.QUEUE_RELEASED_PACKETS)).isZero();
        assertThat(counters.get(Counter.QUEUED_PACKETS)).isEqualTo(2);
    }

    @Test
    void r523C6ANativeHostSpeakingFirstIsHeldAndDeliveredOnceItsTestPassesThroughTheSameRelay() {
        ByteBuf first = echo(NATIVE, CLIENT, false, 8);
        ByteBuf expected = first.copy();
        assertThat(receive(first, RELAY, 3545)).isNull();
        assertThat(receive(echo(NATIVE, CLIENT, false, 9), RELAY, 3545))
                .as("R-5.2.6-2s: held, no second test")
                .isNull();
        assertThat(tun).isEmpty();
        assertThat(destinations()).containsExactly(PRIMARY + ":3544");
        assertThat(Icmpv6.type(udp.getFirst().payload(), Ipv6.HEADER_LENGTH)).isEqualTo(Icmpv6.TYPE_ECHO_REQUEST);

        assertThat(receive(testReply(NATIVE), RELAY, 3545)).isNull();
        assertThat(tun)
                .as("both held packets, oldest first; the test's reply itself is taken")
                .hasSize(2);
        assertThat(ByteBufUtil.equals(tun.getFirst(), expected)).isTrue();
        assertThat(Ipv6.payloadLength(tun.get(1), tun.get(1).readerIndex())).isEqualTo(Icmpv6.HEADER_LENGTH + 9);
        assertThat(counters.get(Counter.QUEUE_RELEASED_PACKETS)).isEqualTo(2);
        assertThat(destinations()).as("nothing of theirs leaves over UDP").hasSize(1);
        expected.release();
    }

    @Test
    void r523C6AHeldPacketFromAnotherIpv4OrPortThanTheTestsReplyIsDropped() {
        assertThat(receive(echo(NATIVE, CLIENT, false, 8), "198.51.100.4", 3545))
                .isNull();
        assertThat(receive(echo(NATIVE, CLIENT, false, 8), RELAY, 3546)).isNull();
        assertThat(receive(echo(NATIVE, CLIENT, false, 8), RELAY, 3545)).isNull();
        assertThat(receive(testReply(NATIVE), RELAY, 3545)).isNull();
        assertThat(tun).as("only the one from the test's relay").hasSize(1);
        assertThat(counters.dropped(DropReason.UNTESTED_MAPPING)).isEqualTo(2);
        assertThat(counters.get(Counter.QUEUE_RELEASED_PACKETS)).isEqualTo(1);
        // the host is trusted at the test's relay from now on
        assertThat(receive(echo(NATIVE, CLIENT, false, 8), RELAY, 3545)).isNull();
        assertThat(tun).hasSize(2);
    }

    @Test
    void r523DstAPacketHeldForTheAddressWeHadBeforeANewMappingIsNotDelivered() {
        assertThat(receive(echo(NATIVE, CLIENT, false, 8), RELAY, 3545)).isNull(); // held
        self.qualified(CLIENT2[0], CLIENT2[1]); // a new mapping, a new address (the test's hash is the same)
        ByteBuf reply = alloc.heapBuffer();
        ByteBuf data = alloc.heapBuffer().writeLong(self.nonce(NATIVE[0], NATIVE[1]));
        Icmpv6.appendEchoReply(reply, 64, NATIVE[0], NATIVE[1], CLIENT2[0], CLIENT2[1], 0, 0, data, 0, 8);
        data.release();
        assertThat(receive(reply, RELAY, 3545)).isNull();
        assertThat(counters.get(Counter.ECHO_TESTS_PASSED)).isEqualTo(1);
        assertThat(tun).as("not for our address any more").isEmpty();
        assertThat(counters.dropped(DropReason.DESTINATION_NOT_SERVED)).isEqualTo(1);
    }

    @Test
    void r523C6OneQueueForBothDirectionsEachPacketLeavesItsOwnWay() {
        send(NATIVE); // ours, queued: the test goes out
        assertThat(receive(echo(NATIVE, CLIENT, false, 8), RELAY, 3545)).isNull(); // theirs, held
        udp.forEach(s -> s.payload().release());
        udp.clear();
        assertThat(receive(testReply(NATIVE), RELAY, 3545)).isNull();
        assertThat(destinations()).as("ours to the relay that answered").containsExactly(RELAY_AT);
        assertThat(Ipv6.srcLo(udp.getFirst().payload(), 0)).isEqualTo(CLIENT[1]);
        assertThat(tun).as("theirs into the tunnel").hasSize(1);
        assertThat(Ipv6.srcLo(tun.getFirst(), 0)).isEqualTo(NATIVE[1]);
        assertThat(counters.get(Counter.QUEUE_RELEASED_PACKETS)).isEqualTo(2);
    }

    @Test
    void r523C6HeldPacketsAreBoundedByThePeersQueue() {
        List<DropReason> outcomes = new ArrayList<>();
        // Each held as 64 bytes (the echo and where it came from), charged a 64-byte slot and 136 of heap: 19
        // fill the 4,096-byte queue with its own 256.
        for (int i = 0; i < 64; i++) {
            outcomes.add(receive(echo(NATIVE, CLIENT, false, 8), RELAY, 3545));
        }
        assertThat(counters.get(Counter.QUEUED_PACKETS)).isEqualTo(19);
        assertThat(outcomes.subList(19, 64)).containsOnly(DropReason.QUEUE_FULL);
        assertThat(peers.queuedPeers()).isEqualTo(1);
    }

    @Test
    void r523C6OnceFourTestsWentUnansweredNothingMoreIsHeld() {
        for (int i = 0; i < 4; i++) {
            assertThat(receive(echo(NATIVE, CLIENT, false, 8), RELAY, 3545)).isNull();
            now[0] += 2;
        }
        assertThat(counters.get(Counter.ECHO_TESTS_TX)).isEqualTo(4);
        assertThat(receive(echo(NATIVE, CLIENT, false, 8), RELAY, 3545)).isEqualTo(DropReason.UNKNOWN_PEER);
        assertThat(counters.get(Counter.QUEUED_PACKETS)).isEqualTo(4);
    }

    @Test
    void r524C2retryFourTestsTwoSecondsApartThenAddressUnreachable() {
        for (int i = 0; i < 4; i++) {
            send(NATIVE);
            now[0] += 2;
        }
        assertThat(destinations())
                .containsExactly(PRIMARY + ":3544", PRIMARY + ":3544", PRIMARY + ":3544", PRIMARY + ":3544");
        send(NATIVE);
        assertThat(udp).hasSize(4);
        assertThat(counters.dropped(DropReason.PEER_UNREACHABLE)).isEqualTo(1);
        assertThat(tun).hasSize(1); // ICMPv6 address unreachable back to the sender
        ByteBuf error = tun.getFirst();
        assertThat(Icmpv6.type(error, Ipv6.HEADER_LENGTH)).isEqualTo(Icmpv6.TYPE_DESTINATION_UNREACHABLE);
        assertThat(Icmpv6.code(error, Ipv6.HEADER_LENGTH)).isEqualTo(Icmpv6.CODE_ADDRESS_UNREACHABLE);
        // RFC 4443 §2.2: from an address of the node that generates the error, our own (as Miredo's client),
        // not the unreachable destination (the relay's choice, which has no address of its own on the tunnel)
        assertThat(Ipv6.srcHi(error, 0)).isEqualTo(CLIENT[0]);
        assertThat(Ipv6.srcLo(error, 0)).isEqualTo(CLIENT[1]);
        assertThat(Ipv6.dstHi(error, 0)).isEqualTo(CLIENT[0]);
        assertThat(Ipv6.dstLo(error, 0)).isEqualTo(CLIENT[1]);
        assertThat(Checksum.verifies(error, 0)).isTrue();
    }

    @Test
    void r524C5ATeredoPeerGetsADirectAndAnIndirectBubbleThroughItsOwnServer() {
        send(PEER);
        // R-5.2.4-c5direct, R-5.2.6-direct (to the embedded mapping; always, R-5.2.4-alwaysdirect: we are never
        // a cone client), R-5.2.4-c5indirect, R-5.2.6-indirect: its server, not ours
        assertThat(destinations()).containsExactly("198.51.100.30:50000", "203.0.113.120:3544");
        for (Sent sent : udp) {
            // M14: from fe80:: plus the keyed hash of the peer's address, so that its answer can be checked
            assertThat(Ipv6.isBubble(sent.payload(), 0)).isTrue();
            assertThat(Ipv6.srcHi(sent.payload(), 0)).isEqualTo(BubbleSource.LINK_LOCAL_HI);
            assertThat(Ipv6.srcLo(sent.payload(), 0)).isEqualTo(BUBBLE_SOURCE.interfaceId(PEER[0], PEER[1]));
            assertThat(Ipv6.dstLo(sent.payload(), 0)).isEqualTo(PEER[1]);
        }
    }

    /**
     * R-5.2.6-entry, R-5.2.6-count, R-5.2.6-max4, R-5.2.4-c5retry (M19: no timers, a retry rides on the next
     * packet), and R6081-3-finite: a peer that never answers gets its first bubbles at once (the new entry does
     * not count as a recent send), one more pair every 2 s while packets come (a direct+indirect pair counts as
     * one bubble, K11), 4 in all; then address unreachable, until 300 s after the last.
     */
    @Test
    void r526Max4ASilentPeerGetsFourBubblePairsTwoSecondsApartThenAddressUnreachable() {
        List<String> pair = List.of("198.51.100.30:50000", "203.0.113.120:3544");
        List<String> expected = new ArrayList<>();
        int start = now[0];
        for (int attempt = 0; attempt < 4; attempt++) {
            for (int i = 0; i < 5; i++) {
                send(PEER); // R-5.2.6-2s: only the first of the second sends a pair
            }
            expected.addAll(pair);
            assertThat(destinations()).as("attempt %d", attempt).isEqualTo(expected);
            now[0] += Teredo.BUBBLE_SPACING_SECONDS;
        }
        assertThat(udp)
                .allSatisfy(sent -> assertThat(Ipv6.isBubble(sent.payload(), 0)).isTrue());
        for (; now[0] < start + 6 + Teredo.BUBBLE_WINDOW_SECONDS; now[0] += 30) {
            send(PEER);
        }
        assertThat(destinations()).as("no fifth bubble in 300 s").hasSize(8);
        assertThat(counters.dropped(DropReason.PEER_UNREACHABLE)).isEqualTo(10);
        assertThat(tun).isNotEmpty().allSatisfy(error -> assertThat(Icmpv6.type(error, Ipv6.HEADER_LENGTH))
                .isEqualTo(Icmpv6.TYPE_DESTINATION_UNREACHABLE));
        now[0] = start + 6 + Teredo.BUBBLE_WINDOW_SECONDS;
        send(PEER);
        assertThat(destinations()).as("the window is over: a new attempt").hasSize(10);
    }

    /**
     * R-5.2.4-c4 as RFC 5991 §3.2 overrides it (R5991-3.2-ignore, R-5.2.4-ignorecone): a peer whose address
     * has the cone bit gets bubbles like any other, not data sent straight to its embedded mapping.
     */
    @Test
    void r524C4TheConeBitOfAPeerIsIgnored() {
        long[] conePeer = teredo("203.0.113.120", Teredo.FLAG_CONE, "198.51.100.30", 50000);
        send(conePeer);
        assertThat(destinations()).containsExactly("198.51.100.30:50000", "203.0.113.120:3544");
        assertThat(udp)
                .allSatisfy(sent -> assertThat(Ipv6.isBubble(sent.payload(), 0)).isTrue());
        assertThat(counters.get(Counter.QUEUED_PACKETS)).isEqualTo(1); // R-5.2.4-c5queue
    }

    /**
     * R5991-3.1-rx, R-4-zbits: a peer whose address has every random flag bit set (0x3CFF) is bubbled at the
     * mapping its address embeds and trusted by its answer, as one with flags 0.
     */
    @Test
    void r5991RandomFlagBitsOfAPeerAreOpaque() {
        long[] randomPeer = teredo("203.0.113.120", 0x3CFF, "198.51.100.30", 50000);
        send(randomPeer);
        assertThat(destinations()).containsExactly("198.51.100.30:50000", "203.0.113.120:3544");
        udp.forEach(s -> s.payload().release());
        udp.clear();
        assertThat(receive(bubble(randomPeer, CLIENT), "198.51.100.30", 50000)).isNull();
        assertThat(destinations()).containsExactly("198.51.100.30:50000"); // the queued packet
        assertThat(receive(echo(randomPeer, CLIENT, false, 8), "198.51.100.30", 50000))
                .isNull();
        assertThat(tun).hasSize(1);
    }

    /**
     * R-5.2.9-echo, R-5.2.9-viaserver, R-5.2.9-store (M13: the nonce is a keyed hash of the host's address, so no
     * provisional entry holds it): the direct IPv6 connectivity test is an echo request from our Teredo
     * address to the native host, sent to our server's port 3544, whose data is a 64-bit nonce.
     */
    @Test
    void r529EchoTheTestIsAnEchoRequestFromOurAddressThroughOurServerWithANonce() {
        send(NATIVE);
        assertThat(destinations()).containsExactly(PRIMARY + ":3544");
        ByteBuf test = udp.getFirst().payload();
        int icmp = Ipv6.HEADER_LENGTH;
        assertThat(Ipv6.srcHi(test, 0)).isEqualTo(CLIENT[0]);
        assertThat(Ipv6.srcLo(test, 0)).isEqualTo(CLIENT[1]);
        assertThat(Ipv6.dstHi(test, 0)).isEqualTo(NATIVE[0]);
        assertThat(Ipv6.dstLo(test, 0)).isEqualTo(NATIVE[1]);
        assertThat(Icmpv6.type(test, icmp)).isEqualTo(Icmpv6.TYPE_ECHO_REQUEST);
        assertThat(test.readableBytes() - icmp - Icmpv6.ECHO_DATA_OFFSET).isGreaterThanOrEqualTo(8);
        long nonce = test.getLong(icmp + Icmpv6.ECHO_DATA_OFFSET);
        assertThat(nonce).isEqualTo(self.nonce(NATIVE[0], NATIVE[1]));
        ClientSelf otherKey = new ClientSelf(ipv4(PRIMARY), Teredo.PREFIX, 12, 13, BUBBLE_SOURCE, alloc);
        assertThat(otherKey.nonce(NATIVE[0], NATIVE[1]))
                .as("unpredictable without the key")
                .isNotEqualTo(nonce);
    }

    /**
     * M15: the peer's NAT maps it to us from another port than the one its server saw (symmetric, or Linux when
     * our direct bubble took the tuple): its answer to our bubble, addressed to our keyed source, trusts it at
     * the mapping it came from and releases the queue there. Miredo's client does the same.
     */
    @Test
    void m15TheAnswerToOurBubbleFromAnotherMappingTrustsThePeerThere() {
        send(PEER);
        udp.forEach(s -> s.payload().release());
        udp.clear();
        long[] ourSource = {BubbleSource.LINK_LOCAL_HI, BUBBLE_SOURCE.interfaceId(PEER[0], PEER[1])};
        assertThat(receive(bubble(PEER, ourSource), "198.51.100.30", 50001)).isNull();
        assertThat(destinations()).containsExactly("198.51.100.30:50001"); // the queued packet
        assertThat(receive(echo(PEER, CLIENT, false, 8), "198.51.100.30", 50001))
                .isNull();
        assertThat(tun).hasSize(1);
        send(PEER);
        assertThat(destinations()).containsExactly("198.51.100.30:50001", "198.51.100.30:50001");
    }

    /**
     * Beyond the RFC (R-5.2.3-c3 and M15 stand): the peer's NAT rebinds its flow to us to another port (its server's flow, so its address,
     * kept). Its next packet is dropped (R-5.2.3-c3) but sends our probe bubble through its server at once, and
     * its answer from the new port (M15) trusts it there, rather than at the lapse of trust up to 30 s later.
     * Forged packets from many mappings get the peer no more than the probe budget: 4 in 300 s unanswered.
     */
    @Test
    void r523C3M15ReboundATrustedPeerSeenAtANewMappingIsProbedThroughItsServerAndTrustedThereOnItsAnswer() {
        send(PEER);
        long[] ourSource = {BubbleSource.LINK_LOCAL_HI, BUBBLE_SOURCE.interfaceId(PEER[0], PEER[1])};
        assertThat(receive(bubble(PEER, ourSource), "198.51.100.30", 50001)).isNull();
        udp.forEach(s -> s.payload().release());
        udp.clear();
        now[0] += 5;

        assertThat(receive(echo(PEER, CLIENT, false, 8), "198.51.100.30", 50002))
                .isEqualTo(DropReason.MAPPING_MISMATCH);
        assertThat(tun).isEmpty();
        assertThat(destinations()).as("through its server only").containsExactly("203.0.113.120:3544");
        ByteBuf probe = udp.getFirst().payload();
        assertThat(Ipv6.isBubble(probe, 0)).isTrue();
        assertThat(new long[] {Ipv6.srcHi(probe, 0), Ipv6.srcLo(probe, 0)}).containsExactly(ourSource);
        assertThat(counters.get(Counter.BUBBLES_TX_REBOUND)).isEqualTo(1);
        assertThat(receive(echo(PEER, CLIENT, false, 8), "198.51.100.30", 50002))
                .isEqualTo(DropReason.MAPPING_MISMATCH);
        assertThat(destinations()).as("2 s apart").hasSize(1);
        send(PEER);
        assertThat(destinations()).as("still sent where it is trusted").endsWith("198.51.100.30:50001");

        assertThat(receive(bubble(PEER, ourSource), "198.51.100.30", 50002)).isNull(); // the answer
        assertThat(receive(echo(PEER, CLIENT, false, 8), "198.51.100.30", 50002))
                .isNull();
        assertThat(tun).hasSize(1);
        send(PEER);
        assertThat(destinations()).endsWith("198.51.100.30:50002");

        udp.forEach(s -> s.payload().release());
        udp.clear();
        int start = now[0];
        for (int n = 0; now[0] < start + Teredo.BUBBLE_WINDOW_SECONDS; now[0]++, n++) {
            assertThat(receive(echo(PEER, CLIENT, false, 8), "203.0.113." + (1 + n % 200), 1024 + n))
                    .isEqualTo(DropReason.MAPPING_MISMATCH);
        }
        assertThat(destinations())
                .as("forged: the budget's 4 in 300 s, through the server")
                .containsExactly(
                        "203.0.113.120:3544", "203.0.113.120:3544", "203.0.113.120:3544", "203.0.113.120:3544");
        assertThat(tun).hasSize(1);
    }

    /**
     * A peer trusted where its outer address matched its mapping, whose address names a private server, gets no
     * rebound probe: it would go to that server, where the client never sends (R-5.4.1-g4's rule, as the relay).
     */
    @Test
    void r523C3M15ReboundNoProbeToAPeerNamingAPrivateServer() {
        long[] peer = teredo("10.1.2.3", 0, "198.51.100.30", 50000);
        assertThat(receive(echo(peer, CLIENT, false, 8), "198.51.100.30", 50000))
                .isNull();
        assertThat(tun).as("trusted where its outer address matched").hasSize(1);
        udp.forEach(s -> s.payload().release());
        udp.clear();
        now[0] += 5;
        assertThat(receive(echo(peer, CLIENT, false, 8), "198.51.100.30", 50001))
                .isEqualTo(DropReason.MAPPING_MISMATCH);
        assertThat(destinations()).as("nothing towards 10.1.2.3").isEmpty();
        assertThat(counters.get(Counter.BUBBLES_TX_REBOUND)).isZero();
    }

    @Test
    void m15ABubbleFromAnotherMappingNotAddressedToOurKeyedSourceIsRefused() {
        send(PEER);
        long[] guessed = {BubbleSource.LINK_LOCAL_HI, BUBBLE_SOURCE.interfaceId(PEER[0], PEER[1]) ^ 4};
        long[] otherPeer = teredo("203.0.113.120", 0, "198.51.100.30", 50002);
        assertThat(receive(bubble(PEER, guessed), "198.51.100.30", 50001)).isEqualTo(DropReason.MAPPING_MISMATCH);
        assertThat(receive(bubble(PEER, CLIENT), "198.51.100.30", 50001)).isEqualTo(DropReason.MAPPING_MISMATCH);
        // Our source for PEER does not vouch for another address that came from the same port.
        assertThat(receive(
                        bubble(
                                otherPeer,
                                new long[] {BubbleSource.LINK_LOCAL_HI, BUBBLE_SOURCE.interfaceId(PEER[0], PEER[1])}),
                        "198.51.100.30",
                        50001))
                .isEqualTo(DropReason.MAPPING_MISMATCH);
        assertThat(counters.get(Counter.PEERS_TRUSTED)).isZero();
    }

    @Test
    void r523C3ABubbleFromTheEmbeddedMappingTrustsThePeerAndReleasesTheQueue() {
        send(PEER);
        send(PEER);
        udp.forEach(s -> s.payload().release());
        udp.clear();
        assertThat(receive(bubble(PEER, CLIENT), "198.51.100.30", 50000)).isNull();
        assertThat(tun).as("R-5.2.3-c3bubble: not delivered").isEmpty();
        assertThat(destinations()).containsExactly("198.51.100.30:50000", "198.51.100.30:50000"); // R-5.2.3-c3dequeue
        assertThat(receive(echo(PEER, CLIENT, false, 8), "198.51.100.30", 50000))
                .isNull();
        assertThat(tun).hasSize(1);
    }

    @Test
    void fromTheTunnelBytesAfterThePacketAreCutAndAnEmptyPayloadMustSayNoNextHeader() {
        assertThat(receive(bubble(PEER, CLIENT), "198.51.100.30", 50000)).isNull();
        udp.forEach(s -> s.payload().release());
        udp.clear();
        ByteBuf withTail = echo(CLIENT, PEER, false, 24);
        withTail.setShort(4, 16); // 16 bytes of payload announced, 16 more behind them
        transmission.fromTunnel(withTail, this);
        assertThat(destinations()).containsExactly("198.51.100.30:50000");
        assertThat(udp.getFirst().payload().readableBytes())
                .as("no bytes a peer would read as trailers")
                .isEqualTo(Ipv6.HEADER_LENGTH + 16);

        ByteBuf empty = echo(CLIENT, PEER, false, 8);
        empty.setShort(4, 0); // payload length 0, next header ICMPv6
        transmission.fromTunnel(empty, this);
        assertThat(destinations()).hasSize(1);
        assertThat(counters.dropped(DropReason.MALFORMED_IPV6)).isEqualTo(1);
    }

    @Test
    void r523C3AnotherPortThanTheEmbeddedOneIsNotTrusted() {
        assertThat(receive(echo(PEER, CLIENT, false, 8), "198.51.100.30", 50001))
                .isEqualTo(DropReason.MAPPING_MISMATCH);
        assertThat(tun).isEmpty();
    }

    @Test
    void r524ValidATrustedPeerSilentFor30sIsBubbledAgain() {
        receive(bubble(PEER, CLIENT), "198.51.100.30", 50000);
        send(PEER);
        assertThat(destinations()).containsExactly("198.51.100.30:50000");
        now[0] += Teredo.TRUST_SECONDS;
        send(PEER);
        assertThat(destinations()).containsExactly("198.51.100.30:50000", "198.51.100.30:50000", "203.0.113.120:3544");
        assertThat(Ipv6.isBubble(udp.get(1).payload(), 0)).isTrue();
    }

    @Test
    void r524G4AnEmbeddedPrivateAddressIsNeverSentTo() {
        send(teredo(PRIMARY, 0, "10.0.0.1", 40000));
        assertThat(udp).isEmpty();
        assertThat(counters.dropped(DropReason.NON_GLOBAL_DESTINATION)).isEqualTo(1);
    }

    /**
     * R-5.2.4-g4 from the other side: a datagram from a non-global IPv4 or port 0 (spoofed; ClientFuzzTest
     * found it) must not trust anyone there, or the queued packets go to 0.0.0.0:0, loopback or a LAN host.
     */
    @Test
    void r524G4NothingIsTrustedAtANonGlobalSource() {
        send(NATIVE);
        send(PEER);
        udp.forEach(s -> s.payload().release());
        udp.clear();
        assertThat(receive(testReply(NATIVE), "0.0.0.0", 0)).isEqualTo(DropReason.NON_GLOBAL_SOURCE);
        assertThat(receive(testReply(NATIVE), "127.0.0.1", 3545)).isEqualTo(DropReason.NON_GLOBAL_SOURCE);
        assertThat(receive(testReply(NATIVE), RELAY, 0)).isEqualTo(DropReason.NON_GLOBAL_SOURCE);
        long[] privatePeer = teredo("203.0.113.120", 0, "10.0.0.1", 50000);
        assertThat(receive(bubble(privatePeer, CLIENT), "10.0.0.1", 50000)).isEqualTo(DropReason.NON_GLOBAL_SOURCE);
        assertThat(udp).isEmpty();
        assertThat(tun).isEmpty();
        assertThat(counters.get(Counter.PEERS_TRUSTED)).isZero();
    }

    /**
     * RFC 4380 §7.3.5 (limit the state for new peers), as the relay's R-7.3.5-state: one host, without forging its
     * source, sends bubbles from 4 x the table's capacity of Teredo addresses that all embed its own mapping (their
     * server fields differ), each trusted at once (R-5.2.3-c3). They must not push out the peers in use: a peer
     * behind a symmetric NAT trusted at another port than its address embeds (M15), whose data would be dropped as
     * {@code mapping_mismatch} once its entry went, and a native host trusted through its relay, whose traffic would
     * wait for a new test. Before, each such bubble made an entry that eviction took for a peer in use.
     */
    @Test
    void r735StateForgedTeredoPeersDoNotPushPeersInUseOutOfTheTable() {
        send(PEER);
        long[] ourSource = {BubbleSource.LINK_LOCAL_HI, BUBBLE_SOURCE.interfaceId(PEER[0], PEER[1])};
        assertThat(receive(bubble(PEER, ourSource), "198.51.100.30", 50001)).isNull();
        send(NATIVE);
        assertThat(receive(testReply(NATIVE), RELAY, 3545)).isNull();
        udp.forEach(s -> s.payload().release());
        udp.clear();
        int capacity = peers.capacity();
        int gap = capacity; // as many forged peers between two uses as the table holds
        for (int n = 0; n < 4 * capacity; n++) {
            long[] forged = teredo("203.0.113." + (1 + n % 250), n / 250, "203.0.113.66", 4444);
            assertThat(receive(bubble(forged, CLIENT), "203.0.113.66", 4444)).isNull();
            if (n % gap == gap - 1) { // both peers in use all along: a packet from each, one to each
                now[0]++;
                assertThat(receive(echo(PEER, CLIENT, false, 8), "198.51.100.30", 50001))
                        .as("after %d", n + 1)
                        .isNull();
                assertThat(receive(echo(NATIVE, CLIENT, false, 8), RELAY, 3545))
                        .as("after %d", n + 1)
                        .isNull();
                send(PEER);
                send(NATIVE);
            }
        }
        assertThat(destinations())
                .as("straight to each, no new bubble or test")
                .containsOnly("198.51.100.30:50001", RELAY_AT);
        assertThat(tun).hasSize(2 * (4 * capacity / gap));
        assertThat(peers.size()).isLessThanOrEqualTo(capacity);
    }

    /**
     * R-5.2.3-c6 under a flood: a stranger sends data from 4 x max-queued-peers native sources (no forged IPv4 needed),
     * each held while its test goes. They may take at most half of the queues: our own first packet to a new
     * destination is still queued while its test goes, and leaves when it passes. Before, they took every queue
     * for the 4 s their tests waited and our packet was dropped as {@code queue_full}.
     */
    @Test
    void r523C6NativeSourcesSpeakingFirstLeaveQueuesForOurOwnPackets() {
        int maxQueued = peers.maxQueuedPeers();
        for (int n = 1; n <= 4 * maxQueued; n++) {
            assertThat(receive(
                            echo(v6("2001:db8:77::" + Integer.toHexString(n)), CLIENT, false, 8), "203.0.113.66", 4444))
                    .isIn(null, DropReason.QUEUE_FULL);
        }
        assertThat(destinations()).as("every source tested all the same").hasSize(4 * maxQueued);
        udp.forEach(s -> s.payload().release());
        udp.clear();
        long full = counters.dropped(DropReason.QUEUE_FULL);
        send(NATIVE);
        assertThat(counters.dropped(DropReason.QUEUE_FULL)).as("our own packet").isEqualTo(full);
        assertThat(receive(testReply(NATIVE), RELAY, 3545)).isNull();
        assertThat(destinations()).containsExactly(PRIMARY + ":3544", RELAY_AT);
        assertThat(counters.get(Counter.QUEUED_PACKETS))
                .as("held: half of the queues, and ours")
                .isEqualTo(maxQueued / 2 + 1);
    }

    /**
     * R5991-3.2-reply (any client answers indirect bubbles), K12: answered with a direct bubble to the origin,
     * not the echo test; the one bubble we send on reception (R-5.2.3-bubblemay).
     */
    @Test
    void r523ServerorigAnIndirectBubbleIsAnsweredWithADirectBubbleToTheOrigin() {
        assertThat(receive(withOrigin(bubble(NATIVE, CLIENT), RELAY, 3545), PRIMARY, 3544))
                .isNull();
        assertThat(destinations()).containsExactly(RELAY_AT);
        ByteBuf answer = udp.getFirst().payload();
        assertThat(Ipv6.srcLo(answer, 0)).isEqualTo(CLIENT[1]);
        assertThat(Ipv6.dstLo(answer, 0)).isEqualTo(NATIVE[1]);
        assertThat(tun).isEmpty();
    }

    /**
     * R-5.2.3-serverorig within {@code client.origin-bubbles-per-second}: through our server (its rule 6) anyone can
     * send us bubbles naming any origin, and each was answered with a direct bubble there, one for one without a
     * bound. Now at most the budget a second for the whole client, the others counted; each such datagram is still
     * taken, and the next second's budget answers again.
     */
    @Test
    void r523ServerorigDirectBubblesToOriginsStayWithinTheClientsBudget() {
        ClientReception budgeted = new ClientReception(self, peers, () -> now[0], counters, alloc, 3, 0);
        for (int n = 1; n <= 10; n++) {
            assertThat(receive(budgeted, withOrigin(bubble(NATIVE, CLIENT), "203.0.113." + n, 3545), PRIMARY, 3544))
                    .isNull();
        }
        assertThat(destinations()).containsExactly("203.0.113.1:3545", "203.0.113.2:3545", "203.0.113.3:3545");
        assertThat(counters.get(Counter.ORIGIN_BUBBLES_RATE_LIMITED)).isEqualTo(7);
        assertThat(counters.get(Counter.BUBBLES_RX))
                .as("every bubble taken all the same")
                .isEqualTo(10);
        now[0]++;
        assertThat(receive(budgeted, withOrigin(bubble(NATIVE, CLIENT), RELAY, 3545), PRIMARY, 3544))
                .isNull();
        assertThat(destinations()).as("a new second").hasSize(4).endsWith(RELAY_AT);
    }

    /**
     * R-5.2.3-c6 within {@code client.echo-tests-per-second}: any IPv6 host can send us data from a new native source
     * each, and each made one echo test through our server, without a bound. Now at most the budget a second for the
     * whole client: beyond it the packet is dropped untested and the source gets no entry. A source whose test went
     * out is still held while it waits (no new test asked), our own packets to new destinations are tested as
     * before, and a refused source's next packet, a second later, is tested.
     */
    @Test
    void r523C6EchoTestsForNativeSourcesSpeakingFirstStayWithinTheClientsBudget() {
        ClientReception budgeted = new ClientReception(self, peers, () -> now[0], counters, alloc, 0, 2);
        for (int n = 1; n <= 10; n++) {
            assertThat(receive(budgeted, echo(v6("2001:db8:77::" + n), CLIENT, false, 8), "203.0.113.66", 4444))
                    .isEqualTo(n <= 2 ? null : DropReason.ECHO_TEST_RATE_LIMITED);
        }
        assertThat(counters.get(Counter.ECHO_TESTS_TX)).isEqualTo(2);
        assertThat(peers.size()).as("no entry for the refused").isEqualTo(2);
        assertThat(receive(budgeted, echo(v6("2001:db8:77::1"), CLIENT, false, 9), "203.0.113.66", 4444))
                .as("tested 0 s ago: held, waiting for that test")
                .isNull();
        send(NATIVE);
        assertThat(counters.get(Counter.ECHO_TESTS_TX)).as("ours").isEqualTo(3);
        now[0]++;
        assertThat(receive(budgeted, echo(v6("2001:db8:77::3"), CLIENT, false, 8), "203.0.113.66", 4444))
                .isNull();
        assertThat(counters.get(Counter.ECHO_TESTS_TX)).isEqualTo(4);
    }

    @Test
    void r524G4NoBubbleToANonGlobalOriginWhateverTheServerSays() {
        assertThat(receive(withOrigin(bubble(NATIVE, CLIENT), "10.1.2.3", 3545), PRIMARY, 3544))
                .isNull();
        assertThat(receive(withOrigin(bubble(NATIVE, CLIENT), RELAY, 0), PRIMARY, 3544))
                .isNull();
        assertThat(udp).isEmpty();
    }

    @Test
    void r523DstDataForAnotherAddressIsNotDelivered() {
        receive(bubble(PEER, CLIENT), "198.51.100.30", 50000);
        assertThat(receive(echo(PEER, CLIENT2, false, 8), "198.51.100.30", 50000))
                .isEqualTo(DropReason.DESTINATION_NOT_SERVED);
        assertThat(tun).isEmpty();
    }

    @Test
    void nonGlobalNativePeersAreNeitherTestedNorKept() {
        assertThat(receive(echo(v6("::1"), CLIENT, false, 8), PRIMARY, 3544)).isEqualTo(DropReason.NOT_GLOBAL_SCOPE);
        assertThat(receive(echo(v6("::1:2:3:4"), CLIENT, false, 8), RELAY, 3545))
                .isEqualTo(DropReason.NOT_GLOBAL_SCOPE);
        assertThat(receive(echo(v6("fe80::1"), CLIENT, false, 8), RELAY, 3545)).isEqualTo(DropReason.NOT_GLOBAL_SCOPE);
        send(v6("::1:2:3:4"));
        assertThat(udp).isEmpty();
        assertThat(counters.dropped(DropReason.NOT_GLOBAL_SCOPE))
                .as("the tunnel side counts; UDP returns")
                .isEqualTo(1);
        assertThat(counters.dropped(DropReason.INTERNAL_ERROR)).isZero();
    }

    @Test
    void fromTheTunnelOnlyOurOwnSourceLeaves() {
        transmission.fromTunnel(echo(CLIENT2, NATIVE, false, 8), this);
        assertThat(udp).isEmpty();
        assertThat(counters.dropped(DropReason.SOURCE_NOT_TEREDO)).isEqualTo(1);
    }
}
