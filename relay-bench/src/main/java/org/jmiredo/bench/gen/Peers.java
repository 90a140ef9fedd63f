package org.jmiredo.bench.gen;

import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;

/**
 * The emulated Teredo clients: peer {@code i} is mapped (NAT-external) at IPv4 {@code firstIpv4 + i /
 * 64000}, UDP port {@code 1024 + i % 64000}, and its Teredo address embeds the server this generator
 * plays (RFC 4380 §4, flags 0: not cone, so a relay must go through the server, §5.4.1).
 */
final class Peers {
    static final int PORTS = 64_000;
    static final int FIRST_PORT = 1024;

    final int count;
    final int server;
    final int firstIpv4;
    final long hi;

    Peers(int count, int server, int firstIpv4) {
        this.count = count;
        this.server = server;
        this.firstIpv4 = firstIpv4;
        this.hi = TeredoAddress.hi(Teredo.PREFIX, server);
    }

    int ipv4(int i) {
        return firstIpv4 + i / PORTS;
    }

    int port(int i) {
        return FIRST_PORT + i % PORTS;
    }

    long lo(int i) {
        return TeredoAddress.lo(0, port(i), ipv4(i));
    }

    /** IPv4 addresses the peers occupy (the lab routes them to the generator). */
    int addresses() {
        return (count + PORTS - 1) / PORTS;
    }

    /** The peer mapped at {@code ipv4:port}, or -1 when it is none of ours. */
    int index(int ipv4, int port) {
        int a = ipv4 - firstIpv4;
        int p = port - FIRST_PORT;
        if (a < 0 || p < 0 || p >= PORTS) {
            return -1;
        }
        long i = (long) a * PORTS + p;
        return i < count ? (int) i : -1;
    }

    /** The peer whose Teredo address is {@code hi:lo}, or -1. */
    int indexOf(long addrHi, long addrLo) {
        if (addrHi != hi) {
            return -1;
        }
        return index(TeredoAddress.mappedIpv4(addrLo), TeredoAddress.mappedPort(addrLo));
    }
}
