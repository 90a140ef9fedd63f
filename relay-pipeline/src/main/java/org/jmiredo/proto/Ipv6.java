package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;

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

    /** First 32 bits of a header with version 6, traffic class 0 and flow label 0. */
    public static final int VERSION_6_WORD = 0x6000_0000;

    /** Hop limit of Neighbor Discovery messages (RS, RA), checked by receivers (RFC 4861 §6.1). */
    public static final int ND_HOP_LIMIT = 255;

    /** fe80::/64, the upper half of a link-local unicast address (RFC 4291 §2.5.6). */
    public static final long LINK_LOCAL_HI = 0xFE80_0000_0000_0000L;

    /** ff02::2, all routers on the link (RFC 4291 §2.7.1): the destination of a Router Solicitation. */
    public static final long ALL_ROUTERS_HI = 0xFF02_0000_0000_0000L;

    public static final long ALL_ROUTERS_LO = 2L;

    public static int version(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset) >>> 4;
    }

    public static int payloadLength(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + PAYLOAD_LENGTH_OFFSET);
    }

    public static int nextHeader(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + NEXT_HEADER_OFFSET);
    }

    public static int hopLimit(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + HOP_LIMIT_OFFSET);
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

    /** ::, which identifies no node (RFC 4291 §2.5.2). */
    public static boolean isUnspecified(long hi, long lo) {
        return hi == 0 && lo == 0;
    }

    /**
     * Writes a 40-byte header at {@code offset} with absolute setters (indexes untouched): version 6,
     * traffic class 0, flow label 0, then the given fields.
     */
    public static void writeHeader(
            ByteBuf buf,
            int offset,
            int payloadLength,
            int nextHeader,
            int hopLimit,
            long srcHi,
            long srcLo,
            long dstHi,
            long dstLo) {
        buf.setInt(offset, VERSION_6_WORD);
        buf.setShort(offset + PAYLOAD_LENGTH_OFFSET, payloadLength);
        buf.setByte(offset + NEXT_HEADER_OFFSET, nextHeader);
        buf.setByte(offset + HOP_LIMIT_OFFSET, hopLimit);
        buf.setLong(offset + SRC_OFFSET, srcHi);
        buf.setLong(offset + SRC_OFFSET + 8, srcLo);
        buf.setLong(offset + DST_OFFSET, dstHi);
        buf.setLong(offset + DST_OFFSET + 8, dstLo);
    }

    /**
     * Whether {@code packet}'s readable bytes, as read from a tunnel, hold an IPv6 packet, which they then end
     * with: its bytes after the packet are cut, as the kernel's own IPv6 input cuts them (only a raw socket on
     * the host writes them, and a Teredo peer would read them as RFC 6081 trailers). False, and nothing cut,
     * when shorter than a header, not version 6, shorter than its payload length says, or a payload length of
     * 0 with a next header other than 59 (only a jumbogram says 0, and no datagram holds one).
     */
    public static boolean cutToTunnelPacket(ByteBuf packet) {
        int at = packet.readerIndex();
        int length = packet.readableBytes();
        if (length < HEADER_LENGTH || version(packet, at) != 6) {
            return false;
        }
        int payload = payloadLength(packet, at);
        if (HEADER_LENGTH + payload > length || payload == 0 && nextHeader(packet, at) != NEXT_HEADER_NONE) {
            return false;
        }
        packet.writerIndex(at + HEADER_LENGTH + payload);
        return true;
    }

    /** A bubble: a bare IPv6 header, payload length 0 and next header 59 (RFC 4380 §2.8). */
    public static boolean isBubble(ByteBuf buf, int offset) {
        return payloadLength(buf, offset) == 0 && nextHeader(buf, offset) == NEXT_HEADER_NONE;
    }

    /**
     * The 16 bytes of an IPv6 address written as text (RFC 4291 §2.2), or null when {@code text} is not one. Never
     * asks DNS ({@code Inet6Address.ofLiteral}, Java 22, unlike {@code InetAddress.getByName}).
     */
    public static byte[] literal(String text) {
        try {
            InetAddress address = Inet6Address.ofLiteral(text);
            return address instanceof Inet6Address ? address.getAddress() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The address {@code hi:lo} in RFC 5952's text form ("2001:db8::1", not "2001:db8:0:0:0:0:0:1"). */
    public static String text(long hi, long lo) {
        int[] words = new int[8];
        for (int i = 0; i < 4; i++) {
            words[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            words[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        // RFC 5952 §4.2: shorten the longest run of two or more zero words (the first one on a tie).
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0, run = 0; i < 8; i++) {
            run = words[i] == 0 ? run + 1 : 0;
            if (run > bestLength) {
                bestLength = run;
                bestStart = i - run + 1;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
            } else {
                if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                    text.append(':');
                }
                text.append(Integer.toHexString(words[i]));
            }
        }
        return text.toString();
    }
}
