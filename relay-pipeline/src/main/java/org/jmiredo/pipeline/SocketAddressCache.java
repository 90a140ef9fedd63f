package org.jmiredo.pipeline;

import java.net.InetSocketAddress;

/**
 * A small direct-mapped cache of recipient addresses, per event loop. Netty needs an
 * {@link InetSocketAddress} per datagram; building one costs three objects (byte[], Inet4Address,
 * InetSocketAddress). A relay sends to the same few active peers again and again, so most sends find
 * theirs here. Bounded: a fixed array, a miss overwrites its slot.
 */
final class SocketAddressCache {
    private static final int SIZE = 4096; // power of two

    private final InetSocketAddress[] entries = new InetSocketAddress[SIZE];

    InetSocketAddress get(int ipv4, int port) {
        int index = (ipv4 * 0x9E3779B1 + port * 0x85EBCA77) >>> 20 & (SIZE - 1);
        InetSocketAddress cached = entries[index];
        if (cached != null && cached.getPort() == port && SocketAddresses.ipv4(cached) == ipv4) {
            return cached;
        }
        InetSocketAddress fresh = SocketAddresses.of(ipv4, port);
        entries[index] = fresh;
        return fresh;
    }
}
