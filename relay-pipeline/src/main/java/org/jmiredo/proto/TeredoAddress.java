package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A Teredo IPv6 address held as two longs, {@code hi} (bytes 0-7) and {@code lo} (bytes 8-15), so the
 * data path never builds an object per address (RFC 4380 §4):
 * <pre>prefix(32) | server IPv4(32) || flags(16) | ~port(16) | ~client IPv4(32)</pre>
 * Port and client IPv4 are stored bit-inverted; the accessors here return them plain.
 */
public final class TeredoAddress {
    private TeredoAddress() {}

    public static int prefix(long hi) {
        return (int) (hi >>> 32);
    }

    public static int serverIpv4(long hi) {
        return (int) hi;
    }

    public static int flags(long lo) {
        return (int) (lo >>> 48) & 0xFFFF;
    }

    /** The mapped (NAT-external) UDP port, de-obfuscated. */
    public static int mappedPort(long lo) {
        return ~(int) (lo >>> 32) & 0xFFFF;
    }

    /** The mapped (NAT-external) IPv4 address, de-obfuscated. */
    public static int mappedIpv4(long lo) {
        return ~(int) lo;
    }

    /**
     * Whether a datagram can reach the peer: both embedded IPv4s (its server's and its mapping's) global unicast
     * and its mapped port not 0 (RFC 4380 §5.4.1, §5.2.4: a non-global one would aim at a private network).
     */
    public static boolean isReachable(long hi, long lo) {
        return Ipv4.isGlobalUnicast(serverIpv4(hi)) && Ipv4.isGlobalUnicast(mappedIpv4(lo)) && mappedPort(lo) != 0;
    }

    public static boolean isTeredo(long hi, int prefix) {
        return prefix(hi) == prefix;
    }

    public static long hi(int prefix, int serverIpv4) {
        return ((long) prefix << 32) | (serverIpv4 & 0xFFFF_FFFFL);
    }

    public static long lo(int flags, int mappedPort, int mappedIpv4) {
        return ((long) (flags & 0xFFFF) << 48) | ((long) (~mappedPort & 0xFFFF) << 32) | (~mappedIpv4 & 0xFFFF_FFFFL);
    }

    public static void write(ByteBuf buf, int offset, long hi, long lo) {
        buf.setLong(offset, hi);
        buf.setLong(offset + 8, lo);
    }

    public static Inet6Address toInet6(long hi, long lo) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            // Not InetAddress.getByAddress: it turns ::ffff:0:0/96 into an Inet4Address (and the cast failed).
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 16 bytes is always a valid length
        }
    }

    /** Formats any 128-bit address the way Java prints IPv6 addresses, for logs and tests. */
    public static String toString(long hi, long lo) {
        return toInet6(hi, lo).getHostAddress();
    }

    public static long hiOf(InetAddress address) {
        return longAt(address.getAddress(), 0);
    }

    public static long loOf(InetAddress address) {
        return longAt(address.getAddress(), 8);
    }

    private static long longAt(byte[] b, int from) {
        if (b.length != 16) {
            throw new IllegalArgumentException("not an IPv6 address: " + b.length + " bytes");
        }
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }
}
