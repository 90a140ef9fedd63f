package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;

/**
 * Checks a Router Advertisement as a Teredo client must before it qualifies (RFC 4380 §5.2.1, RFC 4861
 * §6.1.2) and keeps what the client needs from it. A reusable flyweight: {@link #parse} overwrites every
 * field and allocates nothing. The checks that need the client's state (destination = the RS source,
 * prefix = 2001:0 + server IPv4, nonce, origin indication) are left to the caller.
 */
public final class RouterAdvertisementParser {
    private static final int OPTION_UNIT = 8;

    private long prefixHi;
    private int mtu;

    /**
     * True when the {@code length} bytes at {@code ipv6Offset} are a valid RA: ICMPv6 right after the
     * IPv6 header, type 134 code 0, checksum, hop limit 255, link-local source, at least 16 bytes, every
     * option of non-zero length and inside the message, and exactly one Prefix Information option, of
     * length 64 (R-5.2.1-ravalid, R-5.2.1-rapio). Never throws for offsets inside {@code buf}.
     */
    public boolean parse(ByteBuf buf, int ipv6Offset, int length) {
        prefixHi = 0;
        mtu = 0;
        if (!Icmpv6.isValid(buf, ipv6Offset, length)) {
            return false;
        }
        int icmp = ipv6Offset + Ipv6.HEADER_LENGTH;
        int end = icmp + Ipv6.payloadLength(buf, ipv6Offset);
        if (end - icmp < RouterAdvertisement.ICMP_LENGTH
                || Icmpv6.type(buf, icmp) != Icmpv6.TYPE_ROUTER_ADVERTISEMENT
                || Icmpv6.code(buf, icmp) != 0
                || Ipv6.hopLimit(buf, ipv6Offset) != Ipv6.ND_HOP_LIMIT
                || !Ipv6.isLinkLocal(Ipv6.srcHi(buf, ipv6Offset))) {
            return false;
        }
        return parseOptions(buf, icmp + RouterAdvertisement.ICMP_LENGTH, end);
    }

    private boolean parseOptions(ByteBuf buf, int at, int end) {
        int prefixes = 0;
        while (at < end) {
            if (end - at < 2) {
                return false;
            }
            int type = buf.getUnsignedByte(at);
            int optionLength = buf.getUnsignedByte(at + 1) * OPTION_UNIT;
            if (optionLength == 0 || optionLength > end - at) {
                return false; // RFC 4861 §6.1.2: every option has a length > 0
            }
            if (type == RouterAdvertisement.PREFIX_OPTION_TYPE) {
                if (optionLength != RouterAdvertisement.PREFIX_OPTION_LENGTH
                        || buf.getUnsignedByte(at + RouterAdvertisement.PREFIX_LENGTH_OFFSET)
                                != RouterAdvertisement.PREFIX_LENGTH) {
                    return false;
                }
                prefixes++;
                prefixHi = buf.getLong(at + RouterAdvertisement.PREFIX_OFFSET);
            } else if (type == RouterAdvertisement.MTU_OPTION_TYPE
                    && optionLength == RouterAdvertisement.MTU_OPTION_LENGTH) {
                mtu = buf.getInt(at + RouterAdvertisement.MTU_OFFSET);
            }
            at += optionLength;
        }
        return prefixes == 1;
    }

    /** The upper 64 bits of the advertised prefix (the /64). Valid after {@link #parse} returned true. */
    public long prefixHi() {
        return prefixHi;
    }

    /**
     * The MTU option's value, 0 when the RA carried none; 2^31 and above come out negative. Callers
     * honour only 1280..65535 (as Miredo, M10). Valid after {@link #parse} returned true.
     */
    public int mtu() {
        return mtu;
    }
}
