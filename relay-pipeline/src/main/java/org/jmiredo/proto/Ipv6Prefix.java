package org.jmiredo.proto;

/**
 * An IPv6 prefix: its address as two longs (as {@link TeredoAddress} holds addresses) and its length, the bits
 * after the length zero.
 *
 * @param hi the first 64 bits
 * @param lo the last 64 bits
 * @param length 0 to 128
 */
public record Ipv6Prefix(long hi, long lo, int length) {
    public Ipv6Prefix {
        if (length < 0 || length > 128) {
            throw new IllegalArgumentException("a prefix length is 0 to 128, got " + length);
        }
        if ((hi & ~maskHi(length)) != 0 || (lo & ~maskLo(length)) != 0) {
            throw new IllegalArgumentException("bits set after the first " + length);
        }
    }

    /** The mask of the first 64 bits for a prefix of {@code length} bits. */
    public static long maskHi(int length) {
        return length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
    }

    /** The mask of the last 64 bits for a prefix of {@code length} bits. */
    public static long maskLo(int length) {
        return length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
    }

    /** Whether the address {@code addrHi:addrLo} is inside this prefix. */
    public boolean contains(long addrHi, long addrLo) {
        return (addrHi & maskHi(length)) == hi && (addrLo & maskLo(length)) == lo;
    }

    /**
     * Parses {@code ADDRESS/LENGTH} (a bare address is a /128). No DNS is asked.
     *
     * @throws IllegalArgumentException naming {@code text} when it is not an IPv6 prefix, or has bits set after
     *     its length (a typo such as 2001:db8:6::1/64, which would mean 2001:db8:6::/64)
     */
    public static Ipv6Prefix parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        int length = 128;
        if (slash >= 0) {
            String bits = s.substring(slash + 1);
            if (!bits.matches("[0-9]{1,3}") || (length = Integer.parseInt(bits)) > 128) {
                throw new IllegalArgumentException(
                        "must be an IPv6 prefix such as 2001:db8::/48, got \"" + text + "\" (a length of 0 to 128)");
            }
        }
        byte[] bytes = literal(slash >= 0 ? s.substring(0, slash) : s, text);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (bytes[i] & 0xFF);
            lo = lo << 8 | (bytes[i + 8] & 0xFF);
        }
        if ((hi & ~maskHi(length)) != 0 || (lo & ~maskLo(length)) != 0) {
            throw new IllegalArgumentException("has bits set after the first " + length + ", got \"" + text + "\"");
        }
        return new Ipv6Prefix(hi, lo, length);
    }

    private static byte[] literal(String address, String original) {
        byte[] bytes = Ipv6.literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException(
                    "must be an IPv6 prefix such as 2001:db8::/48, got \"" + original + "\"");
        }
        return bytes;
    }

    /** As configuration text, RFC 5952's form: "2001:db8:6::/64". */
    @Override
    public String toString() {
        return Ipv6.text(hi, lo) + "/" + length;
    }
}
