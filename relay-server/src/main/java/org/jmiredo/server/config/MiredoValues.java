package org.jmiredo.server.config;

import java.net.Inet6Address;
import java.util.OptionalInt;
import org.jmiredo.proto.Ipv4;

/**
 * Values read as Miredo reads them, so that a miredo.conf means here what it meant to Miredo: its integers
 * go through strtoul(3) with base 0 (so {@code 0x0DDC} is hex and {@code 03544} octal, 1892), its IPv4
 * addresses through getaddrinfo(3), which takes inet_aton(3) forms ({@code 127.1}, {@code 0x7f000001}),
 * and its Prefix is the first 32 bits of any IPv6 address (Miredo's conf.c, 1.2.6).
 */
final class MiredoValues {
    private static final int MAX_UNSIGNED16 = 65_535;

    private MiredoValues() {}

    /** An integer 0-65535 as strtoul(3) with base 0 reads it (BindPort, InterfaceMTU). */
    static int unsigned16(String text) {
        String s = text;
        boolean negative = false;
        if (s.startsWith("+") || s.startsWith("-")) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        long value = unsigned(s);
        // strtoul wraps "-N" around to a huge value, which Miredo then finds over 65535; "-0" stays 0.
        if (value < 0 || negative && value != 0 || value > MAX_UNSIGNED16) {
            throw new IllegalArgumentException("must be an integer 0-" + MAX_UNSIGNED16 + " (decimal, 0x hex, or "
                    + "0 octal, as Miredo reads it), got \"" + text + "\"");
        }
        return (int) value;
    }

    /**
     * The IPv4 address an inet_aton(3) form denotes (1 to 4 parts, the last filling the remaining bytes,
     * each part decimal, 0x hex or 0 octal), or empty when the text is not one: then it is a host name.
     */
    static OptionalInt inetAton(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length > 4) {
            return OptionalInt.empty();
        }
        long address = 0;
        for (int i = 0; i < parts.length; i++) {
            long part = unsigned(parts[i]);
            int lastBits = 8 * (4 - i);
            long limit = i == parts.length - 1 ? (1L << lastBits) - 1 : 255;
            if (part < 0 || part > limit) {
                return OptionalInt.empty();
            }
            address |= i == parts.length - 1 ? part : part << (lastBits - 8);
        }
        return OptionalInt.of((int) address);
    }

    /** The first 32 bits of an IPv6 address literal, as Miredo takes its Prefix; "ADDRESS/32" is ours as well. */
    static String prefix(String text) {
        if (text.indexOf('/') >= 0) {
            return ValueParsers.formatPrefix(ValueParsers.teredoPrefix(text));
        }
        byte[] bytes;
        try {
            bytes = Inet6Address.ofLiteral(text).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be an IPv6 address such as 2001:0::, got \"" + text + "\"");
        }
        if (bytes.length != 16) {
            throw new IllegalArgumentException("must be an IPv6 address such as 2001:0::, got \"" + text + "\"");
        }
        int prefix = Ipv4.of(bytes[0], bytes[1], bytes[2], bytes[3]);
        return ValueParsers.formatPrefix(ValueParsers.usablePrefix(prefix, text));
    }

    /** Digits as strtoul(3) with base 0 reads them, without a sign; -1 when they are not a whole number. */
    private static long unsigned(String s) {
        int radix = 10;
        String digits = s;
        if (s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
            radix = 16;
            digits = s.substring(2);
        } else if (s.length() > 1 && s.charAt(0) == '0') {
            radix = 8;
            digits = s.substring(1);
        }
        int r = radix;
        boolean whole = !digits.isEmpty()
                && digits.length() <= 12
                && digits.chars().allMatch(c -> c < 0x80 && Character.digit(c, r) >= 0);
        if (!whole) {
            return -1;
        }
        return Long.parseLong(digits, radix);
    }
}
