package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** R-2.8-bubble: a bare IPv6 header, payload length 0, next header 59 (CONFORMANCE §10.5). */
class BubbleTest {
    private static final long SRC_HI = Ipv6.LINK_LOCAL_HI;
    private static final long SRC_LO = 0x0123_4567_89ab_cdefL;
    private static final long DST_HI = Hex.hi("2001:0:c633:6401:0:63bf:39cc:9beb");
    private static final long DST_LO = Hex.lo("2001:0:c633:6401:0:63bf:39cc:9beb");

    @Test
    void layoutIsByteExact() {
        ByteBuf buf = Unpooled.buffer(Bubble.LENGTH);
        try {
            Bubble.write(buf, SRC_HI, SRC_LO, DST_HI, DST_LO);
            assertThat(buf.readableBytes()).isEqualTo(40);
            assertThat(Hex.of(buf)).isEqualTo(TeredoHeadersTest.BUBBLE.replace(" ", ""));
            assertThat(Ipv6.isBubble(buf, 0)).isTrue();
            assertThat(Ipv6.hopLimit(buf, 0)).isZero(); // as Miredo (M14)
        } finally {
            buf.release();
        }
    }

    @Test
    void writeAppendsAfterWhatIsThere() {
        ByteBuf buf = Unpooled.buffer(8 + Bubble.LENGTH);
        try {
            TeredoHeaders.writeOrigin(buf, 0, Hex.ipv4("198.51.100.20"), 40000);
            buf.writerIndex(8);
            Bubble.write(buf, SRC_HI, SRC_LO, DST_HI, DST_LO);
            assertThat(buf.readableBytes()).isEqualTo(48);
            TeredoHeaders headers = new TeredoHeaders();
            assertThat(headers.parse(buf)).isNull();
            assertThat(Ipv6.isBubble(buf, headers.ipv6Offset())).isTrue();
            assertThat(Ipv6.srcLo(buf, 8)).isEqualTo(SRC_LO);
            assertThat(Ipv6.dstHi(buf, 8)).isEqualTo(DST_HI);
            assertThat(Ipv6.dstLo(buf, 8)).isEqualTo(DST_LO);
        } finally {
            buf.release();
        }
    }

    /** Local discovery bubbles: hop limit 1 to ff02::1 (RFC 4380 §5.2.8), written in place. */
    @Test
    void writeAtTakesHopLimitAndMovesNoIndex() {
        ByteBuf buf = Unpooled.buffer(64).writerIndex(50);
        try {
            Bubble.writeAt(buf, 10, 1, DST_HI, DST_LO, 0xFF02_0000_0000_0000L, 1L);
            assertThat(buf.writerIndex()).isEqualTo(50);
            assertThat(Ipv6.version(buf, 10)).isEqualTo(6);
            assertThat(Ipv6.isBubble(buf, 10)).isTrue();
            assertThat(Ipv6.hopLimit(buf, 10)).isEqualTo(1);
            assertThat(Ipv6.isMulticast(Ipv6.dstHi(buf, 10))).isTrue();
        } finally {
            buf.release();
        }
    }

    @Test
    void nonBubblesAreNotBubbles() {
        ByteBuf buf = Hex.buf(ChecksumTest.PING_REQUEST);
        ByteBuf noNextHeaderWithPayload = Hex.buf("60000000 0004 3b 00" + "00".repeat(32) + "00000000");
        try {
            assertThat(Ipv6.isBubble(buf, 0)).isFalse();
            assertThat(Ipv6.isBubble(noNextHeaderWithPayload, 0)).isFalse();
        } finally {
            buf.release();
            noNextHeaderWithPayload.release();
        }
    }
}
