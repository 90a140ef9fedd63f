package org.jmiredo.bench.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.MemorySegment;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoAddress;
import org.junit.jupiter.api.Test;

/** The raw sender's datagrams, checked byte by byte against the relay's own parsers. */
class TeredoSenderTest {
    static final int RELAY = Ipv4.of(198, 51, 100, 3);
    static final long SINK_HI = 0x2001_0db8_0006_0000L;
    static final long SINK_LO = 0x20L;
    final Peers peers = new Peers(200_000, Ipv4.of(198, 51, 100, 1), Ipv4.of(203, 0, 113, 16));

    /** Only the memory of the batch is used: fill() makes no system call, so no socket is needed. */
    TeredoSender sender(int size) {
        return new TeredoSender(
                -1, 4, peers, RELAY, 3545, SINK_HI, SINK_LO, 9000, size, PeerOrder.roundRobin(1), 1, 0, 1);
    }

    static ByteBuf copy(MemorySegment s, int from, int length) {
        ByteBuf b = Unpooled.buffer(length);
        b.writeBytes(s.asSlice(from, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        return b;
    }

    @Test
    void innerUdpChecksumVerifiesForEveryPeerSequenceAndTime() {
        for (int size : new int[] {Wire.MIN_IPV6, 80, 1280}) {
            TeredoSender s = sender(size);
            for (int peer : new int[] {0, 1, 63_999, 64_000, 199_999}) {
                for (long k : new long[] {0, 1, 0xFFFF, 0x1234_5678_9ABCL, Long.MAX_VALUE}) {
                    s.fill(1, k, peer, 0xFEDC_BA98_7654_3210L ^ k);
                    ByteBuf ipv6 = copy(s.vec.buffer(1), 28, size);
                    assertThat(Checksum.verifies(ipv6, 0))
                            .as("size %d peer %d seq %d", size, peer, k)
                            .isTrue();
                    ipv6.release();
                }
            }
            s.vec.close();
        }
    }

    @Test
    void outerHeadersCarryThePeersMappingAndTheTeredoSource() {
        TeredoSender s = sender(80);
        int peer = 64_001;
        s.fill(0, 7, peer, 42);
        ByteBuf d = copy(s.vec.buffer(0), 0, 28 + 80);
        assertThat(d.getInt(12)).isEqualTo(Ipv4.of(203, 0, 113, 17)); // source = mapped address
        assertThat(d.getInt(16)).isEqualTo(RELAY);
        assertThat(d.getUnsignedShort(20)).isEqualTo(1025); // source port = mapped port
        assertThat(d.getUnsignedShort(22)).isEqualTo(3545);
        long srcLo = Ipv6.srcLo(d, 28);
        assertThat(TeredoAddress.mappedIpv4(srcLo)).isEqualTo(d.getInt(12));
        assertThat(TeredoAddress.mappedPort(srcLo)).isEqualTo(1025);
        assertThat(Ipv6.srcHi(d, 28)).isEqualTo(peers.hi);
        assertThat(Ipv6.dstLo(d, 28)).isEqualTo(SINK_LO);
        assertThat(d.getInt(28 + 48)).isEqualTo(Wire.MAGIC_DATA);
        assertThat(d.getInt(28 + 52)).isEqualTo(peer);
        assertThat(d.getLong(28 + 56)).isEqualTo(7);
        d.release();
        s.vec.close();
    }
}
