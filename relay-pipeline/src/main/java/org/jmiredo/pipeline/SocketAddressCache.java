package org.jmiredo.pipeline;

import java.net.InetSocketAddress;

/**
 * A small direct-mapped cache of recipient addresses, per event loop. Netty needs an
 * {@link InetSocketAddress} per datagram; building one costs three objects (byte[], Inet4Address,
 * InetSocketAddress). A relay sends to the same few active peers again and again, so most sends find
 * theirs here. Bounded: a fixed array, a miss overwrites its slot.
 */
final class SocketAddressCache {
    /**
     * A power of two. 65,536 entries keep the hit rate high with tens of thousands of active peers per
     * loop, for about 5 MiB per loop when full (the array plus one address object per entry).
     */
    private static final int SIZE = 1 << 16;

    private final InetSocketAddress[] entries = new InetSocketAddress[SIZE];

    InetSocketAddress get(int ipv4, int port) {
        int index = (ipv4 * 0x9E3779B1 + port * 0x85EBCA77) >>> (32 - Integer.numberOfTrailingZeros(SIZE));
        InetSocketAddress cached = entries[index];
        if (cached != null && cached.getPort() == port && SocketAddresses.ipv4(cached) == ipv4) {
            return cached;
        }
        InetSocketAddress fresh = SocketAddresses.of(ipv4, port);
        entries[index] = fresh;
        return fresh;
    }
}
