package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** ICMPv6 accessors, validation and echo builders (RFC 4443 §2.1, §2.3, §4). */
class Icmpv6Test {
    /**
     * Echo Request from 2001:db8:6::20 to the lab client, hop limit 64, id 0x1234, seq 7, data "jmiredo!".
     * Built outside Java (Python struct) and checked with tcpdump, which reported "icmp6 sum ok".
     */
    static final String ECHO_REQUEST =
            "6000000000103a4020010db800060000000000000000002020010000c6336401000063bf39cc9beb80001388123400076a6d697265646f21";

    static final String NATIVE = "2001:db8:6::20";
    static final String CLIENT = "2001:0:c633:6401:0:63bf:39cc:9beb";

    @Test
    void echoRequestKnownAnswer() {
        ByteBuf out = Unpooled.buffer();
        ByteBuf data = Unpooled.copiedBuffer("jmiredo!", java.nio.charset.StandardCharsets.US_ASCII);
        try {
            int written = Icmpv6.appendEchoRequest(
                    out, 64, Hex.hi(NATIVE), Hex.lo(NATIVE), Hex.hi(CLIENT), Hex.lo(CLIENT), 0x1234, 7, data, 0, 8);
            assertThat(written).isEqualTo(56);
            assertThat(Hex.of(out)).isEqualTo(ECHO_REQUEST);
            assertThat(data.readerIndex()).isZero(); // the data is copied, not consumed
        } finally {
            out.release();
            data.release();
        }
    }

    /** The reply to the captured Linux ping equals the captured kernel reply (flow label aside). */
    @Test
    void echoReplyToCapturedPing() {
        ByteBuf request = Hex.buf(ChecksumTest.PING_REQUEST);
        ByteBuf kernelReply = Hex.buf(ChecksumTest.PING_REPLY);
        ByteBuf out = Unpooled.buffer();
        try {
            int written = Icmpv6.appendEchoReplyTo(out, request, 0, 64, 0, 1); // from ::1
            assertThat(written).isEqualTo(kernelReply.readableBytes());
            assertThat(Hex.of(out, 4, written - 4)).isEqualTo(Hex.of(kernelReply, 4, written - 4));
            assertThat(Icmpv6.type(out, 40)).isEqualTo(Icmpv6.TYPE_ECHO_REPLY);
            assertThat(Icmpv6.checksum(out, 40)).isEqualTo(0x4d44);
        } finally {
            request.release();
            kernelReply.release();
            out.release();
        }
    }

    @Test
    void accessorsOnCapturedPing() {
        ByteBuf buf = Hex.buf(ChecksumTest.PING_REQUEST);
        try {
            assertThat(Icmpv6.type(buf, 40)).isEqualTo(Icmpv6.TYPE_ECHO_REQUEST);
            assertThat(Icmpv6.code(buf, 40)).isZero();
            assertThat(Icmpv6.checksum(buf, 40)).isEqualTo(0x4e44);
            assertThat(Icmpv6.echoIdentifier(buf, 40)).isEqualTo(0x1ae1);
            assertThat(Icmpv6.echoSequence(buf, 40)).isEqualTo(1);
            assertThat(Icmpv6.isError(Icmpv6.type(buf, 40))).isFalse();
            assertThat(Icmpv6.isError(Icmpv6.TYPE_DESTINATION_UNREACHABLE)).isTrue();
            assertThat(Icmpv6.isError(127)).isTrue();
        } finally {
            buf.release();
        }
    }

    @Test
    void validationRejectsBrokenPackets() {
        ByteBuf buf = Hex.buf(ChecksumTest.PING_REQUEST);
        try {
            int length = buf.readableBytes();
            assertThat(Icmpv6.isValid(buf, 0, length)).isTrue();
            assertThat(Icmpv6.isValid(buf, 0, length - 1))
                    .as("payload beyond the length")
                    .isFalse();
            assertThat(Icmpv6.isValid(buf, 0, 39)).isFalse();
            assertThat(Icmpv6.isValid(buf, 1, length)).as("beyond the buffer").isFalse();
            buf.setByte(50, buf.getByte(50) ^ 0x10);
            assertThat(Icmpv6.isValid(buf, 0, length)).as("checksum").isFalse();
            buf.setByte(50, buf.getByte(50) ^ 0x10);
            buf.setByte(Ipv6.NEXT_HEADER_OFFSET, 17);
            assertThat(Icmpv6.isValid(buf, 0, length)).as("UDP").isFalse();
            buf.setByte(Ipv6.NEXT_HEADER_OFFSET, 58);
            buf.setByte(0, 0x40);
            assertThat(Icmpv6.isValid(buf, 0, length)).as("version 4").isFalse();
        } finally {
            buf.release();
        }
    }

    @Test
    void tooShortForTypeCodeChecksum() {
        ByteBuf buf = Hex.buf("60000000 0002 3a ff" + "00".repeat(32) + "8000");
        try {
            assertThat(Icmpv6.isValid(buf, 0, buf.readableBytes())).isFalse();
        } finally {
            buf.release();
        }
    }

    @Property
    void validationNeverThrows(@ForAll @Size(max = 200) byte[] bytes, @ForAll @IntRange(max = 250) int length) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            Icmpv6.isValid(buf, 0, length);
            new RouterAdvertisementParser().parse(buf, 0, length);
            RouterSolicitation.isValid(buf, 0, length);
            Icmpv6Error.mayReportOn(buf, 0, length);
        } finally {
            buf.release();
        }
    }

    /** A packet whose first bytes look like IPv6 + ICMPv6, so the checks past the header get exercised. */
    @Property
    void validationNeverThrowsOnPlausiblePackets(
            @ForAll @Size(min = 40, max = 200) byte[] bytes,
            @ForAll @IntRange(max = 250) int plen,
            @ForAll @IntRange(max = 250) int length) {
        bytes[0] = 0x60;
        bytes[4] = 0;
        bytes[5] = (byte) plen;
        bytes[6] = 58;
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            Icmpv6.isValid(buf, 0, length);
            new RouterAdvertisementParser().parse(buf, 0, length);
            RouterSolicitation.isValid(buf, 0, length);
            Icmpv6Error.mayReportOn(buf, 0, length);
        } finally {
            buf.release();
        }
    }
}
