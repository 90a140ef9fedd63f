package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.pipeline.RelayHarness.bubble;
import static org.jmiredo.pipeline.RelayHarness.ip;
import static org.jmiredo.pipeline.RelayHarness.ipv6;
import static org.jmiredo.pipeline.RelayHarness.teredo;
import static org.jmiredo.pipeline.RelayHarness.v6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.engine.ServedPrefixes;
import org.jmiredo.engine.UnknownPeerPolicy;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Ipv6Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay rules of RFC 4380 §5.4 through the real handlers; each test names its CONFORMANCE rows. */
class RelayRulesTest {
    static final long[] NATIVE = v6("2001:db8:6::20");
    /** Lab client behind the NAT: server 198.51.100.1, mapped 198.51.100.20:40000. */
    static final long[] CLIENT = teredo("198.51.100.1", 0, "198.51.100.20", 40000);

    RelayHarness relay = new RelayHarness();

    @AfterEach
    void close() {
        relay.close();
    }

    @Test
    void untrustedPeerGetsIndirectBubbleThroughItsServerAndPacketIsQueued_R_5_4_1_c3() {
        // Also R-2.7-port (indirect bubbles to port 3544), R-5.4.1-queue and R-5.4.1-entry (the case-3 entry
        // is untrusted: no data is sent to it directly until it answers).
        relay.readTun(ipv6(NATIVE, CLIENT, 16));

        DatagramPacket bubble = relay.sentUdp();
        assertThat(bubble.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544));
        ByteBuf b = bubble.content();
        assertThat(b.readableBytes()).isEqualTo(40); // R-2.8-bubble
        assertThat(Ipv6.isBubble(b, 0)).isTrue();
        assertThat(Ipv6.dstHi(b, 0)).isEqualTo(CLIENT[0]);
        assertThat(Ipv6.dstLo(b, 0)).isEqualTo(CLIENT[1]);
        assertThat(Ipv6.isLinkLocal(Ipv6.srcHi(b, 0))).isTrue();
        bubble.release();
        assertThat(relay.sentUdp()).as("data waits for the bubble's answer").isNull();
        assertThat(relay.count(Counter.QUEUED_PACKETS)).isEqualTo(1);
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(1);
    }

    @Test
    void directBubbleFromClientTrustsItAndReleasesQueue_R_5_4_1_c3trust_R_5_4_1_dequeue_R_5_4_1_c1() {
        // R-5.4-peerlist: the relay's entry holds mapping, trust, receive time and bubble state like a client's.
        relay.readTun(ipv6(NATIVE, CLIENT, 16));
        relay.readTun(ipv6(NATIVE, CLIENT, 17));
        DatagramPacket indirect = relay.sentUdp();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();

        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000);

        List<DatagramPacket> released = relay.allSentUdp();
        assertThat(released).hasSize(2);
        assertThat(released).allSatisfy(p -> assertThat(p.recipient())
                .isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 40000)));
        assertThat(released.get(0).content().readableBytes()).as("oldest first").isEqualTo(56);
        released.forEach(DatagramPacket::release);
        assertThat(relay.tunWritten)
                .as("R-5.4.2-bubble: bubbles never reach IPv6")
                .isEmpty();

        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket direct = relay.sentUdp();
        assertThat(direct.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 40000));
        assertThat(direct.content().readableBytes()).isEqualTo(48); // R-5.1.1-simple
        direct.release();
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(1);
    }

    @Test
    void bubblesAreSpacedAndLimitedThenIcmpUnreachable_R_5_4_1_c3retry_M19() {
        relay.readTun(ipv6(NATIVE, CLIENT, 8)); // bubble 1
        relay.now += 1;
        relay.readTun(ipv6(NATIVE, CLIENT, 8)); // too soon: no bubble
        assertThat(relay.allSentUdp()).hasSize(1).allSatisfy(DatagramPacket::release);
        assertThat(relay.count(Counter.BUBBLES_RATE_LIMITED)).isEqualTo(1);

        for (int i = 2; i <= 4; i++) {
            relay.now += 2;
            relay.readTun(ipv6(NATIVE, CLIENT, 8));
            assertThat(relay.allSentUdp()).as("bubble %d", i).hasSize(1).allSatisfy(DatagramPacket::release);
        }
        relay.now += 2;
        relay.readTun(ipv6(NATIVE, CLIENT, 8)); // the fifth would break the 4-per-300-s limit

        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.dropped(DropReason.PEER_UNREACHABLE))
                .as("this packet and the five queued")
                .isEqualTo(6);
        assertThat(relay.tunWritten).hasSize(1);
        ByteBuf icmp = relay.tunWritten.get(0);
        assertThat(Ipv6.nextHeader(icmp, 0)).isEqualTo(58);
        assertThat((int) icmp.getUnsignedByte(40)).as("destination unreachable").isEqualTo(1);
        assertThat((int) icmp.getUnsignedByte(41)).as("address unreachable").isEqualTo(3);
        assertThat(Ipv6.dstLo(icmp, 0)).isEqualTo(NATIVE[1]);
        // From the unreachable destination, as Miredo's relay: the relay has no address of its own on the tunnel.
        assertThat(Ipv6.srcHi(icmp, 0)).isEqualTo(CLIENT[0]);
        assertThat(Ipv6.srcLo(icmp, 0)).isEqualTo(CLIENT[1]);
        assertThat(Checksum.verifies(icmp, 0)).isTrue();
    }

    @Test
    void bubbleLimitResetsAfterItsWindow_M19() {
        for (int i = 0; i < 4; i++) {
            relay.readTun(ipv6(NATIVE, CLIENT, 8));
            relay.now += 2;
        }
        relay.allSentUdp().forEach(DatagramPacket::release);
        relay.now += 300;
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp()).hasSize(1).allSatisfy(DatagramPacket::release);
    }

    @Test
    void nonGlobalEmbeddedIpv4IsDiscardedSilently_R_5_4_1_g4_M26() {
        relay.readTun(ipv6(NATIVE, teredo("198.51.100.1", 0, "10.0.0.1", 40000), 8));
        relay.readTun(ipv6(NATIVE, teredo("10.0.0.1", 0, "198.51.100.20", 40000), 8));
        relay.readTun(ipv6(NATIVE, teredo("198.51.100.1", 0, "192.88.99.1", 40000), 8));
        relay.readTun(ipv6(NATIVE, teredo("192.88.99.1", 0, "198.51.100.20", 40000), 8));

        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.NON_GLOBAL_DESTINATION)).isEqualTo(4);
    }

    @Test
    void nonTeredoDestinationIsNotSentOverUdp_R_5_4_1_teredoonly_M21() {
        relay.readTun(ipv6(NATIVE, v6("2001:db8:7::1"), 8));

        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.dropped(DropReason.DESTINATION_NOT_TEREDO)).isEqualTo(1);
        assertThat(relay.tunWritten).hasSize(1); // address unreachable, as Miredo
    }

    @Test
    void multicastDestinationsAreDroppedBothWays_M17() {
        relay.readTun(ipv6(NATIVE, v6("ff02::1"), 8));
        relay.receiveUdp(ipv6(CLIENT, v6("ff02::1"), 8), "198.51.100.20", 40000);

        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.MULTICAST)).isEqualTo(2);
    }

    /** RFC 4291 §2.7: never a source. Only a raw socket on the relay's host gets one into the tunnel. */
    @Test
    void multicastSourcesFromTheTunnelAreDropped_M17() {
        relay.readTun(ipv6(v6("ff02::1"), CLIENT, 8));
        relay.readTun(ipv6(v6("ff0e::1"), CLIENT, 8));

        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.MULTICAST)).isEqualTo(2);
    }

    @Test
    void sourceMustEmbedTheOuterMapping_R_5_4_2_src() {
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40001);
        relay.receiveUdp(ipv6(v6("2001:db8:9::1"), NATIVE, 8), "198.51.100.20", 40000);

        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(1);
        assertThat(relay.dropped(DropReason.SOURCE_NOT_TEREDO)).isEqualTo(1);
    }

    @Test
    void garbageIsDroppedWithoutReply_R_5_4_2_valid_R_5_1_1_demux() {
        relay.receiveUdp(Unpooled.wrappedBuffer(new byte[] {0, 2, 3, 4, 5}), "198.51.100.20", 40000);
        relay.receiveUdp(Unpooled.wrappedBuffer(new byte[] {0x60, 0, 0}), "198.51.100.20", 40000);
        ByteBuf tooLong = ipv6(CLIENT, NATIVE, 8);
        tooLong.setShort(4, 100);
        relay.receiveUdp(tooLong, "198.51.100.20", 40000);

        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.dropped(DropReason.NOT_TEREDO)).isEqualTo(1);
        assertThat(relay.dropped(DropReason.MALFORMED_IPV6)).isEqualTo(2);
    }

    @Test
    void fromTheTunnelBytesAfterThePacketAreCutAndAnEmptyPayloadMustSayNoNextHeader() {
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket indirect = relay.sentUdp();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();
        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000);
        relay.allSentUdp().forEach(DatagramPacket::release);

        ByteBuf withTail = ipv6(NATIVE, CLIENT, 24);
        withTail.setShort(4, 8); // 8 bytes of payload announced, 16 more behind them
        relay.readTun(withTail);
        DatagramPacket sent = relay.sentUdp();
        assertThat(sent.content().readableBytes())
                .as("no bytes a peer would read as trailers")
                .isEqualTo(48);
        sent.release();

        ByteBuf empty = ipv6(NATIVE, CLIENT, 0);
        empty.setByte(6, 17); // UDP announced, nothing there
        relay.readTun(empty);
        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.dropped(DropReason.MALFORMED_IPV6)).isEqualTo(1);
    }

    @Test
    void nonGlobalOuterSourceIsDropped() {
        relay.receiveUdp(ipv6(teredo("198.51.100.1", 0, "192.168.77.2", 40000), NATIVE, 8), "192.168.77.2", 40000);

        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.NON_GLOBAL_SOURCE)).isEqualTo(1);
    }

    @Test
    void sourcePortZeroIsDroppedAndMakesNoPeer() {
        // A Teredo address can embed port 0, and a raw socket can send from it: the relay used to trust such a
        // peer and forward its packets into the native network, though no answer can ever reach port 0 (the
        // native side drops packets towards it as non_global_destination; the server and the mire drop it too).
        relay.receiveUdp(ipv6(teredo("198.51.100.1", 0, "198.51.100.20", 0), NATIVE, 8), "198.51.100.20", 0);
        relay.receiveUdp(bubble(teredo("198.51.100.1", 0, "198.51.100.20", 0), NATIVE), "198.51.100.20", 0);

        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.dropped(DropReason.NON_GLOBAL_SOURCE)).isEqualTo(2);
        assertThat(relay.dataPath.peers().size()).isZero();
    }

    @Test
    void unknownMatchingPeerIsAcceptedAndTrusted_softStateRecovery_R_5_4_2_noentry() {
        // R-5.4-filter, R-5.4.2-expect: packets normally come from peers we sent to; by default we also accept
        // a peer whose outer address proves its embedded mapping (README: unknown peers).
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000);

        assertThat(relay.tunWritten).hasSize(1);
        assertThat(relay.count(Counter.PEERS_TRUSTED)).isEqualTo(1);
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket reply = relay.sentUdp();
        assertThat(reply.recipient())
                .as("no bubble needed: the peer proved its mapping")
                .isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 40000));
        reply.release();
    }

    @Test
    void unknownPeerIsDroppedWhenConfiguredLikeMiredo_R_5_4_2_noentry() {
        relay.close();
        relay = new RelayHarness(
                new RelaySettings(0x2001_0000, false, UnknownPeerPolicy.DROP, 10), PeerTableSettings.defaults());

        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000);

        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.UNKNOWN_PEER)).isEqualTo(1);
    }

    /**
     * A forged datagram from a victim's mapping (the README's reflector): what goes back to that mapping before the
     * peer answers a bubble is at most 3 bytes per byte it sent (RFC 9000 §8.1's rule), the rest waits in its
     * queue, and the normal bubble goes through the server its address names. More forged datagrams buy more
     * credit, never the queue's release; the bubble budget still ends in an ICMPv6 error to the native host.
     */
    @Test
    void aForgedMatchingPeerGetsAtMostThreeTimesItsBytesUntilProved_R_5_4_2_noentry() {
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000); // 48 bytes from the "victim"
        assertThat(relay.tunWritten)
                .as("still carried at once (soft-state recovery)")
                .hasSize(1);

        relay.readTun(ipv6(NATIVE, CLIENT, 1000)); // an amplifying answer: 1,040 bytes
        for (int i = 0; i < 5; i++) {
            relay.readTun(ipv6(NATIVE, CLIENT, 8));
        }
        List<DatagramPacket> sent = relay.allSentUdp();
        long toVictim = sent.stream()
                .filter(p -> p.recipient().getPort() == 40000)
                .mapToLong(p -> p.content().readableBytes())
                .sum();
        assertThat(toVictim)
                .as("3 x 48 bytes: three 48-byte replies, not the large one")
                .isEqualTo(144);
        assertThat(sent)
                .filteredOn(p -> p.recipient().getPort() == 3544)
                .as("one indirect bubble")
                .hasSize(1)
                .allSatisfy(p -> assertThat(p.recipient().getAddress()).isEqualTo(ip("198.51.100.1")));
        sent.forEach(DatagramPacket::release);
        assertThat(relay.count(Counter.UNPROVED_OVER_CREDIT)).isEqualTo(3);
        assertThat(relay.count(Counter.QUEUED_PACKETS)).isEqualTo(3);

        relay.now += 1;
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000); // forged again: not an answer
        assertThat(relay.allSentUdp()).as("what waits stays queued").isEmpty();
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp())
                .as("the new datagram's credit only")
                .singleElement()
                .satisfies(p -> assertThat(p.recipient().getPort()).isEqualTo(40000))
                .satisfies(DatagramPacket::release);

        for (int i = 0; i < 4; i++) { // nobody answers: the bubbles run out as for any silent peer
            relay.now += 2;
            relay.readTun(ipv6(NATIVE, CLIENT, 1000));
            relay.allSentUdp().forEach(p -> {
                assertThat(p.recipient().getPort())
                        .as("only bubbles, to the server")
                        .isEqualTo(3544);
                p.release();
            });
        }
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(4);
        assertThat(relay.dropped(DropReason.PEER_UNREACHABLE))
                .as("the last packet and the six queued")
                .isEqualTo(7);
    }

    /**
     * Forged matching peers, each over its credit, make bubbles no faster than the relay's budget of bubbles a forged
     * packet can cause ({@code relay.unknown-bubbles-per-second}, here 1), which the bubbles to peers without an
     * entry share: the bubble refused is counted and the packet waits, and the peer's own four are left whole, so it
     * gets its bubble the next second.
     */
    @Test
    void unprovedPeersOverTheirCreditBubbleWithinTheRelaysBudget_R_5_4_2_noentry() {
        relay.close();
        relay = new RelayHarness(
                new RelaySettings(0x2001_0000, false, UnknownPeerPolicy.ACCEPT_MATCHING, 10, 5, 1),
                PeerTableSettings.defaults());
        long[] other = teredo("198.51.100.2", 0, "198.51.100.21", 40001);
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000); // two forged "victims", trusted unproved
        relay.receiveUdp(ipv6(other, NATIVE, 8), "198.51.100.21", 40001);
        assertThat(relay.allSentUdp()).isEmpty();

        relay.readTun(ipv6(NATIVE, CLIENT, 1000)); // both over their credit in the same second
        relay.readTun(ipv6(NATIVE, other, 1000));
        assertThat(relay.allSentUdp())
                .as("one bubble: the second's budget")
                .singleElement()
                .satisfies(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544)))
                .satisfies(DatagramPacket::release);
        assertThat(relay.count(Counter.BUBBLES_UNKNOWN_OVER_BUDGET))
                .as("the other withheld, counted")
                .isEqualTo(1);
        assertThat(relay.count(Counter.BUBBLES_RATE_LIMITED))
                .as("not the peer's own limit")
                .isZero();
        assertThat(relay.count(Counter.QUEUED_PACKETS)).as("both packets wait").isEqualTo(2);

        relay.now += 1;
        relay.readTun(ipv6(NATIVE, other, 1000)); // its own count untouched: this second's bubble
        relay.readTun(ipv6(NATIVE, CLIENT, 1000)); // bubbled 1 s ago: spaced, nothing of the budget taken
        assertThat(relay.allSentUdp())
                .singleElement()
                .satisfies(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.2"), 3544)))
                .satisfies(DatagramPacket::release);
        assertThat(relay.count(Counter.BUBBLES_RATE_LIMITED)).isEqualTo(1);

        // The same budget as the bubbles to peers without an entry: this second's is spent.
        relay.receiveUdp(ipv6(teredo("198.51.100.3", 0, "198.51.100.22", 40002), NATIVE, 8), "198.51.100.22", 50000);
        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.count(Counter.BUBBLES_UNKNOWN_OVER_BUDGET)).isEqualTo(2);
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(2);
        assertThat(relay.dropped(DropReason.PEER_UNREACHABLE)).isZero();
    }

    @Test
    void aPeerTrustedByItsMatchingSourceIsReleasedByItsKeyedBubbleAnswer_M15() {
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000); // a restarted relay's live client
        relay.readTun(ipv6(NATIVE, CLIENT, 8)); // within its credit: at once
        relay.readTun(ipv6(NATIVE, CLIENT, 1200)); // beyond it: waits, and the bubble goes out
        relay.readTun(ipv6(NATIVE, CLIENT, 1201));
        List<DatagramPacket> sent = relay.allSentUdp();
        assertThat(sent).extracting(p -> p.recipient().getPort()).containsExactly(40000, 3544);
        DatagramPacket indirect = sent.get(1);
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        sent.forEach(DatagramPacket::release);

        relay.receiveUdp(bubble(CLIENT, NATIVE), "198.51.100.20", 40000); // from its mapping, but not keyed
        assertThat(relay.allSentUdp())
                .as("an unkeyed bubble anyone could forge proves nothing")
                .isEmpty();

        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000); // its answer: proved
        List<DatagramPacket> released = relay.allSentUdp();
        assertThat(released)
                .extracting(p -> p.content().readableBytes())
                .as("in order")
                .containsExactly(1240, 1241);
        assertThat(released).allSatisfy(p -> assertThat(p.recipient())
                .isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 40000)));
        released.forEach(DatagramPacket::release);

        for (int i = 0; i < 20; i++) { // an ordinary trusted peer now: nothing counted
            relay.readTun(ipv6(NATIVE, CLIENT, 1200));
        }
        assertThat(relay.allSentUdp()).hasSize(20).allSatisfy(p -> {
            assertThat(p.recipient().getPort()).isEqualTo(40000);
            p.release();
        });
        assertThat(relay.count(Counter.UNPROVED_OVER_CREDIT)).isEqualTo(2);
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(1);
    }

    @Test
    void trustLapsesAfterThirtySecondsOfSilence_R_5_4_2_trust() {
        relay.close();
        relay = new RelayHarness(
                new RelaySettings(0x2001_0000, false, UnknownPeerPolicy.ACCEPT_MATCHING, 10, 0),
                PeerTableSettings.defaults()); // no renewal: Miredo's behaviour
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000);
        relay.now += 29;
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp())
                .as("directly, and no bubble")
                .singleElement()
                .satisfies(p -> assertThat(p.recipient().getPort()).isEqualTo(40000))
                .satisfies(DatagramPacket::release);

        relay.now += 2; // 31 s since the client was last heard
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket next = relay.sentUdp();
        assertThat(next.recipient()).as("a bubble again").isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544));
        next.release();
        assertThat(relay.sentUdp()).as("the packet waits for the answer").isNull();
        assertThat(relay.count(Counter.QUEUED_PACKETS)).isEqualTo(1);
    }

    @Test
    void aPeerThatOnlyReceivesIsBubbledBeforeItsTrustLapsesAndStaysTrusted() {
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000); // trusted, last heard now
        relay.now += 24;
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp())
                .as("24 s: directly, no bubble yet")
                .singleElement()
                .satisfies(p -> assertThat(p.recipient().getPort()).isEqualTo(40000))
                .satisfies(DatagramPacket::release);

        relay.now += 1; // 25 s: 5 s (the default renewal) before the lapse
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        List<DatagramPacket> sent = relay.allSentUdp();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).recipient())
                .as("the packet still goes directly")
                .isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 40000));
        assertThat(sent.get(0).content().readableBytes()).isEqualTo(48);
        DatagramPacket renewal = sent.get(1);
        assertThat(renewal.recipient())
                .as("an indirect bubble, through the peer's server")
                .isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544));
        assertThat(Ipv6.isBubble(renewal.content(), 0)).isTrue();
        long[] ours = {Ipv6.srcHi(renewal.content(), 0), Ipv6.srcLo(renewal.content(), 0)};
        sent.forEach(DatagramPacket::release);

        relay.now += 1;
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp())
                .as("one renewal per trust period")
                .singleElement()
                .satisfies(p -> assertThat(p.recipient().getPort()).isEqualTo(40000))
                .satisfies(DatagramPacket::release);

        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000); // the client answers, at 26 s
        relay.now += 10; // 36 s after the last data from the client: trusted anyway, from the answer
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp())
                .as("no lapse: directly")
                .singleElement()
                .satisfies(p -> assertThat(p.recipient().getPort()).isEqualTo(40000))
                .satisfies(DatagramPacket::release);
        assertThat(relay.count(Counter.QUEUED_PACKETS)).isZero();
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(1);
    }

    @Test
    void anUnansweredRenewalLeavesTheLapseAsBeforeWithinTheBubbleLimit_M19() {
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000);
        relay.now += 25;
        relay.readTun(ipv6(NATIVE, CLIENT, 8)); // data and the renewal bubble (1 of 4)
        assertThat(relay.allSentUdp()).hasSize(2).allSatisfy(DatagramPacket::release);
        relay.now += 4;
        relay.readTun(ipv6(NATIVE, CLIENT, 8)); // 29 s: still trusted, no second renewal
        assertThat(relay.allSentUdp()).singleElement().satisfies(DatagramPacket::release);

        for (int i = 2; i <= 4; i++) { // 30, 32, 34 s: lapsed, queued, bubbled as without renewal
            relay.now += i == 2 ? 1 : 2;
            relay.readTun(ipv6(NATIVE, CLIENT, 8));
            assertThat(relay.allSentUdp())
                    .as("bubble %d", i)
                    .singleElement()
                    .satisfies(p -> assertThat(p.recipient().getPort()).isEqualTo(3544))
                    .satisfies(DatagramPacket::release);
        }
        relay.now += 2;
        relay.readTun(ipv6(NATIVE, CLIENT, 8)); // the fifth bubble would break the 4 per 300 s

        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(4);
        assertThat(relay.dropped(DropReason.PEER_UNREACHABLE))
                .as("this packet and the three queued")
                .isEqualTo(4);
    }

    @Test
    void aStreamToAReceiveOnlyPeerLosesNothingWhenItsTrustWouldLapse_R_5_4_1_limit() {
        assertThat(queueFullInAStream(0))
                .as("without renewal: the lapse queues, 4 full-size packets fit")
                .isEqualTo(6);
        assertThat(queueFullInAStream(5))
                .as("renewed at 25 s: the packets never wait")
                .isZero();
    }

    /**
     * Ten full-size packets a second for 40 s to a peer that only receives and answers each bubble after that
     * second's packets (its server's round trip); returns the packets dropped as queue_full.
     */
    private long queueFullInAStream(int renewal) {
        relay.close();
        relay = new RelayHarness(
                new RelaySettings(0x2001_0000, false, UnknownPeerPolicy.ACCEPT_MATCHING, 10, renewal),
                PeerTableSettings.defaults());
        proveClient(); // then it only receives
        for (int second = 1; second <= 40; second++) {
            relay.now += 1;
            for (int i = 0; i < 10; i++) {
                relay.readTun(ipv6(NATIVE, CLIENT, 1240));
            }
            long[] ours = null;
            for (DatagramPacket p : relay.allSentUdp()) {
                if (p.recipient().getPort() == 3544) {
                    ours = new long[] {Ipv6.srcHi(p.content(), 0), Ipv6.srcLo(p.content(), 0)};
                }
                p.release();
            }
            if (ours != null) {
                relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000);
                relay.allSentUdp().forEach(DatagramPacket::release); // what the answer released
            }
        }
        return relay.dropped(DropReason.QUEUE_FULL);
    }

    @Test
    void aBurstToAPeerDueForRenewalSendsOneBubble() {
        proveClient(); // trusted by its answer: no credit counted, only the renewal
        relay.now += 25;
        relay.readTunBurst(List.of(ipv6(NATIVE, CLIENT, 8), ipv6(NATIVE, CLIENT, 9), ipv6(NATIVE, CLIENT, 10)));
        List<DatagramPacket> sent = relay.allSentUdp();
        assertThat(sent).extracting(p -> p.recipient().getPort()).containsExactly(40000, 3544, 40000, 40000);
        sent.forEach(DatagramPacket::release);
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT))
                .as("the proof's and one renewal")
                .isEqualTo(2);
    }

    /** Makes CLIENT a peer proved by a bubble exchange at its mapping (its first packet waited for it). */
    private void proveClient() {
        relay.prove(CLIENT, "198.51.100.20", 40000);
    }

    @Test
    void aPeerThatTalksBackIsNeverRenewed() {
        for (int s = 0; s < 70; s++) {
            relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000);
            relay.readTun(ipv6(NATIVE, CLIENT, 8));
            relay.now += 1;
        }
        assertThat(relay.allSentUdp()).hasSize(70).allSatisfy(p -> {
            assertThat(p.recipient().getPort()).isEqualTo(40000);
            p.release();
        });
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).isZero();
    }

    @Test
    void symmetricNatAnswerToOurBubbleIsTrustedAtItsRealMapping_M15() {
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket indirect = relay.sentUdp();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();

        relay.receiveUdp(bubble(CLIENT, new long[] {ours[0], ours[1] ^ 1}), "198.51.100.20", 50000);
        assertThat(relay.allSentUdp()).as("a forged answer releases nothing").isEmpty();
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(1);

        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 50000);
        DatagramPacket released = relay.sentUdp();
        assertThat(released.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 50000));
        released.release();

        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 50000);
        assertThat(relay.tunWritten)
                .as("data from the learned mapping is accepted")
                .hasSize(1);
    }

    /**
     * A client behind a symmetric NAT, trusted at the mapping its answer came from (M15), whose NAT rebinds the
     * relay's flow to another port (its server's flow, so its address, kept): its next packet is dropped
     * (R-5.4.2-src) but sends the indirect bubble through its server at once, and its answer from the new port
     * trusts it there, in one round trip rather than at the lapse of trust 25 to 30 s later.
     */
    @Test
    void aTrustedPeerWhoseNatReboundItsFlowIsBubbledAndTrustedAtTheNewMapping_R_5_4_2_src_M15() {
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket indirect = relay.sentUdp();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();
        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 50000); // trusted at 50000, the queue released
        relay.allSentUdp().forEach(DatagramPacket::release);
        relay.now += 5;

        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 50001); // the NAT rebound the flow
        assertThat(relay.tunWritten).as("dropped, as R-5.4.2-src asks").isEmpty();
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(1);
        DatagramPacket rebound = relay.sentUdp();
        assertThat(rebound.recipient())
                .as("through the peer's server, never to the packet's source")
                .isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544));
        assertThat(Ipv6.isBubble(rebound.content(), 0)).isTrue();
        assertThat(new long[] {Ipv6.srcHi(rebound.content(), 0), Ipv6.srcLo(rebound.content(), 0)})
                .as("from the keyed source its answer must go to")
                .containsExactly(ours);
        assertThat(Ipv6.dstLo(rebound.content(), 0)).isEqualTo(CLIENT[1]);
        rebound.release();
        assertThat(relay.count(Counter.BUBBLES_TX_REBOUND)).isEqualTo(1);
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT))
                .as("the handshake's and the rebound one")
                .isEqualTo(2);

        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 50001);
        assertThat(relay.allSentUdp()).as("one bubble per 2 s, as any").isEmpty();
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp())
                .as("until the answer, still sent where the peer was trusted")
                .singleElement()
                .satisfies(p -> assertThat(p.recipient().getPort()).isEqualTo(50000))
                .satisfies(DatagramPacket::release);

        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 50001); // the answer, from the new mapping
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 50001);
        assertThat(relay.tunWritten).as("accepted at the new mapping").hasSize(1);
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp())
                .singleElement()
                .satisfies(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 50001)))
                .satisfies(DatagramPacket::release);
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(2);
    }

    /**
     * The same in a receive burst, whose packets are decided on lock-free copies of the entry where that writes
     * nothing: the first packet from the new mapping takes the lock and sends the bubble, the others none.
     */
    @Test
    void aReboundPeersBurstSendsOneBubble_R_5_4_2_src_M15() {
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000);
        relay.now += 3;
        relay.receiveUdpBurst(
                List.of(ipv6(CLIENT, NATIVE, 8), ipv6(CLIENT, NATIVE, 9), ipv6(CLIENT, NATIVE, 10)),
                "198.51.100.20:40001",
                "198.51.100.20:40001",
                "198.51.100.20:40001");
        assertThat(relay.allSentUdp())
                .singleElement()
                .satisfies(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544)))
                .satisfies(DatagramPacket::release);
        relay.now += 1;
        relay.receiveUdpBurst(
                List.of(ipv6(CLIENT, NATIVE, 8), ipv6(CLIENT, NATIVE, 9)),
                "198.51.100.20:40001",
                "198.51.100.20:40002");
        assertThat(relay.allSentUdp()).as("1 s later, decided without the lock").isEmpty();
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(5);
        assertThat(relay.count(Counter.BUBBLES_TX_REBOUND)).isEqualTo(1);
    }

    /**
     * A trusted peer whose address names a server that is not global unicast (trusted where its outer address
     * matched its mapping) gets no rebound bubble: it would go to that server, inside the relay's own networks
     * perhaps, where a packet from the native side to such an address is never sent either (R-5.4.1-g4).
     */
    @Test
    void aReboundPeerNamingAPrivateServerGetsNoBubble_R_5_4_1_g4_M26() {
        long[] peer = teredo("10.1.2.3", 0, "198.51.100.20", 40000);
        relay.receiveUdp(ipv6(peer, NATIVE, 8), "198.51.100.20", 40000);
        assertThat(relay.tunWritten)
                .as("trusted where its outer address matched")
                .hasSize(1);
        relay.now += 3;
        relay.receiveUdpBurst(
                List.of(ipv6(peer, NATIVE, 8), ipv6(peer, NATIVE, 9)), "198.51.100.20:40001", "198.51.100.20:40001");
        relay.receiveUdp(ipv6(peer, NATIVE, 8), "198.51.100.20", 40002);
        assertThat(relay.allSentUdp()).as("nothing towards 10.1.2.3").isEmpty();
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(3);
        assertThat(relay.count(Counter.BUBBLES_TX_REBOUND)).isZero();
    }

    /** The rebound bubble is retried 2 s later if the first or its answer was lost, as a lapse's would be. */
    @Test
    void aLostReboundBubbleIsRetriedTwoSecondsLater_R_5_4_2_src_M19() {
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000); // trusted at its embedded mapping
        relay.now += 1;
        for (int i = 0; i < 3; i++) {
            relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40001);
        }
        relay.allSentUdp().forEach(DatagramPacket::release);
        assertThat(relay.count(Counter.BUBBLES_TX_REBOUND)).isEqualTo(1);
        relay.now += 1;
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40001);
        assertThat(relay.count(Counter.BUBBLES_TX_REBOUND))
                .as("1 s later: not yet")
                .isEqualTo(1);
        relay.now += 1;
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40001);
        assertThat(relay.allSentUdp())
                .singleElement()
                .satisfies(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544)))
                .satisfies(DatagramPacket::release);
        assertThat(relay.count(Counter.BUBBLES_TX_REBOUND)).isEqualTo(2);
    }

    /**
     * Hostile: packets forged with a trusted peer's address from many mappings (each dropped) make at most the
     * peer's bubble budget of bubbles, all through its server: 4 in 300 s while the peer does not answer, one
     * per 2 s while it does; the lock-free path of a receive burst keeps to it too. The peer's entry never moves.
     * Nothing for a peer the relay does not trust.
     */
    @Test
    void forgedPacketsFromManyMappingsMakeNoMoreBubblesThanThePeersBudget_R_5_4_2_src_M19() {
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000); // the real peer, trusted
        int start = relay.now;
        int forged = 0;
        for (; relay.now < start + 300; relay.now++) {
            List<ByteBuf> burst = new java.util.ArrayList<>();
            String[] senders = new String[8];
            for (int i = 0; i < 8; i++, forged++) {
                burst.add(ipv6(CLIENT, NATIVE, 8));
                senders[i] = "203.0.113." + (1 + forged % 250) + ":" + (1024 + forged);
            }
            relay.receiveUdpBurst(burst, senders);
            relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100." + (100 + forged % 50), 2000 + forged++);
        }
        List<DatagramPacket> sent = relay.allSentUdp();
        assertThat(sent)
                .as("t+0, 2, 4, 6 s, then none until 300 s after the last")
                .hasSize(4)
                .allSatisfy(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544)))
                .allSatisfy(p -> assertThat(Ipv6.isBubble(p.content(), 0)).isTrue());
        long[] ours = {
            Ipv6.srcHi(sent.get(0).content(), 0), Ipv6.srcLo(sent.get(0).content(), 0)
        };
        sent.forEach(DatagramPacket::release);
        assertThat(relay.tunWritten).hasSize(1);
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(forged);

        // The real peer answers each bubble: the budget comes back, but bubbles stay 2 s apart.
        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000);
        relay.now = start + 400;
        int bubbles = 0;
        for (int s = 0; s < 20; s++, relay.now++) {
            for (int i = 0; i < 8; i++) {
                relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "203.0.113.7", 3000 + 10 * s + i);
            }
            for (DatagramPacket p : relay.allSentUdp()) {
                assertThat(p.recipient().getPort()).isEqualTo(3544);
                p.release();
                bubbles++;
                relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000); // the peer has not moved
            }
        }
        assertThat(bubbles).as("one per 2 s in 20 s").isEqualTo(10);
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp())
                .as("the entry never moved")
                .singleElement()
                .satisfies(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 40000)))
                .satisfies(DatagramPacket::release);

        long[] stranger = teredo("198.51.100.1", 0, "198.51.100.21", 40000);
        relay.readTun(ipv6(NATIVE, stranger, 8)); // an entry, not trusted: its own bubble
        relay.allSentUdp().forEach(DatagramPacket::release);
        relay.now += 10;
        relay.receiveUdp(ipv6(stranger, NATIVE, 8), "198.51.100.21", 40001);
        assertThat(relay.allSentUdp())
                .as("no bubble for an untrusted peer's mismatch")
                .isEmpty();
    }

    /**
     * Our relay restarted (no entries) and a client behind a symmetric NAT sends from its flow's mapping, not the
     * one its address embeds: the packet is dropped (R-5.4.2-src) but sends the keyed indirect bubble through the
     * client's server, without making an entry; the client's answer from that mapping (M15) makes it trusted
     * there, and its next packet goes through: one round trip, not its own 30-s timeout.
     */
    @Test
    void aPeerWithoutAnEntryFromANonEmbeddedMappingIsBubbledAndTrustedThere_R_5_4_2_src_M15() {
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 50001);
        assertThat(relay.tunWritten).as("dropped, as R-5.4.2-src asks").isEmpty();
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(1);
        assertThat(relay.dataPath.peers().size())
                .as("no entry for a packet that may be forged")
                .isZero();
        DatagramPacket bubble = relay.sentUdp();
        assertThat(bubble.recipient())
                .as("through the peer's server, never to the packet's source")
                .isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544));
        assertThat(Ipv6.isBubble(bubble.content(), 0)).isTrue();
        assertThat(Ipv6.dstLo(bubble.content(), 0)).isEqualTo(CLIENT[1]);
        long[] ours = {Ipv6.srcHi(bubble.content(), 0), Ipv6.srcLo(bubble.content(), 0)};
        bubble.release();
        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.count(Counter.BUBBLES_TX_UNKNOWN)).isEqualTo(1);
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(1);

        relay.now += 1;
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 50001);
        assertThat(relay.allSentUdp()).as("one per peer per 2 s").isEmpty();
        assertThat(relay.count(Counter.BUBBLES_UNKNOWN_SPACED)).isEqualTo(1);
        relay.now += 1;
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 50001);
        assertThat(relay.allSentUdp())
                .as("retried 2 s later: the first or its answer may be lost")
                .singleElement()
                .satisfies(p -> assertThat(p.recipient().getPort()).isEqualTo(3544))
                .satisfies(DatagramPacket::release);

        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 50001); // the answer, from the flow's mapping
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 50001);
        assertThat(relay.tunWritten).as("accepted at that mapping").hasSize(1);
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp())
                .singleElement()
                .satisfies(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 50001)))
                .satisfies(DatagramPacket::release);
        assertThat(relay.count(Counter.BUBBLES_TX_UNKNOWN)).isEqualTo(2);
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(3);

        for (String server : new String[] {"127.0.0.1", "10.1.2.3", "192.168.77.1"}) { // forged: aimed inside
            relay.receiveUdp(ipv6(teredo(server, 0, "198.51.100.30", 40000), NATIVE, 8), "198.51.100.30", 40001);
        }
        assertThat(relay.allSentUdp())
                .as("never to a server that is not global unicast")
                .isEmpty();
        assertThat(relay.count(Counter.BUBBLES_UNKNOWN_UNREACHABLE)).isEqualTo(3);
    }

    /** The same decided lock-free in a receive burst: one bubble for the burst, the rest spaced, still no entry. */
    @Test
    void aBurstFromAPeerWithoutAnEntrySendsOneBubble_R_5_4_2_src() {
        relay.receiveUdpBurst(
                List.of(ipv6(CLIENT, NATIVE, 8), ipv6(CLIENT, NATIVE, 9), ipv6(CLIENT, NATIVE, 10)),
                "198.51.100.20:50001",
                "198.51.100.20:50001",
                "198.51.100.20:50002");
        assertThat(relay.allSentUdp())
                .singleElement()
                .satisfies(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544)))
                .satisfies(DatagramPacket::release);
        assertThat(relay.count(Counter.BUBBLES_UNKNOWN_SPACED)).isEqualTo(2);
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(3);
        assertThat(relay.dataPath.peers().size()).isZero();
    }

    /** {@code relay.unknown-peers = drop} is Miredo's behaviour: no bubble either; and 0 per second sends none. */
    @Test
    void noBubbleForAPeerWithoutAnEntryWhenConfiguredLikeMiredoOrWithNoBudget() {
        relay.dataPath.update(new RelaySettings(0x2001_0000, false, UnknownPeerPolicy.DROP, 10));
        relay.udp.runPendingTasks();
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 50001);
        assertThat(relay.allSentUdp()).isEmpty();

        relay.dataPath.update(new RelaySettings(0x2001_0000, false, UnknownPeerPolicy.ACCEPT_MATCHING, 10, 5, 0));
        relay.udp.runPendingTasks();
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 50001);
        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.count(Counter.BUBBLES_UNKNOWN_OVER_BUDGET)).isEqualTo(1);
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(2);
        assertThat(relay.count(Counter.BUBBLES_TX_UNKNOWN)).isZero();
    }

    /**
     * Hostile: a flood of packets forged from random Teredo sources (random servers) and random mappings, in
     * bursts and one by one. Each is dropped; bubbles go at most at the per-second budget, each to the server its
     * source address names at port 3544 (never to a forged mapping), one per packet at most; the rest are counted
     * as withheld; no entry is made, so the table and a trusted peer are untouched.
     */
    @Test
    void forgedPacketsFromUnknownPeersMakeNoMoreBubblesThanTheBudgetAndNoEntries_R_5_4_2_src_M19() {
        relay.close();
        relay = new RelayHarness(
                new RelaySettings(0x2001_0000, false, UnknownPeerPolicy.ACCEPT_MATCHING, 10, 5, 7),
                PeerTableSettings.defaults());
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000); // a real peer, trusted
        java.util.SplittableRandom random = new java.util.SplittableRandom(14);
        int forged = 0;
        int bubbles = 0;
        for (int second = 0; second < 5; second++, relay.now++) {
            for (int round = 0; round < 20; round++) {
                List<ByteBuf> burst = new java.util.ArrayList<>();
                String[] senders = new String[8];
                long[][] sources = new long[9][];
                for (int i = 0; i < 9; i++, forged++) {
                    String server = "198.51.100." + (100 + random.nextInt(100));
                    sources[i] =
                            teredo(server, 0, "203.0.113." + (1 + random.nextInt(250)), 1024 + random.nextInt(60000));
                }
                for (int i = 0; i < 8; i++) {
                    burst.add(ipv6(sources[i], NATIVE, 8));
                    senders[i] = "203.0.113." + (1 + random.nextInt(250)) + ":" + (1 + random.nextInt(1023));
                }
                relay.receiveUdpBurst(burst, senders);
                relay.receiveUdp(ipv6(sources[8], NATIVE, 8), "198.51.100.9", 1 + random.nextInt(1023));
                for (DatagramPacket p : relay.allSentUdp()) {
                    assertThat(p.recipient().getPort())
                            .as("to a server, never to a forged mapping")
                            .isEqualTo(3544);
                    assertThat(Ipv6.isBubble(p.content(), 0)).isTrue();
                    boolean named = false;
                    for (long[] src : sources) {
                        named |= Ipv6.dstHi(p.content(), 0) == src[0]
                                && Ipv6.dstLo(p.content(), 0) == src[1]
                                && p.recipient().getAddress().equals(ip("198.51.100." + (src[0] & 0xFF)));
                    }
                    assertThat(named)
                            .as("to a source of this round, at the server its address names")
                            .isTrue();
                    p.release();
                    bubbles++;
                }
            }
            assertThat(bubbles).as("the budget, second %d", second).isEqualTo(7 * (second + 1));
        }
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(forged);
        assertThat(relay.count(Counter.BUBBLES_TX_UNKNOWN)).isEqualTo(bubbles);
        assertThat(relay.count(Counter.BUBBLES_UNKNOWN_OVER_BUDGET) + relay.count(Counter.BUBBLES_UNKNOWN_SPACED))
                .as("every refusal counted")
                .isEqualTo(forged - bubbles);
        assertThat(relay.tunWritten).as("only the real peer's packet").hasSize(1);
        assertThat(relay.dataPath.peers().size())
                .as("no entry for a forged source")
                .isEqualTo(1);
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        assertThat(relay.allSentUdp())
                .as("the trusted peer untouched")
                .singleElement()
                .satisfies(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 40000)))
                .satisfies(DatagramPacket::release);
    }

    @Test
    void queueIsBoundedPerPeer_R_5_4_1_limit() {
        relay.close();
        relay = new RelayHarness(RelaySettings.defaults(), new PeerTableSettings(1024, 4, 60, 1_040, 16));
        for (int i = 0; i < 10; i++) {
            // 140 bytes each, charged a 256-byte slot and 136 of heap: two fit in 1,040 with the queue's own 256
            relay.readTun(ipv6(NATIVE, CLIENT, 100));
        }
        DatagramPacket indirect = relay.sentUdp();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();
        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000);

        assertThat(relay.allSentUdp()).hasSize(2).allSatisfy(DatagramPacket::release);
        assertThat(relay.dropped(DropReason.QUEUE_FULL)).isEqualTo(8);
    }

    @Test
    void queueingPeersAreBoundedTableWide_R_7_3_5_state() {
        relay.close();
        relay = new RelayHarness(RelaySettings.defaults(), new PeerTableSettings(1024, 4, 60, 2560, 2));
        toSilentPeers(3);

        assertThat(relay.count(Counter.QUEUED_PACKETS)).isEqualTo(2);
        assertThat(relay.dropped(DropReason.QUEUE_PEERS_FULL)).isEqualTo(1);
        assertThat(relay.allSentUdp())
                .as("each still gets its bubble")
                .hasSize(3)
                .allSatisfy(DatagramPacket::release);
    }

    /**
     * Silent Teredo addresses (any IPv6 host can send to them) used to hold the queue budget until their entries
     * expired, so a packet a minute to each of max-queued-peers of them kept every new peer's first packets out.
     * Now a queue left unanswered {@link PeerTable#QUEUE_WAIT_SECONDS} after its bubble is released by the expiry,
     * and a new peer's packets are queued and delivered when it answers.
     */
    @Test
    void silentPeersGiveTheQueueBudgetBack_R_7_3_5_state() {
        relay.close();
        relay = new RelayHarness(RelaySettings.defaults(), new PeerTableSettings(1024, 4, 60, 2560, 2));
        toSilentPeers(2);
        relay.allSentUdp().forEach(DatagramPacket::release);
        PeerTable peers = relay.dataPath.peers();
        relay.now += PeerTable.QUEUE_WAIT_SECONDS;
        peers.expire(relay.now);
        assertThat(peers.queuedPeers()).as("within the wait").isEqualTo(2);

        relay.now++;
        peers.expire(relay.now);
        assertThat(peers.queuedPeers()).isZero();
        assertThat(peers.queueDiscards()).isEqualTo(2);
        assertThat(peers.size())
                .as("the entries stay, with their bubble budgets")
                .isEqualTo(2);
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket indirect = relay.sentUdp();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();
        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000);

        assertThat(relay.dropped(DropReason.QUEUE_PEERS_FULL)).isZero();
        assertThat(relay.count(Counter.QUEUE_RELEASED_PACKETS))
                .as("the new peer's packet, once it answered")
                .isOne();
        assertThat(relay.allSentUdp())
                .singleElement()
                .satisfies(p -> assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 40000)))
                .satisfies(DatagramPacket::release);
    }

    /** One packet from the native side to each of {@code count} Teredo peers (198.51.100.21 on) that never answer. */
    private void toSilentPeers(int count) {
        for (int i = 1; i <= count; i++) {
            relay.readTun(ipv6(NATIVE, teredo("198.51.100.1", 0, "198.51.100." + (20 + i), 40000), 8));
        }
    }

    @Test
    void packetNoQueueCanHoldIsQueueFullNotQueuePeersFull_R_5_4_1_limit() {
        // queue-bytes-per-peer 0 queues nothing; 300 holds no 440-byte packet; 2,000 holds no copy of a 1,200-byte
        // one, which takes a 2,048-byte slot (known only once copied). Each time the peer's own queue is what is
        // too small (queue_full: raise queue-bytes-per-peer), not the table-wide bound on queueing peers
        // (queue_peers_full: raise max-queued-peers), of which not one is used.
        for (int[] c : new int[][] {{0, 400}, {300, 400}, {2_000, 1_160}}) {
            int bytesPerPeer = c[0];
            relay.close();
            relay = new RelayHarness(RelaySettings.defaults(), new PeerTableSettings(1024, 4, 60, bytesPerPeer, 16));
            relay.readTun(ipv6(NATIVE, CLIENT, c[1]));

            assertThat(relay.dropped(DropReason.QUEUE_FULL))
                    .as("queue-bytes-per-peer %d", bytesPerPeer)
                    .isEqualTo(1);
            assertThat(relay.dropped(DropReason.QUEUE_PEERS_FULL))
                    .as("queue-bytes-per-peer %d", bytesPerPeer)
                    .isZero();
            assertThat(relay.count(Counter.QUEUED_PACKETS)).isZero();
            assertThat(relay.allSentUdp())
                    .as("the bubble still goes")
                    .hasSize(1)
                    .allSatisfy(DatagramPacket::release);
        }
    }

    /**
     * A queue is charged what its copies take in memory (Netty's allocator slot, and the heap of each copy and of
     * the queue): the default 9 KiB holds four full-size packets (1,280 bytes, a 2,048-byte slot each) and 44 of
     * 48 bytes (64-byte slots); what comes next is queue_full. They used to be charged their length, at least 128
     * bytes: 7 and 72, taking 1.6 and 1.3 times the queue's bytes.
     */
    @Test
    void aQueueHoldsWhatItsCopiesTake_R_5_4_1_limit() {
        for (int[] c : new int[][] {{1_240, 4}, {8, 44}}) {
            relay.close();
            relay = new RelayHarness(RelaySettings.defaults(), new PeerTableSettings(1024, 4, 60, 9 * 1024, 16));
            for (int i = 0; i < c[1] + 3; i++) {
                relay.readTun(ipv6(NATIVE, CLIENT, c[0]));
            }

            assertThat(relay.count(Counter.QUEUED_PACKETS))
                    .as("%d-byte packets", 40 + c[0])
                    .isEqualTo(c[1]);
            assertThat(relay.dropped(DropReason.QUEUE_FULL))
                    .as("%d-byte packets", 40 + c[0])
                    .isEqualTo(3);
            assertThat(relay.allSentUdp()).as("one bubble").hasSize(1).allSatisfy(DatagramPacket::release);
        }
    }

    @Test
    void trailersAreCutBeforeTheTunnel_R6081_4_consistent() {
        ByteBuf packet = ipv6(CLIENT, NATIVE, 8);
        packet.writeBytes(new byte[] {1, 4, (byte) 0xaa, (byte) 0xbb, (byte) 0xcc, (byte) 0xdd});
        relay.receiveUdp(packet, "198.51.100.20", 40000);

        assertThat(relay.tunWritten).hasSize(1);
        assertThat(relay.tunWritten.get(0).readableBytes()).isEqualTo(48);
    }

    @Test
    void originIndicationAndAuthHeadersAreSkipped_R_5_1_1_order() {
        ByteBuf packet = Unpooled.buffer();
        packet.writeBytes(new byte[] {0, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0}); // auth, no id/value
        packet.writeBytes(new byte[] {0, 0, 0x63, (byte) 0xbf, 0x39, (byte) 0xcc, (byte) 0x9b, (byte) 0xeb});
        ByteBuf ip = ipv6(CLIENT, NATIVE, 8);
        packet.writeBytes(ip);
        ip.release();
        relay.receiveUdp(packet, "198.51.100.20", 40000);

        assertThat(relay.tunWritten).hasSize(1);
        assertThat(relay.tunWritten.get(0).getUnsignedByte(0) >>> 4).isEqualTo(6);
    }

    @Test
    void coneBitAndRandomFlagsAreIgnored_R5991_3_2_ignore_R_4_zbits_R5991_3_1_rx() {
        // R-5.4.1-ignorecone: the MAY of RFC 4380 taken, so R-5.4.1-c2 (direct to a cone peer) never applies.
        long[] cone = teredo("198.51.100.1", 0x8000, "198.51.100.20", 40000);
        long[] random = teredo("198.51.100.1", 0x3CFF, "198.51.100.21", 40000);
        relay.readTun(ipv6(NATIVE, cone, 8));
        relay.readTun(ipv6(NATIVE, random, 8));

        assertThat(relay.allSentUdp()).hasSize(2).allSatisfy(p -> {
            assertThat(p.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.1"), 3544));
            p.release();
        });
    }

    @Test
    void restrictedRelayAlsoSendsDirectBubble_R_5_4_1_direct() {
        // R-5.4.1-alwaysdirect: available by configuration (relay.type = restricted), off by default as Miredo.
        relay.close();
        relay = new RelayHarness(
                new RelaySettings(0x2001_0000, true, UnknownPeerPolicy.ACCEPT_MATCHING, 10),
                PeerTableSettings.defaults());
        relay.readTun(ipv6(NATIVE, CLIENT, 8));

        // Direct first: it opens our NAT's mapping towards the peer before the peer can answer the indirect one.
        // The other way round, an answer that overtook the direct bubble (a fast path, a lab) made the Linux NAT
        // in front of the relay map the direct bubble to another port, and the peer was never reached.
        List<DatagramPacket> sent = relay.allSentUdp();
        assertThat(sent)
                .extracting(DatagramPacket::recipient)
                .containsExactly(
                        new InetSocketAddress(ip("198.51.100.20"), 40000),
                        new InetSocketAddress(ip("198.51.100.1"), 3544));
        sent.forEach(DatagramPacket::release);
    }

    @Test
    void icmpErrorsAreRateLimited_M19() {
        for (int i = 0; i < 25; i++) {
            relay.readTun(ipv6(NATIVE, v6("2001:db8:7::" + (i + 1)), 8));
        }
        assertThat(relay.tunWritten).hasSize(10);
        assertThat(relay.count(Counter.ICMP_ERRORS_RATE_LIMITED)).isEqualTo(15);
        relay.now += 1;
        relay.readTun(ipv6(NATIVE, v6("2001:db8:7::99"), 8));
        assertThat(relay.tunWritten).hasSize(11);
    }

    @Test
    void teredoToTeredoIsNotRelayed_R_5_4_2_dst() {
        relay.receiveUdp(ipv6(CLIENT, teredo("198.51.100.1", 0, "198.51.100.10", 3544), 8), "198.51.100.20", 40000);

        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.DESTINATION_NOT_SERVED)).isEqualTo(1);
    }

    /**
     * CONFORMANCE R-5.4.2-dst: a relay serving 2001:db8:6::/64 forwards a client's packet to 2001:db8:6::20 and
     * silently discards one to 2001:db8:99::1, under a reason of its own; the packet outside makes no entry, no
     * bubble, no answer, even from a peer the relay has no entry for.
     */
    @Test
    void relayServingAPrefixForwardsInsideItAndDropsOutside_R_5_4_2_dst() {
        relay.close();
        relay = new RelayHarness(
                RelaySettings.defaults().serving(served("2001:db8:6::/64")), PeerTableSettings.defaults());

        relay.receiveUdp(ipv6(CLIENT, v6("2001:db8:99::1"), 8), "198.51.100.20", 40000);
        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.DESTINATION_OUT_OF_RANGE)).isEqualTo(1);
        assertThat(relay.dataPath.peers().size())
                .as("nothing learned from a packet not served")
                .isZero();
        assertThat(relay.allSentUdp()).isEmpty();

        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000);
        assertThat(relay.tunWritten).hasSize(1);
        relay.receiveUdp(ipv6(CLIENT, v6("2001:db8:6:1::20"), 8), "198.51.100.20", 40000);
        relay.receiveUdp(ipv6(CLIENT, v6("fd00::20"), 8), "198.51.100.20", 40000);
        assertThat(relay.tunWritten).hasSize(1);
        assertThat(relay.dropped(DropReason.DESTINATION_OUT_OF_RANGE)).isEqualTo(3);
        // Teredo and link-local destinations keep their own reason, whatever the list.
        relay.receiveUdp(ipv6(CLIENT, v6("fe80::1"), 8), "198.51.100.20", 40000);
        assertThat(relay.dropped(DropReason.DESTINATION_NOT_SERVED)).isEqualTo(1);
        assertThat(relay.dropped(DropReason.DESTINATION_OUT_OF_RANGE)).isEqualTo(3);
    }

    /**
     * R-5.4.2-dst with the default range: every global destination but unique local addresses (fc00::/7), the
     * operator's own network, which Teredo peers from the Internet used to reach through the relay.
     */
    @Test
    void byDefaultUniqueLocalDestinationsAreNotServed_R_5_4_2_dst() {
        relay.receiveUdp(ipv6(CLIENT, v6("fd12:3456:789a::1"), 8), "198.51.100.20", 40000);
        relay.receiveUdp(ipv6(CLIENT, v6("fc00::1"), 8), "198.51.100.20", 40000);
        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.DESTINATION_OUT_OF_RANGE)).isEqualTo(2);

        relay.receiveUdp(ipv6(CLIENT, v6("2001:db8:99::1"), 8), "198.51.100.20", 40000);
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000);
        assertThat(relay.tunWritten).hasSize(2);
    }

    /** A reload (SIGHUP) changes the range on every loop, between two packets, without a lock. */
    @Test
    void aReloadChangesTheServedRange_R_5_4_2_dst() {
        long[] outside = v6("2001:db8:99::1");
        relay.receiveUdp(ipv6(CLIENT, outside, 8), "198.51.100.20", 40000);
        assertThat(relay.tunWritten).hasSize(1);

        relay.dataPath.update(RelaySettings.defaults().serving(served("2001:db8:6::/64")));
        relay.udp.runPendingTasks();
        relay.receiveUdp(ipv6(CLIENT, outside, 8), "198.51.100.20", 40000);
        assertThat(relay.tunWritten).hasSize(1);
        assertThat(relay.dropped(DropReason.DESTINATION_OUT_OF_RANGE)).isEqualTo(1);

        relay.dataPath.update(
                RelaySettings.defaults().serving(served("2001:db8:6::/64", "fd00::/8", "2001:db8:99::/48")));
        relay.udp.runPendingTasks();
        relay.receiveUdp(ipv6(CLIENT, outside, 8), "198.51.100.20", 40000);
        relay.receiveUdp(ipv6(CLIENT, v6("fd00::20"), 8), "198.51.100.20", 40000);
        assertThat(relay.tunWritten).hasSize(3);
        assertThat(relay.dropped(DropReason.DESTINATION_OUT_OF_RANGE)).isEqualTo(1);
    }

    /**
     * The other way, IPv6 to Teredo, a packet from a source outside the range is carried: the relay host's routing
     * chose to send it through the tunnel, and ICMPv6 errors about a peer's packets (Packet Too Big, Time
     * Exceeded) come from routers on the path, whose addresses no list of served prefixes names.
     */
    @Test
    void packetsToPeersAreCarriedWhateverTheirSource_R_5_4_2_dst() {
        relay.close();
        relay = new RelayHarness(
                RelaySettings.defaults().serving(served("2001:db8:6::/64")), PeerTableSettings.defaults());
        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000); // trusted at its mapping

        relay.readTun(ipv6(v6("2001:db8:99::1"), CLIENT, 8));
        DatagramPacket sent = relay.sentUdp();
        assertThat(sent.recipient()).isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 40000));
        sent.release();
        assertThat(relay.dropped(DropReason.DESTINATION_OUT_OF_RANGE)).isZero();
    }

    @Test
    void expiredEntryTakesItsQueueAlong_R_5_4_1_delete() {
        long[] ours = bubbleSourceOfAnEntryLeftToExpire();
        assertThat(relay.dataPath.peers().size()).isZero();
        assertThat(relay.dataPath.peers().queueDiscards()).isEqualTo(1);

        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000);
        assertThat(relay.allSentUdp())
                .as("a late bubble releases no old packet")
                .isEmpty();
    }

    /**
     * R-7.3.5-state through the relay's rules: a spoofer forges data packets, one per source, from sources whose
     * outer address matches the mapping their Teredo address embeds, so accept-matching (the default) makes each
     * a trusted entry. 100 a second into a full 64-peer table for 120 s, while four clients behind symmetric
     * NATs (trusted, by their bubbles' answers, at mappings their addresses do not embed) send every 3 s: the
     * flood laps the table about five times between two of a client's packets. Such a first packet used to
     * count as a use, so CLOCK took the flood for peers in use and evicted the clients, whose next packets were
     * then refused (mapping_mismatch) until a new handshake. They keep their entries, trust and mapping, every
     * packet of theirs is forwarded, and every counted eviction took a forged entry.
     */
    @Test
    void forgedMatchingSourcesDoNotPushActivePeersOutOfAFullTable_R_7_3_5_state() {
        relay.close();
        relay = new RelayHarness(RelaySettings.defaults(), new PeerTableSettings(64, 4, 300, 4 * 1280, 64));
        assertThat(RelaySettings.defaults().unknownPeers()).isEqualTo(UnknownPeerPolicy.ACCEPT_MATCHING);
        long[][] clients = new long[4][];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = teredo("198.51.100.1", 0, "198.51.100.2" + i, 40000);
            relay.readTun(ipv6(NATIVE, clients[i], 8));
            DatagramPacket indirect = relay.sentUdp();
            long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
            indirect.release();
            relay.receiveUdp(bubble(clients[i], ours), "198.51.100.2" + i, 50000 + i); // symmetric NAT
            relay.allSentUdp().forEach(DatagramPacket::release);
        }
        int forged = 0;
        int clientPackets = 0;
        int forwarded = 0;
        for (int second = 1; second <= 120; second++) {
            relay.now++;
            if (second % 3 == 0) {
                for (int i = 0; i < clients.length; i++) {
                    relay.receiveUdp(ipv6(clients[i], NATIVE, 8), "198.51.100.2" + i, 50000 + i);
                    clientPackets++;
                }
            }
            for (int burst = 0; burst < 2; burst++) {
                List<ByteBuf> packets = new java.util.ArrayList<>();
                String[] senders = new String[50];
                for (int k = 0; k < 50; k++, forged++) {
                    String ip = "45." + (forged >> 16 & 0xFF) + "." + (forged >> 8 & 0xFF) + "." + (forged & 0xFF);
                    int port = 1024 + forged % 60000;
                    packets.add(ipv6(teredo("192.0.2.1", 0, ip, port), NATIVE, 8));
                    senders[k] = ip + ":" + port;
                }
                relay.receiveUdpBurst(packets, senders);
            }
            forwarded += relay.tunWritten.size();
            relay.tunWritten.forEach(ByteBuf::release);
            relay.tunWritten.clear();
            relay.allSentUdp().forEach(DatagramPacket::release);
        }
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH))
                .as("a client's packet refused")
                .isZero();
        assertThat(forwarded).as("every packet forwarded").isEqualTo(forged + clientPackets);
        var peers = relay.dataPath.peers();
        for (int i = 0; i < clients.length; i++) {
            var segment = peers.segment(clients[i][0], clients[i][1]);
            segment.lock();
            try {
                int slot = segment.find(clients[i][0], clients[i][1]);
                assertThat(slot).as("client %d's entry", i).isNotNegative();
                assertThat(segment.trusted(slot)).isTrue();
                assertThat(segment.mappedPort(slot))
                        .as("the mapping its bubble proved")
                        .isEqualTo(50000 + i);
            } finally {
                segment.unlock();
            }
        }
        assertThat(peers.size()).isEqualTo(64);
        assertThat(peers.evictions()).as("the flood's own entries").isEqualTo(forged + clients.length - 64);
    }

    @Test
    void bubbleWithoutEntryMakesOneOnlyWhenItAnswersOurs_M15() {
        long[] ours = bubbleSourceOfAnEntryLeftToExpire();

        relay.receiveUdp(bubble(CLIENT, new long[] {ours[0], ours[1] ^ 1}), "198.51.100.20", 40000);
        assertThat(relay.dataPath.peers().size())
                .as("a bubble to a source we never used")
                .isZero();
        assertThat(relay.count(Counter.PEERS_TRUSTED)).isZero();

        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000);
        assertThat(relay.dataPath.peers().size())
                .as("the answer to ours, after its entry expired")
                .isEqualTo(1);
        assertThat(relay.count(Counter.PEERS_TRUSTED)).isEqualTo(1);
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket data = relay.sentUdp();
        assertThat(data.recipient())
                .as("trusted: no bubble")
                .isEqualTo(new InetSocketAddress(ip("198.51.100.20"), 40000));
        data.release();
    }

    /**
     * A packet for CLIENT queued behind an indirect bubble, then two minutes of silence until expiry removed
     * the entry: returns the IPv6 source (hi, lo) of that bubble, which CLIENT's answer would be sent to.
     */
    private long[] bubbleSourceOfAnEntryLeftToExpire() {
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket indirect = relay.sentUdp();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();
        relay.now += 120;
        for (int i = 0; i < 100 && relay.dataPath.peers().size() > 0; i++) {
            relay.dataPath.peers().expire(relay.now);
        }
        return ours;
    }

    @Test
    void reloadSwitchesPolicyAndIcmpBudgetBetweenPackets() {
        relay.dataPath.update(new RelaySettings(0x2001_0000, false, UnknownPeerPolicy.DROP, 2));
        relay.udp.runPendingTasks(); // each loop applies it on its own thread

        relay.receiveUdp(ipv6(CLIENT, NATIVE, 8), "198.51.100.20", 40000);
        for (int i = 0; i < 5; i++) {
            relay.readTun(ipv6(NATIVE, v6("2001:db8:7::" + (i + 1)), 8));
        }

        assertThat(relay.dropped(DropReason.UNKNOWN_PEER)).isEqualTo(1);
        assertThat(relay.tunWritten).as("two ICMPv6 errors a second now").hasSize(2);
    }

    @Test
    void answeringPeerKeepsItsBubbleBudgetAcrossLapsesOfTrust_M19() {
        for (int lapse = 1; lapse <= 6; lapse++) {
            relay.readTun(ipv6(NATIVE, CLIENT, 8));
            DatagramPacket bubble = relay.sentUdp();
            assertThat(bubble)
                    .as("lapse %d: a bubble, not an unreachable", lapse)
                    .isNotNull();
            assertThat(bubble.recipient().getPort()).isEqualTo(3544);
            long[] ours = {Ipv6.srcHi(bubble.content(), 0), Ipv6.srcLo(bubble.content(), 0)};
            bubble.release();
            relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000);
            relay.allSentUdp().forEach(DatagramPacket::release);
            relay.now += 31; // silent long enough for trust to lapse
        }
        assertThat(relay.dropped(DropReason.PEER_UNREACHABLE)).isZero();
    }

    @Test
    void givingUpOnAPeerFreesItsQueue_R_5_4_1_delete() {
        for (int i = 0; i < 4; i++) {
            relay.readTun(ipv6(NATIVE, CLIENT, 8));
            relay.now += 2;
        }
        relay.allSentUdp().forEach(DatagramPacket::release);
        assertThat(relay.dataPath.peers().queuedPeers()).isEqualTo(1);

        relay.readTun(ipv6(NATIVE, CLIENT, 8)); // the fifth: unreachable

        assertThat(relay.dataPath.peers().queuedPeers()).isZero();
        assertThat(relay.dropped(DropReason.PEER_UNREACHABLE))
                .as("the new packet and the four queued")
                .isEqualTo(5);
    }

    @Test
    void bubbleToAnotherAddressWithTheVictimsMappingDoesNotHijackIt_M15() {
        relay.readTun(ipv6(NATIVE, CLIENT, 8)); // the victim's own entry, waiting for its answer
        relay.allSentUdp().forEach(DatagramPacket::release);
        long[] decoy = teredo("203.0.113.9", 0, "198.51.100.20", 40000); // attacker's server, victim's mapping
        relay.readTun(ipv6(NATIVE, decoy, 8));
        DatagramPacket leaked = relay.sentUdp(); // the attacker reads this at 203.0.113.9:3544
        long[] learnt = {Ipv6.srcHi(leaked.content(), 0), Ipv6.srcLo(leaked.content(), 0)};
        leaked.release();

        relay.receiveUdp(bubble(CLIENT, learnt), "203.0.113.66", 5000);

        assertThat(relay.allSentUdp())
                .as("the victim's queued packet stays put")
                .isEmpty();
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(1);
    }

    @Test
    void nonGlobalDestinationsFromUdpAreNotForwarded_R_5_4_2_dst() {
        relay.receiveUdp(ipv6(CLIENT, v6("fe80::1"), 8), "198.51.100.20", 40000);
        relay.receiveUdp(ipv6(CLIENT, v6("::1"), 8), "198.51.100.20", 40000);

        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.DESTINATION_NOT_SERVED)).isEqualTo(2);
    }

    @Test
    void nothingIsSentToPortZero() {
        relay.close();
        relay = new RelayHarness(
                new RelaySettings(0x2001_0000, true, UnknownPeerPolicy.ACCEPT_MATCHING, 10),
                PeerTableSettings.defaults());
        relay.readTun(ipv6(NATIVE, teredo("198.51.100.1", 0, "198.51.100.20", 0), 8));

        assertThat(relay.allSentUdp()).isEmpty();
        assertThat(relay.dropped(DropReason.NON_GLOBAL_DESTINATION)).isEqualTo(1);
    }

    private static ServedPrefixes served(String... prefixes) {
        return ServedPrefixes.of(
                java.util.Arrays.stream(prefixes).map(Ipv6Prefix::parse).toList());
    }
}
