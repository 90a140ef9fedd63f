package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.pipeline.RelayHarness.bubble;
import static org.jmiredo.pipeline.RelayHarness.ipv6;
import static org.jmiredo.pipeline.RelayHarness.teredo;
import static org.jmiredo.pipeline.RelayHarness.v6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerLookups;
import org.jmiredo.proto.Ipv6;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A tunnel read's packets handed over together: their destination peers are looked up at once, without
 * locks, before the transmission rules run (TunToUdpPath, Transmission). Each packet must still be handled
 * as if the ones before it in the read had been handled first, whatever they created or changed.
 */
class BurstTransmissionTest {
    static final long[] NATIVE = v6("2001:db8:6::20");
    /** Server 198.51.100.1, mapping embedded 198.51.100.20:40000. */
    static final long[] TRUSTED = teredo("198.51.100.1", 0, "198.51.100.20", 40000);

    static final long[] NEW = teredo("198.51.100.1", 0, "198.51.100.21", 40001);
    static final long[] OTHER_NEW = teredo("198.51.100.2", 0, "198.51.100.22", 40002);
    /** Its embedded IPv4 is private: never reachable (R-5.4.1-g4). */
    static final long[] PRIVATE = teredo("198.51.100.1", 0, "10.0.0.1", 40003);

    static final long[] MULTICAST = v6("ff02::1");

    RelayHarness burst = new RelayHarness();
    RelayHarness oneByOne = new RelayHarness();

    @AfterEach
    void close() {
        burst.close();
        oneByOne.close();
    }

