package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;

/**
 * ICMPv6 Destination Unreachable (RFC 4443 §3.1) about a packet the relay cannot deliver, and the rules
 * of RFC 4443 §2.4 (e) that say when no error may be sent at all.
 */
public final class Icmpv6Error {
    private Icmpv6Error() {}

    /** Hop limit of the errors we originate (the maximum, so they reach the sender from anywhere). */
    public static final int HOP_LIMIT = 255;

    /** An error message, invoking packet included, never exceeds the IPv6 minimum MTU (RFC 4443 §2.4 (c)). */
    public static final int MAX_LENGTH = Teredo.MTU;

    /** Room left for the invoking packet after our IPv6 and ICMPv6 headers. */
    public static final int MAX_QUOTED = MAX_LENGTH - Ipv6.HEADER_LENGTH - Icmpv6.HEADER_LENGTH;

    // Extension headers walked to find out whether the invoking packet is itself an ICMPv6 error.
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int AUTHENTICATION = 51;
    private static final int DESTINATION_OPTIONS = 60;
    private static final int MAX_EXTENSION_HEADERS = 8;
    /** Result of {@link #icmpv6Type}: the upper layer is not ICMPv6 (or is a non-first fragment). */
    private static final int NOT_ICMPV6 = -1;
    /** Result of {@link #icmpv6Type}: the header chain is truncated or too long to tell. */
    private static final int UNKNOWN = -2;

    /** The size of the error {@link #appendUnreachable} writes about an invoking packet of {@code length} bytes. */
    public static int length(int invokingLength) {
        return Ipv6.HEADER_LENGTH + Icmpv6.HEADER_LENGTH + Math.min(invokingLength, MAX_QUOTED);
    }

    /**
     * Whether RFC 4443 §2.4 (e) allows an error about the IPv6 packet of {@code length} bytes at
     * {@code offset}. Not about: an ICMPv6 error or a Redirect (e.1, e.2), a packet to a multicast address
     * (e.3; Packet Too Big and Parameter Problem code 2 are the exceptions, and we send neither), a packet
     * whose source is unspecified or multicast (e.6). Also false for anything that is not an IPv6 packet,
     * or whose extension headers are cut short, since then we cannot tell. Never throws.
     */
    public static boolean mayReportOn(ByteBuf buf, int offset, int length) {
        if (offset < 0
                || length < Ipv6.HEADER_LENGTH
                || offset + length > buf.capacity()
                || Ipv6.version(buf, offset) != 6) {
            return false;
        }
        long srcHi = Ipv6.srcHi(buf, offset);
        if (Ipv6.isMulticast(srcHi)
                || Ipv6.isUnspecified(srcHi, Ipv6.srcLo(buf, offset))
                || Ipv6.isMulticast(Ipv6.dstHi(buf, offset))) {
            return false;
        }
        int type = icmpv6Type(buf, offset, length);
        return type == NOT_ICMPV6 || type >= 0 && !Icmpv6.isError(type) && type != Icmpv6.TYPE_REDIRECT;
    }

    /**
     * Appends, at the writer index, a Destination Unreachable with {@code code} (e.g.
     * {@link Icmpv6#CODE_ADDRESS_UNREACHABLE}) from {@code srcHi/srcLo} to the source of the invoking
     * packet, quoting as much of it as fits in {@link #MAX_LENGTH} bytes, and advances the writer index.
     * Returns false and writes nothing when {@link #mayReportOn} says no.
     */
    public static boolean appendUnreachable(
            ByteBuf out, int code, long srcHi, long srcLo, ByteBuf invoking, int offset, int length) {
        if (!mayReportOn(invoking, offset, length)) {
            return false;
        }
        int quoted = Math.min(length, MAX_QUOTED);
        int payload = Icmpv6.HEADER_LENGTH + quoted;
        out.ensureWritable(Ipv6.HEADER_LENGTH + payload);
        int at = out.writerIndex();
        Ipv6.writeHeader(
                out,
                at,
                payload,
                Ipv6.NEXT_HEADER_ICMPV6,
                HOP_LIMIT,
                srcHi,
                srcLo,
                Ipv6.srcHi(invoking, offset),
                Ipv6.srcLo(invoking, offset));
        int icmp = at + Ipv6.HEADER_LENGTH;
        out.setByte(icmp + Icmpv6.TYPE_OFFSET, Icmpv6.TYPE_DESTINATION_UNREACHABLE);
        out.setByte(icmp + Icmpv6.CODE_OFFSET, code);
        out.setInt(icmp + Icmpv6.ECHO_ID_OFFSET, 0); // "unused", zero on send (§3.1)
        out.setBytes(icmp + Icmpv6.HEADER_LENGTH, invoking, offset, quoted);
        Icmpv6.fillChecksum(out, at);
        out.writerIndex(at + Ipv6.HEADER_LENGTH + payload);
        return true;
    }

    /**
     * The ICMPv6 type of the packet, after walking its extension headers (RFC 8200 §4); or
     * {@link #NOT_ICMPV6}, or {@link #UNKNOWN} when the chain is cut short or longer than we follow.
     */
    private static int icmpv6Type(ByteBuf buf, int offset, int length) {
        int end = offset + length;
        int next = Ipv6.nextHeader(buf, offset);
        int at = offset + Ipv6.HEADER_LENGTH;
        for (int i = 0; i <= MAX_EXTENSION_HEADERS; i++) {
            if (next == Ipv6.NEXT_HEADER_ICMPV6) {
                return at < end ? buf.getUnsignedByte(at) : UNKNOWN;
            }
            if (next != HOP_BY_HOP
                    && next != ROUTING
                    && next != DESTINATION_OPTIONS
                    && next != FRAGMENT
                    && next != AUTHENTICATION) {
                return NOT_ICMPV6; // TCP, UDP, No Next Header, ESP...: an upper layer other than ICMPv6
            }
            if (at + 8 > end) {
                return UNKNOWN; // every extension header is at least 8 bytes
            }
            if (next == FRAGMENT && (buf.getUnsignedShort(at + 2) & 0xFFF8) != 0) {
                return NOT_ICMPV6; // a later fragment carries no upper-layer header
            }
            int headerLength =
                    switch (next) {
                        case FRAGMENT -> 8;
                        case AUTHENTICATION -> (buf.getUnsignedByte(at + 1) + 2) * 4; // RFC 4302 §2.2
                        default -> (buf.getUnsignedByte(at + 1) + 1) * 8;
                    };
            next = buf.getUnsignedByte(at);
            at += headerLength;
        }
        return UNKNOWN;
    }
}
