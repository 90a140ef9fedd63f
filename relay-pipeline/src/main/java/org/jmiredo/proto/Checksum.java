package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;

/** The Internet checksum (RFC 1071) with the IPv6 pseudo-header (RFC 8200 §8.1). */
public final class Checksum {
    private Checksum() {}

    /**
     * The checksum of an upper-layer message inside an IPv6 packet at {@code ipv6Offset}, computed with
     * the checksum field itself counted as it is (write 0 there first when computing a new one).
     */
    public static int upperLayer(ByteBuf buf, int ipv6Offset) {
        int length = Ipv6.payloadLength(buf, ipv6Offset);
        long sum = pseudoHeaderSum(buf, ipv6Offset, Ipv6.nextHeader(buf, ipv6Offset), length);
        sum += sum(buf, ipv6Offset + Ipv6.HEADER_LENGTH, length);
        return fold(sum);
    }

    /** True when the upper-layer checksum of the IPv6 packet at {@code ipv6Offset} verifies. */
    public static boolean verifies(ByteBuf buf, int ipv6Offset) {
        return upperLayer(buf, ipv6Offset) == 0;
    }

    /**
     * The pseudo-header sum (addresses of the IPv6 header at {@code ipv6Offset}, {@code upperLayerLength},
     * {@code nextHeader}) folded to 16 bits and NOT complemented: what the kernel expects in the checksum
     * field of a packet whose checksum it completes over the upper-layer bytes (CHECKSUM_PARTIAL, as in GSO).
     */
    public static int pseudoHeaderPartial(ByteBuf buf, int ipv6Offset, int nextHeader, int upperLayerLength) {
        return ~fold(pseudoHeaderSum(buf, ipv6Offset, nextHeader, upperLayerLength)) & 0xFFFF;
    }

    /**
     * The IPv6 pseudo-header's part of an upper-layer checksum (RFC 8200 §8.1): source and destination of
     * the packet at {@code ipv6Offset}, the upper-layer length and the protocol, as an unfolded sum to add
     * to {@link #sum} of the upper-layer bytes.
     */
    public static long pseudoHeaderSum(ByteBuf buf, int ipv6Offset, int protocol, int upperLayerLength) {
        return sum(buf, ipv6Offset + Ipv6.SRC_OFFSET, 32) + upperLayerLength + protocol;
    }

    /**
     * The unfolded ones'-complement sum of {@code length} bytes at {@code offset}, big-endian 16-bit words
     * (an odd last byte is padded with zero). Sums of adjacent ranges add up as long as every range but
     * the last has an even length.
     */
    public static long sum(ByteBuf buf, int offset, int length) {
        long sum = 0;
        int i = offset;
        int end = offset + length;
        // Eight bytes at a time, as two 32-bit halves: each addition is below 2^33, so a long holds the
        // sum of any packet without losing a carry; fold() wraps the carries back in.
        for (; i + 8 <= end; i += 8) {
            long word = buf.getLong(i);
            sum += (word >>> 32) + (word & 0xFFFF_FFFFL);
        }
        for (; i + 2 <= end; i += 2) {
            sum += buf.getUnsignedShort(i);
        }
        if (i < end) {
            sum += buf.getUnsignedByte(i) << 8;
        }
        return sum;
    }

    /** The checksum of an unfolded sum: folded to 16 bits, then complemented (RFC 1071). */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) ~sum & 0xFFFF;
    }
}