    @Test
    void aMixedBurstEndsExactlyAsTheSamePacketsOneByOne() {
        trust(burst);
        trust(oneByOne);
        Supplier<List<ByteBuf>> read = () -> {
            List<ByteBuf> packets = new ArrayList<>();
            for (int i = 0; i < 3 * PeerLookups.MAX; i++) { // three runs of lookups, the last one short
                packets.add(
                        switch (i % 8) {
                            case 0, 3 -> ipv6(NATIVE, TRUSTED, 8 + i);
                            case 1 -> ipv6(NATIVE, NEW, 8 + i); // the first creates the entry, the rest find it
                            case 2 -> ipv6(NATIVE, OTHER_NEW, 8 + i);
                            case 4 -> ipv6(NATIVE, NATIVE, 8 + i); // not Teredo: an ICMPv6 error back
                            case 5 -> ipv6(NATIVE, PRIVATE, 8 + i);
                            case 6 -> ipv6(NATIVE, MULTICAST, 8 + i);
                            default -> Unpooled.buffer(8).writeLong(-1L); // malformed
                        });
            }
            return packets;
        };
        List<ByteBuf> burstPackets = read.get();
        burst.readTunBurst(burstPackets);
        read.get().forEach(oneByOne::readTun);

        assertThat(sent(burst)).isNotEmpty().isEqualTo(sent(oneByOne));
        assertThat(burst.tunWritten).hasSameSizeAs(oneByOne.tunWritten).isNotEmpty();
        for (int i = 0; i < burst.tunWritten.size(); i++) {
            assertThat(ByteBufUtil.equals(burst.tunWritten.get(i), oneByOne.tunWritten.get(i)))
                    .isTrue();
        }
        for (Counter c : Counter.values()) {
            assertThat(burst.count(c)).as(c.name()).isEqualTo(oneByOne.count(c));
        }
        for (DropReason r : DropReason.values()) {
            assertThat(burst.dropped(r)).as(r.name()).isEqualTo(oneByOne.dropped(r));
        }
        assertThat(burst.dropped(DropReason.MALFORMED_IPV6)).isEqualTo(12);
        assertThat(burst.count(Counter.QUEUED_PACKETS))
                .as("24, and the proof's own")
                .isEqualTo(25);
        assertThat(burstPackets).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void packetsToOneNewPeerInOneBurstShareItsEntryBubbleAndQueue_R_5_4_1() {
        int n = PeerLookups.MAX + 3;
        List<ByteBuf> packets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            packets.add(ipv6(NATIVE, NEW, 8 + i));
        }
        burst.readTunBurst(packets);

        assertThat(burst.dataPath.peers().size()).isEqualTo(1);
        assertThat(burst.count(Counter.QUEUED_PACKETS)).isEqualTo(n);
        assertThat(burst.count(Counter.BUBBLES_RATE_LIMITED))
                .as("one bubble, the rest within 2 s")
                .isEqualTo(n - 1);
        List<DatagramPacket> bubbles = burst.allSentUdp();
        assertThat(bubbles).as("one indirect bubble through the peer's server").hasSize(1);
        DatagramPacket indirect = bubbles.getFirst();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();

        burst.receiveUdp(bubble(NEW, ours), "198.51.100.21", 40001); // the peer answers: trusted
        List<DatagramPacket> released = burst.allSentUdp();
        assertThat(released).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(released.get(i).content().readableBytes()).as("in order").isEqualTo(Ipv6.HEADER_LENGTH + 8 + i);
        }
        released.forEach(DatagramPacket::release);
    }

    @Test
    void aTrustedPeerTakesEveryPacketOfABurstAtItsMapping() {
        trust(burst);
        int n = 2 * PeerLookups.MAX + 1;
        List<ByteBuf> packets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            packets.add(ipv6(NATIVE, TRUSTED, 8 + i));
        }
        burst.readTunBurst(packets);

        List<DatagramPacket> sent = burst.allSentUdp();
        assertThat(sent).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(sent.get(i).recipient().getPort()).isEqualTo(40000);
            assertThat(sent.get(i).content().readableBytes()).as("in order").isEqualTo(Ipv6.HEADER_LENGTH + 8 + i);
        }
        sent.forEach(DatagramPacket::release);
        assertThat(packets).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void aPeerWhoseTrustLapsedIsBubbledNotSentToInTheBurst_R_5_4_1_c1() {
        trust(burst);
        burst.readTun(ipv6(NATIVE, TRUSTED, 8)); // touched this second: its copy would need no lock
        burst.allSentUdp().forEach(DatagramPacket::release);
        burst.now += 30; // trust lasts 30 s (RFC 4380 §5.2.2)

        burst.readTunBurst(List.of(ipv6(NATIVE, TRUSTED, 8), ipv6(NATIVE, TRUSTED, 9), ipv6(NATIVE, TRUSTED, 10)));

        List<DatagramPacket> sent = burst.allSentUdp();
        assertThat(sent).as("one indirect bubble, no data").hasSize(1);
        assertThat(Ipv6.isBubble(sent.getFirst().content(), 0)).isTrue();
        sent.forEach(DatagramPacket::release);
        assertThat(burst.count(Counter.QUEUED_PACKETS))
                .as("3, and the proof's own")
                .isEqualTo(4);
    }

    /** Makes TRUSTED trusted and proved at its embedded mapping (a packet queued for its bubble's answer). */
    private static void trust(RelayHarness relay) {
        relay.prove(TRUSTED, "198.51.100.20", 40000); // by a bubble exchange: its sends are not counted
    }

    /**
     * Every datagram sent, as recipient and bytes, released. A bubble's source is keyed by each relay's own
     * secret (M15), so a bubble is its recipient and destination.
     */
    private static List<String> sent(RelayHarness relay) {
        List<String> all = new ArrayList<>();
        for (DatagramPacket p : relay.allSentUdp()) {
            ByteBuf b = p.content();
            all.add(p.recipient()
                    + (Ipv6.isBubble(b, 0)
                            ? " bubble to " + Long.toHexString(Ipv6.dstHi(b, 0)) + Long.toHexString(Ipv6.dstLo(b, 0))
                            : " " + ByteBufUtil.hexDump(b)));
            p.release();
        }
        return all;
    }
}
