package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The relay's bubble source (CONFORMANCE M14, R-5.4.1-c3, used for M15), keyed on the whole peer address. */
class BubbleSourceTest {
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;
    private static final BubbleSource SOURCE = new BubbleSource(K0, K1);
    private static final String CLIENT = "2001:0:c633:6401:0:63bf:39cc:9beb"; // 198.51.100.20:40000

    /** The message is the peer's 16 address bytes in network order, hashed as SipHash-2-4 defines. */
    @Test
    void hashesTheWholeAddressInNetworkOrder() {
        byte[] message = Hex.bytes("20010000 c6336401 000063bf 39cc9beb");
        long expected = SipHash.hash(K0, K1, message, 0, 16) & ~0x0300_0000_0000_0000L;
        assertThat(SOURCE.interfaceId(Hex.hi(CLIENT), Hex.lo(CLIENT))).isEqualTo(expected);
    }

    @Property
    void sixteenByteFormAgreesWithTheArrayForm(@ForAll long hi, @ForAll long lo, @ForAll long k0, @ForAll long k1) {
        byte[] message = new byte[16];
        for (int i = 0; i < 8; i++) {
            message[i] = (byte) (hi >>> (56 - 8 * i));
            message[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        assertThat(SipHash.hash16(k0, k1, hi, lo)).isEqualTo(SipHash.hash(k0, k1, message, 0, 16));
    }

    /**
     * R-4-ug for the relay, which has no Teredo address of its own, only its bubbles' sources: U and G (0x02,
     * 0x01 of address byte 8) are always clear (RFC 4291 appendix A).
     */
    @Property
    void universalAndGroupBitsClear(@ForAll long hi, @ForAll long lo, @ForAll long k0, @ForAll long k1) {
        long id = new BubbleSource(k0, k1).interfaceId(hi, lo);
        assertThat(id >>> 56 & 0x03).isZero();
        assertThat(TeredoAddress.flags(id) & Teredo.FLAG_UG).isZero();
    }

    @Property
    void verifiesItsOwnAndOnlyItsOwn(@ForAll long hi, @ForAll long lo, @ForAll long otherHi) {
        long id = SOURCE.interfaceId(hi, lo);
        assertThat(SOURCE.answers(BubbleSource.LINK_LOCAL_HI, id, hi, lo)).isTrue();
        assertThat(SOURCE.answers(BubbleSource.LINK_LOCAL_HI, id ^ 1, hi, lo)).isFalse();
        assertThat(SOURCE.answers(BubbleSource.LINK_LOCAL_HI, id, hi, lo ^ 1)).isFalse();
        if (otherHi != hi) {
            assertThat(SOURCE.answers(BubbleSource.LINK_LOCAL_HI, id, otherHi, lo))
                    .isFalse();
        }
    }

    @Test
    void keysMatter() {
        BubbleSource a = BubbleSource.random(new SecureRandom());
        BubbleSource b = BubbleSource.random();
        long hi = Hex.hi(CLIENT);
        long lo = Hex.lo(CLIENT);
        assertThat(a.interfaceId(hi, lo)).isNotEqualTo(b.interfaceId(hi, lo));
        assertThat(b.answers(BubbleSource.LINK_LOCAL_HI, a.interfaceId(hi, lo), hi, lo))
                .isFalse();
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
            Bubble.write(ours, BubbleSource.LINK_LOCAL_HI, SOURCE.interfaceId(clientHi, clientLo), clientHi, clientLo);
            assertThat(Ipv6.srcHi(ours, 0)).isEqualTo(Hex.hi("fe80::"));
            Bubble.write(reply, clientHi, clientLo, Ipv6.srcHi(ours, 0), Ipv6.srcLo(ours, 0));
            assertThat(answersOurs(reply)).isTrue();

            // another client (different embedded mapping) replaying the same destination is not an answer
            long otherLo = TeredoAddress.lo(0, 40001, Hex.ipv4("198.51.100.20"));
            Bubble.write(forged, clientHi, otherLo, Ipv6.srcHi(ours, 0), Ipv6.srcLo(ours, 0));
            assertThat(answersOurs(forged)).isFalse();
            // the same mapping behind another server (an address an attacker made us bubble to) is not either
            long otherServerHi = TeredoAddress.hi(0x2001_0000, Hex.ipv4("203.0.113.9"));
            Bubble.write(forged.clear(), otherServerHi, clientLo, Ipv6.srcHi(ours, 0), Ipv6.srcLo(ours, 0));
            assertThat(answersOurs(forged)).isFalse();
            // right interface id but not link-local
            Bubble.write(forged.clear(), clientHi, clientLo, clientHi, Ipv6.srcLo(ours, 0));
            assertThat(answersOurs(forged)).isFalse();
        } finally {
            ours.release();
            reply.release();
            forged.release();
        }
    }

    /** The check the relay and the client make of a bubble that may answer ours. */
    private static boolean answersOurs(ByteBuf bubble) {
        return SOURCE.answers(
                Ipv6.dstHi(bubble, 0), Ipv6.dstLo(bubble, 0), Ipv6.srcHi(bubble, 0), Ipv6.srcLo(bubble, 0));
    }
}
