package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jmiredo.proto.Ipv4;

class SocketAddressesTest {
    /** Pins the JDK behaviour the decoder relies on to read a sender's IPv4 without allocating. */
    @Property
    void ipv4OfASocketAddressIsItsAddress(@ForAll int ipv4, @ForAll @IntRange(max = 65535) int port) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(Ipv4.toBytes(ipv4)), port);
        assertThat(SocketAddresses.ipv4(address)).isEqualTo(ipv4);
    }

    @Property
    void cacheReturnsTheRequestedAddress(@ForAll int ipv4, @ForAll @IntRange(max = 65535) int port) {
        SocketAddressCache cache = new SocketAddressCache();
        InetSocketAddress first = cache.get(ipv4, port);
        assertThat(SocketAddresses.ipv4(first)).isEqualTo(ipv4);
        assertThat(first.getPort()).isEqualTo(port);
        assertThat(cache.get(ipv4, port)).isSameAs(first);
        InetSocketAddress other = cache.get(ipv4 + 1, port);
        assertThat(SocketAddresses.ipv4(other)).isEqualTo(ipv4 + 1);
    }

    @Property
    void ipv6SenderIsNotMistakenForIpv4(@ForAll @IntRange(max = 65535) int port) throws Exception {
        assertThat(SocketAddresses.ipv4(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), port)))
                .isZero();
    }
}
