package org.jmiredo.pipeline;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** IPv4 socket addresses to and from the {@code int} form the data path uses. */
public final class SocketAddresses {
    private SocketAddresses() {}

    /**
     * The IPv4 address as an int, or 0 (never global unicast, so the rules drop it) when there is none
     * or it is not IPv4. {@link Inet4Address#hashCode()} is the address itself (so the JDK has defined it
     * since 1.0); using it avoids the byte[] copy that {@code getAddress()} makes per packet.
     * SocketAddressesTest pins this behaviour.
     */
    public static int ipv4(InetSocketAddress address) {
        InetAddress ip = address == null ? null : address.getAddress();
        return ip instanceof Inet4Address ? ip.hashCode() : 0;
    }

    /** The port, or 0 when there is no address. */
    public static int port(InetSocketAddress address) {
        return address == null ? 0 : address.getPort();
    }

    /** A new socket address for an IPv4 in int form (three small objects: see SocketAddressCache). */
    public static InetSocketAddress of(int ipv4, int port) {
        byte[] b = {(byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(b), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes is always a valid length
        }
    }
}
