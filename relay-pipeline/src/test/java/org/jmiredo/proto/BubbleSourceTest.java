package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The relay's bubble source, Miredo style (CONFORMANCE M14, R-5.4.1-c3, used for M15). */
class BubbleSourceTest {
    private static final BubbleSource SOURCE = new BubbleSource(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
    private static final String CLIENT = "2001:0:c633:6401:0:63bf:39cc:9beb"; // 198.51.100.20:40000

    /** The message is the mapped IPv4 then port in network order: 6 bytes c6 33 64 14 9c 40. */
    @Test
    void hashesIpv4ThenPortInNetworkOrder() {
        byte[] message = Hex.bytes("c6336414 9c40");
        long expected = SipHash.hash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, message, 0, 6) & ~0x0300_0000_0000_0000L;
        assertThat(SOURCE.interfaceId(Hex.ipv4("198.51.100.20"), 40000)).isEqualTo(expected);
        assertThat(SOURCE.interfaceIdFor(Hex.lo(CLIENT))).isEqualTo(expected);
    }

    /** U and G (0x02, 0x01 of address byte 8) are always clear (RFC 4291 appendix A). */
    @Property
    void universalAndGroupBitsClear(@ForAll int ipv4, @ForAll @IntRange(max = 0xFFFF) int port, @ForAll long k0,
            @ForAll long k1) {
        long id = new BubbleSource(k0, k1).interfaceId(ipv4, port);
        assertThat(id >>> 56 & 0x03).isZero();
        assertThat(TeredoAddress.flags(id) & Teredo.FLAG_UG).isZero();
    }

    @Property
    void verifiesItsOwnAndOnlyItsOwn(@ForAll int ipv4, @ForAll @IntRange(max = 0xFFFF) int port, @ForAll int otherIpv4) {
        long id = SOURCE.interfaceId(ipv4, port);
        assertThat(SOURCE.verify(id, ipv4, port)).isTrue();
        assertThat(SOURCE.verify(id ^ 1, ipv4, port)).isFalse();
        assertThat(SOURCE.verify(id, ipv4, port ^ 1)).isFalse();
        if (otherIpv4 != ipv4) {
            assertThat(SOURCE.verify(id, otherIpv4, port)).isFalse();
        }
    }

    @Test
    void keysMatter() {
        BubbleSource a = BubbleSource.random(new SecureRandom());
        BubbleSource b = BubbleSource.random();
        int ipv4 = Hex.ipv4("198.51.100.20");
        assertThat(a.interfaceId(ipv4, 40000)).isNotEqualTo(b.interfaceId(ipv4, 40000));
        assertThat(b.verify(a.interfaceId(ipv4, 40000), ipv4, 40000)).isFalse();
    }

    /**
     * The round trip of M14/M15: our bubble to the client; the client's reply swaps the addresses; the
     * reply's destination proves it answers ours, whatever IPv4/port it came from.
     */
    @Test
    void replyBubbleVerifiesStatelessly() {
        long clientHi = Hex.hi(CLIENT);
        long clientLo = Hex.lo(CLIENT);
        ByteBuf ours = Unpooled.buffer(Bubble.LENGTH);
        ByteBuf reply = Unpooled.buffer(Bubble.LENGTH);
        ByteBuf forged = Unpooled.buffer(Bubble.LENGTH);
        try {
            Bubble.write(ours, BubbleSource.LINK_LOCAL_HI, SOURCE.interfaceIdFor(clientLo), clientHi, clientLo);
            assertThat(Ipv6.srcHi(ours, 0)).isEqualTo(Hex.hi("fe80::"));
            Bubble.write(reply, clientHi, clientLo, Ipv6.srcHi(ours, 0), Ipv6.srcLo(ours, 0));
            assertThat(SOURCE.verifyReply(reply, 0)).isTrue();

            // another client (different embedded mapping) replaying the same destination is not an answer
            long otherLo = TeredoAddress.lo(0, 40001, Hex.ipv4("198.51.100.20"));
            Bubble.write(forged, clientHi, otherLo, Ipv6.srcHi(ours, 0), Ipv6.srcLo(ours, 0));
            assertThat(SOURCE.verifyReply(forged, 0)).isFalse();
            // right interface id but not link-local
            forged.setLong(Ipv6.DST_OFFSET, clientHi);
            forged.setLong(Ipv6.SRC_OFFSET + 8, clientLo);
            assertThat(SOURCE.verifyReply(forged, 0)).isFalse();
        } finally {
            ours.release();
            reply.release();
            forged.release();
        }
    }
}
