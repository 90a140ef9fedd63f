package org.jmiredo.e2e;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Reads the fields of a Teredo address (RFC 4380 section 4) from its text form, independently of
 * the production codec, so that the end-to-end tests check the peers' addresses on their own terms.
 */
record TeredoAddressView(String text, byte[] bytes) {

    static TeredoAddressView parse(String text) {
        try {
            byte[] bytes = InetAddress.getByName(text).getAddress();
            if (bytes.length != 16) {
                throw new IllegalArgumentException("not IPv6: " + text);
            }
            return new TeredoAddressView(text, bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** The first 32 bits, 2001:0000 for the global Teredo prefix (R-2.6-prefix). */
    int prefix() {
        return intAt(0);
    }

    /** Bits 32-63: the server's IPv4 address, in clear. */
    String serverIpv4() {
        return ipv4(intAt(4));
    }

    /** Bits 96-127: the mapped IPv4 address, stored bit-inverted (R-4-obfuscate). */
    String mappedIpv4() {
        return ipv4(~intAt(12));
    }

    /** Bits 80-95: the mapped UDP port, stored bit-inverted (R-4-obfuscate). */
    int mappedPort() {
        return ~(((bytes[10] & 0xff) << 8) | (bytes[11] & 0xff)) & 0xffff;
    }

    private int intAt(int offset) {
        return ((bytes[offset] & 0xff) << 24)
                | ((bytes[offset + 1] & 0xff) << 16)
                | ((bytes[offset + 2] & 0xff) << 8)
                | (bytes[offset + 3] & 0xff);
    }

    private static String ipv4(int value) {
        return ((value >>> 24) & 0xff) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "."
                + (value & 0xff);
    }
}
