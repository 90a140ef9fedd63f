package org.jmiredo.server.netlink;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What a relay's tunnel interface gets, the way Miredo's relay sets it up (observed on a real Miredo 1.2.6 relay:
 * interface up, POINTOPOINT NOARP without MULTICAST, MTU 1280, address {@code fe80::ffff:ffff:ffff/64},
 * route {@code 2001::/32 dev teredo metric 1024}).
 *
 * @param name the interface name
 * @param mtu the interface MTU; 1280 is the IPv6 minimum and the Teredo default (RFC 4380 §5.1.2)
 * @param linkLocal the interface's link-local address, {@link #MIREDO_RELAY_LINK_LOCAL} as Miredo's relay
 * @param prefix the Teredo prefix routed into the interface (2001:: for the global prefix, RFC 4380 §2.6)
 * @param prefixLength its length, 32 for Teredo
 * @param txQueueLength the interface's txqueuelen, or 0 to keep the kernel's
 */
public record TunnelInterfaceSpec(
        String name, int mtu, Inet6Address linkLocal, Inet6Address prefix, int prefixLength, int txQueueLength) {
    /** The link-local address Miredo's relay gives its tunnel interface. */
    public static final Inet6Address MIREDO_RELAY_LINK_LOCAL = v6("fe80::ffff:ffff:ffff");
    /** The prefix length of {@link #linkLocal} (fe80::/64, RFC 4291 §2.5.6). */
    public static final int LINK_LOCAL_PREFIX_LENGTH = 64;
    /** The global Teredo prefix 2001::/32 (RFC 4380 §2.6). */
    public static final Inet6Address TEREDO_PREFIX = v6("2001::");

    public static final int TEREDO_PREFIX_LENGTH = 32;

    public TunnelInterfaceSpec {
        if (mtu < 1280 || mtu > 65_535) {
            throw new IllegalArgumentException("the tunnel MTU must be 1280 to 65535, not " + mtu);
        }
        if (!linkLocal.isLinkLocalAddress()) {
            throw new IllegalArgumentException(Ipv6Text.format(linkLocal) + " is not a link-local address");
        }
        if (prefixLength < 1 || prefixLength > 128) {
            throw new IllegalArgumentException("the prefix length must be 1 to 128, not " + prefixLength);
        }
        if (txQueueLength < 0) {
            throw new IllegalArgumentException("the tx queue length must not be negative, not " + txQueueLength);
        }
        if (!Ipv6Text.hostBitsZero(prefix.getAddress(), prefixLength)) {
            throw new IllegalArgumentException(
                    Ipv6Text.format(prefix) + "/" + prefixLength + " has bits set beyond its length");
        }
    }

    /**
     * Miredo's relay setup: {@link #MIREDO_RELAY_LINK_LOCAL} and the route for {@code prefix/prefixLength}, the
     * kernel's txqueuelen.
     */
    public static TunnelInterfaceSpec relay(String name, int mtu, Inet6Address prefix, int prefixLength) {
        return new TunnelInterfaceSpec(name, mtu, MIREDO_RELAY_LINK_LOCAL, prefix, prefixLength, 0);
    }

    /** The same with {@link #txQueueLength()} set to {@code length} (0: the kernel's). */
    public TunnelInterfaceSpec withTxQueueLength(int length) {
        return new TunnelInterfaceSpec(name, mtu, linkLocal, prefix, prefixLength, length);
    }

    /** "2001::/32". */
    public String prefixText() {
        return Ipv6Text.format(prefix) + "/" + prefixLength;
    }

    /** "fe80::ffff:ffff:ffff/64". */
    public String linkLocalText() {
        return Ipv6Text.format(linkLocal) + "/" + LINK_LOCAL_PREFIX_LENGTH;
    }

    static Inet6Address v6(String literal) {
        try {
            return (Inet6Address) InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
