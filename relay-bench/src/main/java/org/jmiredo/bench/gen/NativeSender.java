package org.jmiredo.bench.gen;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jmiredo.bench.sys.Libc;
import org.jmiredo.bench.sys.MsgVec;
import org.jmiredo.bench.sys.SockAddr;

/**
 * IPv6 to Teredo: a native IPv6 host (a UDP socket in the native namespace, bound to its address) sends
 * to the clients' Teredo addresses, which its routing table sends to the relay. One sendmmsg per batch,
 * each message with its own destination. Also drives the handshake: a priming packet to a new peer makes
 * the relay queue it and send an indirect bubble through the peer's server (RFC 4380 §5.4.1).
 */
final class NativeSender extends BatchSender {
    private final Peers peers;
    private final int magic;

    NativeSender(
            int fd,
            int batch,
            Peers peers,
            int dstPort,
            int size,
            int magic,
            PeerOrder order,
            long count,
            double rate,
            long durationNanos) {
        super(
                fd,
                new MsgVec(batch, Math.max(size - Wire.IPV6_HEADER - Wire.UDP_HEADER, Wire.PROBE)),
                order,
                count,
                rate,
                durationNanos);
        this.peers = peers;
        this.magic = magic;
        for (int i = 0; i < batch; i++) {
            vec.buffer(i).fill((byte) 0);
            SockAddr.in6(vec.name(i), peers.hi, 0, dstPort);
            vec.useName(i, SockAddr.IN6_LENGTH);
            vec.length(i, vec.slotSize());
        }
    }

    /** A UDP socket in the current namespace bound to {@code [hi:lo]:port}, large send buffer. */
    static int open(long hi, long lo, int port, int receiveBuffer) {
        int fd = Libc.socket(Libc.AF_INET6, Libc.SOCK_DGRAM, 0);
        Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, 8 << 20);
        if (receiveBuffer > 0) {
            Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, receiveBuffer);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SockAddr.IN6_LENGTH, 8);
            SockAddr.in6(addr, hi, lo, port);
            Libc.bind(fd, addr);
        }
        return fd;
    }

    @Override
    void fill(int slot, long k, int peer, long nanos) {
        SockAddr.in6Lo(vec.name(slot), peers.lo(peer));
        Wire.probe(vec.buffer(slot), 0, magic, peer, k, nanos);
    }
}
