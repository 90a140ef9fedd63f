package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;

/** IPv6 header layout (RFC 8200 §3), read with absolute accessors at these offsets. */
public final class Ipv6 {
    private Ipv6() {}

    public static final int HEADER_LENGTH = 40;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SRC_OFFSET = 8;
    public static final int DST_OFFSET = 24;

    public static final int NEXT_HEADER_ICMPV6 = 58;
    public static final int NEXT_HEADER_NONE = 59;

    /** The first byte of every multicast address (ff00::/8). */
    public static final int MULTICAST_FIRST_BYTE = 0xFF;

    public static int version(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset) >>> 4;
    }

    public static int payloadLength(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + PAYLOAD_LENGTH_OFFSET);
    }

    public static int nextHeader(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + NEXT_HEADER_OFFSET);
    }

    public static long srcHi(ByteBuf buf, int offset) {
        return buf.getLong(offset + SRC_OFFSET);
    }

    public static long srcLo(ByteBuf buf, int offset) {
        return buf.getLong(offset + SRC_OFFSET + 8);
    }

    public static long dstHi(ByteBuf buf, int offset) {
        return buf.getLong(offset + DST_OFFSET);
    }

    public static long dstLo(ByteBuf buf, int offset) {
        return buf.getLong(offset + DST_OFFSET + 8);
    }

    public static boolean isMulticast(long hi) {
        return (hi >>> 56) == MULTICAST_FIRST_BYTE;
    }

    /** fe80::/10. */
    public static boolean isLinkLocal(long hi) {
        return (hi >>> 54) == (0xFE80L >>> 6);
    }

    /** A bubble: a bare IPv6 header, payload length 0 and next header 59 (RFC 4380 §2.8). */
    public static boolean isBubble(ByteBuf buf, int offset) {
        return payloadLength(buf, offset) == 0 && nextHeader(buf, offset) == NEXT_HEADER_NONE;
    }
}
