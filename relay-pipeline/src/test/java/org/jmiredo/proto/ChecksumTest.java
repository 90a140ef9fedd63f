package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** RFC 1071 sum with the IPv6 pseudo-header (RFC 8200 §8.1), as ICMPv6 uses it (RFC 4443 §2.3). */
class ChecksumTest {
    /**
     * Captured with tcpdump on the loopback of a throwaway namespace during {@code ping -6 -c1 ::1}
     * (Linux, iputils): the echo request and its reply, IPv6 headers on, Ethernet header off. tcpdump
     * reported "icmp6 sum ok" for both; the checksums are 0x4e44 and 0x4d44.
     */
    static final String PING_REQUEST =
            "600982cf00403a40000000000000000000000000000000010000000000000000000000000000000180004e441ae100014de5076b00000000fe39040000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";

    static final String PING_REPLY =
            "6008f5ba00403a40000000000000000000000000000000010000000000000000000000000000000181004d441ae100014de5076b00000000fe39040000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";

    @Test
    void capturedPingVerifies() {
        for (String hex : new String[] {PING_REQUEST, PING_REPLY}) {
            ByteBuf buf = Hex.buf(hex);
            try {
                assertThat(Checksum.verifies(buf, 0)).isTrue();
                assertThat(Icmpv6.isValid(buf, 0, buf.readableBytes())).isTrue();
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void recomputesTheCapturedChecksums() {
        ByteBuf request = Hex.buf(PING_REQUEST);
        ByteBuf reply = Hex.buf(PING_REPLY);
        try {
            request.setShort(42, 0);
            assertThat(Checksum.upperLayer(request, 0)).isEqualTo(0x4e44);
            reply.setShort(42, 0xFFFF); // garbage in the field: fillChecksum must not count it
            Icmpv6.fillChecksum(reply, 0);
            assertThat(reply.getUnsignedShort(42)).isEqualTo(0x4d44);
        } finally {
            request.release();
            reply.release();
        }
    }

    /** The sum handles odd lengths by padding with a zero byte (RFC 1071 §4.1). */
    @Test
    void oddLengthPadsWithZero() {
        ByteBuf odd = Hex.buf("0102 03");
        ByteBuf padded = Hex.buf("0102 0300");
        try {
            // the sum adds 32-bit words and folds later: compare folded results, ~(0x0102 + 0x0300)
            assertThat(Checksum.fold(Checksum.sum(odd, 0, 3)))
                    .isEqualTo(Checksum.fold(Checksum.sum(padded, 0, 4)))
                    .isEqualTo(~0x0402 & 0xFFFF);
        } finally {
            odd.release();
            padded.release();
        }
    }

    /** A packet with its checksum filled in verifies; flipping any covered bit breaks it. */
    @Property(tries = 500)
    void filledChecksumVerifiesAndEveryCoveredBitMatters(
            @ForAll @Size(min = 4, max = 1232) byte[] icmp,
            @ForAll long srcHi,
            @ForAll long srcLo,
            @ForAll long dstHi,
            @ForAll long dstLo,
            @ForAll @IntRange(max = 1 << 20) int flip) {
        ByteBuf buf = Unpooled.buffer(40 + icmp.length);
        try {
            Ipv6.writeHeader(buf, 0, icmp.length, Ipv6.NEXT_HEADER_ICMPV6, 64, srcHi, srcLo, dstHi, dstLo);
            buf.writerIndex(40).writeBytes(icmp);
            Icmpv6.fillChecksum(buf, 0);
            assertThat(Checksum.verifies(buf, 0)).isTrue();

            // covered: next header (byte 6, in the pseudo-header), addresses and the whole ICMPv6 message
            int coveredBits = 8 + (32 + icmp.length) * 8;
            int bit = flip % coveredBits;
            int index = bit < 8 ? Ipv6.NEXT_HEADER_OFFSET : Ipv6.SRC_OFFSET + (bit - 8) / 8;
            buf.setByte(index, buf.getByte(index) ^ (1 << (bit % 8)));
            assertThat(Checksum.verifies(buf, 0)).isFalse();
        } finally {
            buf.release();
        }
    }

    /** The sum, read 8 bytes at a time, equals the plain RFC 1071 sum of 16-bit words, at any offset and length. */
    @Property(tries = 500)
    void sumEqualsTheWordByWordSum(
            @ForAll @Size(max = 300) byte[] bytes,
            @ForAll @IntRange(max = 300) int from,
            @ForAll @IntRange(max = 300) int length) {
        int offset = Math.min(from, bytes.length);
        int n = Math.min(length, bytes.length - offset);
        long reference = 0;
        for (int i = 0; i < n; i += 2) {
            reference += (bytes[offset + i] & 0xFF) << 8 | (i + 1 < n ? bytes[offset + i + 1] & 0xFF : 0);
        }
        assertThat(Checksum.fold(Checksum.sum(Unpooled.wrappedBuffer(bytes), offset, n)))
                .isEqualTo(Checksum.fold(reference));
    }

    /** The partial sum a GSO super-packet carries: the pseudo-header alone, folded, not complemented. */
    @Test
    void pseudoHeaderPartialIsTheFoldedPseudoHeaderSum() {
        ByteBuf buf = Unpooled.buffer(40);
        Ipv6.writeHeader(buf, 0, 0, 6, 64, 0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 0xFFFF_FFFF_FFFF_FFFFL);
        // 0x2001 + 0x0db8 + 1, twice, plus four 0xFFFF, plus length 0x10000 and protocol 6, folded
        long sum = 2 * (0x2001 + 0x0db8) + 1 + 4 * 0xFFFFL + 0x10000 + 6;
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        assertThat(Checksum.pseudoHeaderPartial(buf, 0, 6, 0x10000)).isEqualTo((int) sum);
    }
}
