package org.jmiredo.server.config;

import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Teredo;

/**
 * Parsers shared by the HOCON and the miredo.conf readers, so that both accept exactly the same values.
 * Each throws {@link IllegalArgumentException} whose message is the reason, ready to follow the
 * location ("must be 1-65535, got 70000").
 */
public final class ValueParsers {
    /** Linux IFNAMSIZ is 16 including the terminating NUL (include/uapi/linux/if.h). */
    static final int MAX_INTERFACE_NAME = 15;

    static final int MAX_MTU = 65_535;

    private ValueParsers() {}

    /** A dotted-quad IPv4 literal, as an int in network order. No host names, no octal or short forms. */
    public static int ipv4(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("must be an IPv4 address a.b.c.d, got \"" + text + "\"");
        }
        int address = 0;
        for (String part : parts) {
            // inet_aton(3) reads a leading 0 as octal; refuse it rather than guess what was meant.
            boolean digits =
                    !part.isEmpty() && part.length() <= 3 && part.chars().allMatch(c -> c >= '0' && c <= '9');
            if (!digits || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("must be an IPv4 address a.b.c.d, got \"" + text + "\"");
            }
            address = address << 8 | Integer.parseInt(part);
        }
        return address;
    }

    /** A bind address: 0.0.0.0 or a global unicast IPv4 (RFC 4380 §5.2.4). */
    public static int bindAddress(String text) {
        int address = ipv4(text);
        if (address != 0 && !Ipv4.isGlobalUnicast(address)) {
            throw new IllegalArgumentException("must be 0.0.0.0 or a global unicast IPv4 address "
                    + "(RFC 4380 section 5.2.4), got " + Ipv4.toString(address));
        }
        return address;
    }

    /**
     * A client's bind address: 0.0.0.0 or a unicast IPv4 of the host, private ones included, since a client
     * behind a NAT has only those (RFC 4380 §5.2); not loopback, multicast or broadcast, which reach no server.
     */
    public static int clientBindAddress(String text) {
        int address = ipv4(text);
        int first = address >>> 24;
        if (address != 0 && (first == 0 || first == 127 || first >= 224)) {
            throw new IllegalArgumentException("must be 0.0.0.0 or a unicast IPv4 address of this host (not "
                    + "loopback, multicast or broadcast), got " + Ipv4.toString(address));
        }
        return address;
    }

    /** A Teredo server address: a global unicast IPv4, as clients reach it from the Internet. */
    public static int globalIpv4(String text) {
        int address = ipv4(text);
        if (!Ipv4.isGlobalUnicast(address)) {
            throw new IllegalArgumentException(
                    "must be a global unicast IPv4 address (RFC 4380 section 5.2.4), got " + Ipv4.toString(address));
        }
        return address;
    }

    /** A decimal integer written as text (miredo.conf values, environment overrides). */
    public static long integer(String text) {
        String s = text.trim();
        if (!s.matches("-?[0-9]{1,18}")) {
            throw new IllegalArgumentException("must be an integer, got \"" + text + "\"");
        }
        return Long.parseLong(s);
    }

    /** The MTU of the tunnel: at least the IPv6 minimum link MTU (RFC 8200 §5, RFC 4380 §5.1.2). */
    public static int mtu(long value) {
        if (value < Teredo.MTU || value > MAX_MTU) {
            throw new IllegalArgumentException("must be " + Teredo.MTU + "-" + MAX_MTU + ", got " + value);
        }
        return (int) value;
    }

    /** A Linux interface name, as dev_valid_name() in net/core/dev.c accepts it. */
    public static String interfaceName(String text) {
        if (text.isEmpty() || text.length() > MAX_INTERFACE_NAME) {
            throw new IllegalArgumentException("must be 1-" + MAX_INTERFACE_NAME + " characters, got \"" + text + "\"");
        }
        if (text.equals(".") || text.equals("..")) {
            throw new IllegalArgumentException("must not be \".\" or \"..\"");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException(
                        "must not contain \"/\", \":\", white space or non-ASCII, got \"" + text + "\"");
            }
        }
        return text;
    }

    /**
     * A Teredo prefix written {@code ADDRESS/32} or, as in miredo.conf, a bare {@code ADDRESS} (then /32).
     * Returns the first 32 bits. Must not be multicast or zero, and the bits after /32 must be zero.
     */
    public static int teredoPrefix(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        if (slash >= 0 && !s.substring(slash + 1).equals("32")) {
            throw new IllegalArgumentException("must be a /32 prefix, got \"" + text + "\"");
        }
        byte[] bytes = ipv6Literal(slash >= 0 ? s.substring(0, slash) : s, text);
        int prefix = Ipv4.of(bytes[0], bytes[1], bytes[2], bytes[3]);
        for (int i = 4; i < 16; i++) {
            if (bytes[i] != 0) {
                throw new IllegalArgumentException("has bits set after the first 32, got \"" + text + "\"");
            }
        }
        return usablePrefix(prefix, text);
    }

    /** A Teredo prefix's first 32 bits, {@code text} as written: not multicast, not zero. */
    static int usablePrefix(int prefix, String text) {
        if ((prefix >>> 24) == 0xFF) {
            throw new IllegalArgumentException("must not be multicast (ff00::/8), got \"" + text + "\"");
        }
        if (prefix == 0) {
            throw new IllegalArgumentException("must not be zero, got \"" + text + "\"");
        }
        return prefix;
    }

    /** The prefix as configuration text, "2001::/32". */
    public static String formatPrefix(int prefix) {
        String hi = Integer.toHexString(prefix >>> 16);
        int lo = prefix & 0xFFFF;
        return lo == 0 ? hi + "::/32" : hi + ":" + Integer.toHexString(lo) + "::/32";
    }

    private static byte[] ipv6Literal(String literal, String original) {
        byte[] bytes = Ipv6.literal(literal);
        if (bytes == null) {
            throw new IllegalArgumentException("must be an IPv6 prefix such as 2001::/32, got \"" + original + "\"");
        }
        return bytes;
    }
}
