package org.jmiredo.tun.offload;

import io.netty.buffer.ByteBuf;
import org.jmiredo.proto.Ipv6;

/**
 * Which packets may start or join a coalesced run: the rules of the kernel's receive offload, read from
 * the packet bytes alone. TCP follows tcp_gro_receive (net/ipv4/tcp_offload.c): same flag word (data offset,
 * flags, window) except PSH, same ACK number, byte-identical options (timestamps included), contiguous
 * sequence numbers, equal payload sizes except a shorter last one; PSH, or a short segment, ends the run.
 * UDP follows udp_gro_receive_segment (net/ipv6/udp_offload.c): equal datagram sizes except a shorter last
 * one, at most 64 segments (UDP_GRO_CNT_MAX), never a zero checksum. Both require the same IPv6 version,
 * traffic class, flow label and hop limit (ipv6_gro_receive). Offsets are relative to the packet's start.
 */
final class GroRules {
    static final int TCP = 6;
    static final int UDP = 17;
    /** The super-packet's upper-layer length must fit the IPv6 payload length field. */
    static final int MAX_L4_LENGTH = 0xFFFF;
    /** The kernel's UDP_GRO_CNT_MAX: it never builds a UDP super-packet of more segments. */
    static final int UDP_MAX_SEGMENTS = 64;

    static final int L4 = Ipv6.HEADER_LENGTH;
    static final int TCP_SEQ = L4 + 4;
    static final int TCP_ACK = L4 + 8;
    /** Data offset, reserved bits, flags and window as one 32-bit word, compared whole as the kernel does. */
    static final int TCP_FLAG_WORD = L4 + 12;

    static final int TCP_FLAGS = L4 + 13;
    static final int TCP_CHECKSUM = L4 + 16;
    static final int TCP_URGENT = L4 + 18;
    static final int TCP_MIN_HEADER = 20;
    static final int FLAG_PSH = 0x08;
    static final int FLAG_ACK = 0x10;
    private static final int FLAG_WORD_PSH = FLAG_PSH << 16;

    static final int UDP_LENGTH = L4 + 4;
    static final int UDP_CHECKSUM = L4 + 6;
    static final int UDP_HEADER = 8;

    private GroRules() {}

    /**
     * The length of the TCP or UDP header of a packet whose next header is {@code protocol}, or -1 when the
     * upper-layer message is too short or its TCP data offset impossible (such a packet never merges).
     */
    static int headerLength(ByteBuf p, int at, int protocol, int l4Length) {
        if (protocol == UDP) {
            return l4Length >= UDP_HEADER ? UDP_HEADER : -1;
        }
        if (l4Length < TCP_MIN_HEADER) {
            return -1;
        }
        int length = (p.getUnsignedByte(at + TCP_FLAG_WORD) >>> 4) * 4;
        return length >= TCP_MIN_HEADER && length <= l4Length ? length : -1;
    }

    /** True when the packet may be the first of a run: TCP with only ACK set, UDP with a checksum; data in it. */
    static boolean canStart(ByteBuf p, int at, int protocol, int l4Length, int headerLength) {
        if (l4Length == headerLength) {
            return false; // a pure ACK or an empty datagram: the kernel never merges those
        }
        if (protocol == TCP) {
            return p.getUnsignedByte(at + TCP_FLAGS) == FLAG_ACK;
        }
        return p.getUnsignedShort(at + UDP_LENGTH) == l4Length && p.getUnsignedShort(at + UDP_CHECKSUM) != 0;
    }

    /** The IPv6 fields outside the flow key that must match: version, traffic class, flow label, hop limit. */
    static boolean sameIpv6Fields(ByteBuf head, int h, ByteBuf p, int at) {
        return head.getInt(h) == p.getInt(at)
                && head.getByte(h + Ipv6.HOP_LIMIT_OFFSET) == p.getByte(at + Ipv6.HOP_LIMIT_OFFSET);
    }

    /**
     * True when TCP segment {@code p} continues the run whose first segment is {@code head}: the shape
     * checks only; sizes and the sequence number are the caller's. Flags must be the head's (only ACK)
     * or ACK|PSH; the urgent pointer is compared too, since segmentation copies the head's to every segment.
     */
    static boolean tcpContinues(ByteBuf head, int h, ByteBuf p, int at, int headerLength) {
        if (((head.getInt(h + TCP_FLAG_WORD) ^ p.getInt(at + TCP_FLAG_WORD)) & ~FLAG_WORD_PSH) != 0
                || head.getInt(h + TCP_ACK) != p.getInt(at + TCP_ACK)
                || head.getShort(h + TCP_URGENT) != p.getShort(at + TCP_URGENT)) {
            return false;
        }
        for (int i = TCP_MIN_HEADER; i < headerLength; i += 4) {
            if (head.getInt(h + L4 + i) != p.getInt(at + L4 + i)) {
                return false;
            }
        }
        return true;
    }

    /** True when UDP datagram {@code p} is well formed for merging: its length field agrees, it has a checksum. */
    static boolean udpContinues(ByteBuf p, int at, int l4Length) {
        return p.getUnsignedShort(at + UDP_LENGTH) == l4Length && p.getUnsignedShort(at + UDP_CHECKSUM) != 0;
    }

    /** True when the TCP segment at {@code at} has PSH set: the kernel ends the run with it. */
    static boolean pushes(ByteBuf p, int at) {
        return (p.getUnsignedByte(at + TCP_FLAGS) & FLAG_PSH) != 0;
    }
}
