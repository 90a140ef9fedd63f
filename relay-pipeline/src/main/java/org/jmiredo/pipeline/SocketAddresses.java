package org.jmiredo.pipeline;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** IPv4 socket addresses to and from the {@code int} form the data path uses. */
final class SocketAddresses {
    private SocketAddresses() {}

    /**
     * The IPv4 address as an int, or 0 when it is not IPv4. {@link Inet4Address#hashCode()} is the
     * address itself (so the JDK has defined it since 1.0); using it avoids the byte[] copy that
     * {@code getAddress()} makes per packet. SocketAddressesTest pins this behaviour.
     */
    static int ipv4(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        return ip instanceof Inet4Address ? ip.hashCode() : 0;
    }
}
