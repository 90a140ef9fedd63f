package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;

/**
 * The Router Solicitation a Teredo client sends to qualify (RFC 4380 §5.2.1, RFC 4861 §4.1), as laid out
 * in CONFORMANCE §10.7: IPv6 from a link-local address to ff02::2, hop limit 255, ICMPv6 type 133 code 0,
 * 4 reserved bytes, no options.
 */
public final class RouterSolicitation {
    private RouterSolicitation() {}

    /** ICMPv6 part: type, code, checksum, reserved. */
    public static final int ICMP_LENGTH = Icmpv6.HEADER_LENGTH;
    /** The IPv6 packet without Teredo headers (61 bytes with the 13-byte authentication in front). */
    public static final int LENGTH = Ipv6.HEADER_LENGTH + ICMP_LENGTH;

    /** Appends an RS from {@code srcHi/srcLo} to ff02::2 at the writer index and advances it. Returns {@link #LENGTH}. */
    public static int append(ByteBuf out, long srcHi, long srcLo) {
        out.ensureWritable(LENGTH);
        int at = out.writerIndex();
        Ipv6.writeHeader(
                out,
                at,
                ICMP_LENGTH,
                Ipv6.NEXT_HEADER_ICMPV6,
                Ipv6.ND_HOP_LIMIT,
                srcHi,
                srcLo,
                Ipv6.ALL_ROUTERS_HI,
                Ipv6.ALL_ROUTERS_LO);
        int icmp = at + Ipv6.HEADER_LENGTH;
        out.setByte(icmp + Icmpv6.TYPE_OFFSET, Icmpv6.TYPE_ROUTER_SOLICITATION);
        out.setByte(icmp + Icmpv6.CODE_OFFSET, 0);
        out.setInt(icmp + 4, 0); // reserved
        Icmpv6.fillChecksum(out, at);
        out.writerIndex(at + LENGTH);
        return LENGTH;
    }

    /**
     * Appends what a client sends to qualify (RFC 4380 §5.2.1, §5.2.2): an authentication header with
     * {@code nonce}, no client identifier and confirmation 0, then an RS from {@code fe80::<srcLo>}.
     * Returns the bytes written.
     */
    public static int appendAuthenticated(ByteBuf out, long nonce, long srcLo) {
        out.ensureWritable(TeredoHeaders.AUTH_FIXED_LENGTH + LENGTH);
        int auth = TeredoHeaders.writeAuth(out, out.writerIndex(), nonce, 0);
        out.writerIndex(out.writerIndex() + auth);
        return auth + append(out, Ipv6.LINK_LOCAL_HI, srcLo);
    }

    /**
     * True when the {@code length} bytes at {@code ipv6Offset} are an RS a server accepts (RFC 4380
     * §5.3.1 rule 4, RFC 4861 §6.1.1): ICMPv6 type 133 code 0 right after the IPv6 header, at least 8
     * bytes of it, valid checksum, hop limit 255, link-local source, destination ff02::2.
     * Never throws for offsets inside {@code buf}.
     */
    public static boolean isValid(ByteBuf buf, int ipv6Offset, int length) {
        return isValid(buf, ipv6Offset, length, Ipv6.ALL_ROUTERS_HI, Ipv6.ALL_ROUTERS_LO)
                && Ipv6.isLinkLocal(Ipv6.srcHi(buf, ipv6Offset));
    }

    /**
     * As {@link #isValid(ByteBuf, int, int)} from any source (RFC 4861 §6.1.1 asks no link-local source of an
     * RS; a server accepts a link-local one by rule 4 of RFC 4380 §5.3.1, or a client's own Teredo address by
     * rule 5, which the caller checks), also accepting {@code ownHi/ownLo} (the server's link-local address,
     * §5.3.1) as destination besides ff02::2.
     */
    public static boolean isValid(ByteBuf buf, int ipv6Offset, int length, long ownHi, long ownLo) {
        if (!Icmpv6.isValid(buf, ipv6Offset, length)) {
            return false;
        }
        int icmp = ipv6Offset + Ipv6.HEADER_LENGTH;
        long dstHi = Ipv6.dstHi(buf, ipv6Offset);
        long dstLo = Ipv6.dstLo(buf, ipv6Offset);
        return Ipv6.payloadLength(buf, ipv6Offset) >= ICMP_LENGTH
                && Icmpv6.type(buf, icmp) == Icmpv6.TYPE_ROUTER_SOLICITATION
                && Icmpv6.code(buf, icmp) == 0
                && Ipv6.hopLimit(buf, ipv6Offset) == Ipv6.ND_HOP_LIMIT
                && (dstHi == Ipv6.ALL_ROUTERS_HI && dstLo == Ipv6.ALL_ROUTERS_LO || dstHi == ownHi && dstLo == ownLo);
    }

    /** True when the RS source has the cone bit (0x80 of address byte 8) set: the RFC 4380 cone probe. */
    public static boolean coneBit(ByteBuf buf, int ipv6Offset) {
        return (TeredoAddress.flags(Ipv6.srcLo(buf, ipv6Offset)) & Teredo.FLAG_CONE) != 0;
    }
}
