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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.engine.UnknownPeerPolicy;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerLookups;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.proto.Ipv6;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A read's datagrams handed over at once, as the transport's recvmmsg does: their peers are looked up
 * together, without locks, before the rules run. Each datagram must still be judged as if the ones before it
 * in the read had been handled first, whatever they changed.
 */
class BurstReceptionTest {
    static final long[] NATIVE = v6("2001:db8:6::20");
    /** Server 198.51.100.1, mapping embedded 198.51.100.20:40000. */
    static final long[] CLIENT = teredo("198.51.100.1", 0, "198.51.100.20", 40000);

    static final String EMBEDDED = "198.51.100.20:40000";
    /** Where a client behind a symmetric NAT really answers from. */
    static final String SYMMETRIC = "198.51.100.20:50000";

    RelayHarness relay = new RelayHarness();

    @AfterEach
    void close() {
        relay.close();
    }

    @Test
    void aLongBurstFromOnePeerIsForwardedWholeAndTrustsItOnce() {
        int n = 2 * PeerLookups.MAX + 5; // three runs of lookups
        List<ByteBuf> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            data.add(ipv6(CLIENT, NATIVE, 8 + i));
        }
        relay.receiveUdpBurst(data, Collections.nCopies(n, EMBEDDED).toArray(String[]::new));

        assertThat(relay.tunWritten).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(relay.tunWritten.get(i).readableBytes()).as("in order").isEqualTo(Ipv6.HEADER_LENGTH + 8 + i);
        }
        assertThat(relay.count(Counter.PEERS_TRUSTED)).isEqualTo(1);
        assertThat(data).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket reply = relay.sentUdp();
        assertThat(reply.recipient()).as("trusted: no bubble").isEqualTo(address(EMBEDDED));
        reply.release();
    }

    @Test
    void dataRightBehindTheAnswerToOurBubbleInTheSameReadIsAccepted_M15() {
        long[] ours = bubbleSentTowardsClient();

        relay.receiveUdpBurst(List.of(bubble(CLIENT, ours), ipv6(CLIENT, NATIVE, 8)), SYMMETRIC, SYMMETRIC);

        assertThat(relay.tunWritten)
                .as("trusted at its real mapping by the bubble just before")
                .hasSize(1);
        DatagramPacket released = relay.sentUdp();
        assertThat(released.recipient()).isEqualTo(address(SYMMETRIC));
        released.release();
    }

    @Test
    void aMappingChangeEarlierInTheReadAppliesToTheDatagramsAfterIt_R_5_4_2_src() {
        long[] ours = bubbleSentTowardsClient();
        relay.receiveUdpBurst(List.of(bubble(CLIENT, ours), ipv6(CLIENT, NATIVE, 8)), SYMMETRIC, SYMMETRIC);
        relay.allSentUdp().forEach(DatagramPacket::release);

        // Same second: the entry says "accepted from 50000 now". The first datagram moves it to the embedded
        // mapping; the second, from the old mapping and not the embedded one, is then a mismatch.
        relay.receiveUdpBurst(List.of(ipv6(CLIENT, NATIVE, 9), ipv6(CLIENT, NATIVE, 10)), EMBEDDED, SYMMETRIC);

        assertThat(relay.tunWritten).hasSize(2);
        assertThat(relay.tunWritten.get(1).readableBytes()).isEqualTo(Ipv6.HEADER_LENGTH + 9);
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(1);
    }

    @Test
    void everyKindOfDropInOneReadIsCountedAndReleased() {
        long[] other = teredo("198.51.100.1", 0, "198.51.100.30", 40000);
        List<ByteBuf> read = List.of(
                ipv6(CLIENT, NATIVE, 8), // accepted: embedded mapping
                ipv6(CLIENT, NATIVE, 8), // from a private address
                Unpooled.buffer(8).writeLong(-1L), // not Teredo
                ipv6(NATIVE, NATIVE, 8), // source not Teredo
                ipv6(other, NATIVE, 8), // no entry and not its embedded mapping
                ipv6(CLIENT, NATIVE, 8)); // accepted again
        relay.receiveUdpBurst(read, EMBEDDED, "10.0.0.1:40000", EMBEDDED, EMBEDDED, EMBEDDED, EMBEDDED);

        assertThat(relay.tunWritten).hasSize(2);
        assertThat(relay.count(Counter.UDP_RX_PACKETS)).isEqualTo(6);
        assertThat(relay.dropped(DropReason.NON_GLOBAL_SOURCE)).isEqualTo(1);
        assertThat(relay.dropped(DropReason.NOT_TEREDO)).isEqualTo(1);
        assertThat(relay.dropped(DropReason.SOURCE_NOT_TEREDO)).isEqualTo(1);
        assertThat(relay.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(1);
        assertThat(read).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void unknownPeersAreDroppedInABurstWhenConfiguredLikeMiredo_R_5_4_2_noentry() {
        relay.close();
        relay = new RelayHarness(
                new RelaySettings(0x2001_0000, false, UnknownPeerPolicy.DROP, 10), PeerTableSettings.defaults());

        relay.receiveUdpBurst(List.of(ipv6(CLIENT, NATIVE, 8), ipv6(CLIENT, NATIVE, 8)), EMBEDDED, EMBEDDED);

        assertThat(relay.tunWritten).isEmpty();
        assertThat(relay.dropped(DropReason.UNKNOWN_PEER)).isEqualTo(2);
    }

    /** A packet from the tunnel towards CLIENT, untrusted: returns our address in the indirect bubble. */
    private long[] bubbleSentTowardsClient() {
        relay.readTun(ipv6(NATIVE, CLIENT, 8));
        DatagramPacket indirect = relay.sentUdp();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();
        relay.allSentUdp().forEach(DatagramPacket::release);
        return ours;
    }

    private static InetSocketAddress address(String sender) {
        String[] parts = sender.split(":");
        return new InetSocketAddress(ip(parts[0]), Integer.parseInt(parts[1]));
    }
}
