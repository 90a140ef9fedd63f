package org.jmiredo.server.netlink;

import java.net.Inet6Address;
import org.jmiredo.proto.Ipv6;

/** IPv6 text in the RFC 5952 form ("2001::/32", not Java's "2001:0:0:0:0:0:0:0"), for commands and messages. */
public final class Ipv6Text {
    private Ipv6Text() {}

    public static String format(Inet6Address address) {
        byte[] b = address.getAddress();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (b[i] & 0xFF);
            lo = lo << 8 | (b[i + 8] & 0xFF);
        }
        return Ipv6.text(hi, lo);
    }

    static boolean hostBitsZero(byte[] address, int prefixLength) {
        for (int bit = prefixLength; bit < address.length * 8; bit++) {
            if ((address[bit >> 3] & (0x80 >>> (bit & 7))) != 0) {
                return false;
            }
        }
        return true;
    }
}
