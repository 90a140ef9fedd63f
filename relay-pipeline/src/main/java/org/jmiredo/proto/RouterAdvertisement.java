package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;

/**
 * The Router Advertisement a Teredo server answers an RS with (RFC 4380 §5.3.2), laid out as in
 * CONFORMANCE §10.7 with Miredo's field values (M4): cur hop limit 0, flags 0, router lifetime 0,
 * reachable time 0, retrans timer 2000 ms; one Prefix Information option {@code <prefix>:<server IPv4>::/64}
 * with only the A flag and infinite lifetimes; optionally an MTU option. The source is the server's
 * link-local address {@code fe80::8000:f227:<~server IPv4>} (flags 0x8000, port 3544).
 * Parsing on the client side is {@link RouterAdvertisementParser}.
 */
public final class RouterAdvertisement {
    private RouterAdvertisement() {}

    /** Type, code, checksum, cur hop limit, flags, router lifetime, reachable time, retrans timer. */
    public static final int ICMP_LENGTH = 16;

    public static final int PREFIX_OPTION_TYPE = 3;
    public static final int PREFIX_OPTION_LENGTH = 32;
    public static final int MTU_OPTION_TYPE = 5;
    public static final int MTU_OPTION_LENGTH = 8;
    /** Prefix length of the advertised Teredo prefix (RFC 4380 §5.3.2: a /64). */
    public static final int PREFIX_LENGTH = 64;
    /** The Autonomous address-configuration flag of the PIO (RFC 4861 §4.6.2); L stays clear, as Miredo. */
    public static final int PREFIX_FLAG_AUTONOMOUS = 0x40;
    /** Retrans timer Miredo advertises, in milliseconds (M4). */
    public static final int RETRANS_TIMER_MS = 2000;

    // Offsets inside the ICMPv6 message (RFC 4861 §4.2) and inside the options (§4.6.1, §4.6.2, §4.6.4).
    static final int CUR_HOP_LIMIT_OFFSET = 4;
    static final int FLAGS_OFFSET = 5;
    static final int ROUTER_LIFETIME_OFFSET = 6;
    static final int REACHABLE_TIME_OFFSET = 8;
    static final int RETRANS_TIMER_OFFSET = 12;
    static final int PREFIX_LENGTH_OFFSET = 2;
    static final int PREFIX_FLAGS_OFFSET = 3;
    static final int VALID_LIFETIME_OFFSET = 4;
    static final int PREFERRED_LIFETIME_OFFSET = 8;
    static final int PREFIX_OFFSET = 16;
    static final int MTU_OFFSET = 4;

    /** The server's link-local address, lower half: flags 0x8000, port 3544, IPv4 (RFC 4380 §5.3.2, §4). */
    public static long serverLinkLocalLo(int serverIpv4) {
        return TeredoAddress.lo(Teredo.FLAG_CONE, Teredo.SERVICE_PORT, serverIpv4);
    }

    /** The IPv6 length of the RA {@link #append} writes: 40 + 16 + 32, plus 8 with an MTU option. */
    public static int length(int mtu) {
        return Ipv6.HEADER_LENGTH + ICMP_LENGTH + PREFIX_OPTION_LENGTH + (mtu > 0 ? MTU_OPTION_LENGTH : 0);
    }

    /**
     * Appends the RA for a server with address {@code serverIpv4} serving the 32-bit {@code prefix}
     * (normally {@link Teredo#PREFIX}) to the RS source {@code dstHi/dstLo} at the writer index and
     * advances it. {@code mtu} 0 leaves out the MTU option. Returns the bytes written.
     * The caller puts the authentication and origin headers in front (TeredoHeaders).
     */
    public static int append(ByteBuf out, int prefix, int serverIpv4, long dstHi, long dstLo, int mtu) {
        int total = length(mtu);
        out.ensureWritable(total);
        int at = out.writerIndex();
        Ipv6.writeHeader(
                out,
                at,
                total - Ipv6.HEADER_LENGTH,
                Ipv6.NEXT_HEADER_ICMPV6,
                Ipv6.ND_HOP_LIMIT,
                Ipv6.LINK_LOCAL_HI,
                serverLinkLocalLo(serverIpv4),
                dstHi,
                dstLo);
        int icmp = at + Ipv6.HEADER_LENGTH;
        out.setByte(icmp + Icmpv6.TYPE_OFFSET, Icmpv6.TYPE_ROUTER_ADVERTISEMENT);
        out.setByte(icmp + Icmpv6.CODE_OFFSET, 0);
        out.setByte(icmp + CUR_HOP_LIMIT_OFFSET, 0);
        out.setByte(icmp + FLAGS_OFFSET, 0);
        out.setShort(icmp + ROUTER_LIFETIME_OFFSET, 0);
        out.setInt(icmp + REACHABLE_TIME_OFFSET, 0);
        out.setInt(icmp + RETRANS_TIMER_OFFSET, RETRANS_TIMER_MS);
        int pio = icmp + ICMP_LENGTH;
        out.setByte(pio, PREFIX_OPTION_TYPE);
        out.setByte(pio + 1, PREFIX_OPTION_LENGTH / 8);
        out.setByte(pio + PREFIX_LENGTH_OFFSET, PREFIX_LENGTH);
        out.setByte(pio + PREFIX_FLAGS_OFFSET, PREFIX_FLAG_AUTONOMOUS);
        out.setInt(pio + VALID_LIFETIME_OFFSET, 0xFFFF_FFFF);
        out.setInt(pio + PREFERRED_LIFETIME_OFFSET, 0xFFFF_FFFF);
        out.setInt(pio + 12, 0); // reserved
        out.setLong(pio + PREFIX_OFFSET, TeredoAddress.hi(prefix, serverIpv4));
        out.setLong(pio + PREFIX_OFFSET + 8, 0);
        if (mtu > 0) {
            int opt = pio + PREFIX_OPTION_LENGTH;
            out.setByte(opt, MTU_OPTION_TYPE);
            out.setByte(opt + 1, MTU_OPTION_LENGTH / 8);
            out.setShort(opt + 2, 0); // reserved
            out.setInt(opt + MTU_OFFSET, mtu);
        }
        Icmpv6.fillChecksum(out, at);
        out.writerIndex(at + total);
        return total;
    }
}
