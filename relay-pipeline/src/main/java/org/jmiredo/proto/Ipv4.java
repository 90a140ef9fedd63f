package org.jmiredo.proto;

/** IPv4 helpers on addresses held as {@code int} in network order (first octet in the top byte). */
public final class Ipv4 {
    private Ipv4() {}

    /**
     * The global unicast test of RFC 4380 §5.2.4. Unlike Miredo (v4global.c), 192.88.99.0/24 is tested
     * with the right mask. Directed broadcasts of attached subnets are not tested here: the kernel refuses
     * to send to them, as our UDP sockets never set SO_BROADCAST (OuterHeaderTest).
     */
    public static boolean isGlobalUnicast(int ip) {
        int a = ip >>> 24;
        if (a == 0 || a == 10 || a == 127 || a >= 224 && a < 240 || ip == 0xFFFF_FFFF) {
            return false; // this network, private, loopback, multicast, limited broadcast
        }
        int a16 = ip >>> 16;
        if (a16 == 0xA9FE /* 169.254/16 */ || a16 == 0xC0A8 /* 192.168/16 */) {
            return false;
        }
        if ((ip & 0xFFF0_0000) == 0xAC10_0000 /* 172.16/12 */) {
            return false;
        }
        return (ip & 0xFFFF_FF00) != 0xC058_6300; // 192.88.99/24, 6to4 relay anycast
    }

    public static int of(int a, int b, int c, int d) {
        return (a & 0xFF) << 24 | (b & 0xFF) << 16 | (c & 0xFF) << 8 | d & 0xFF;
    }

    public static int of(byte[] address) {
        if (address.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + address.length + " bytes");
        }
        return of(address[0], address[1], address[2], address[3]);
    }

    public static byte[] toBytes(int ip) {
        return new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
    }

    public static String toString(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }
}
