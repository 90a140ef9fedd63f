package org.jmiredo.bench.gen;

import java.lang.foreign.MemorySegment;
import org.jmiredo.bench.sys.Libc;
import org.jmiredo.bench.sys.MsgVec;
import org.jmiredo.bench.sys.SockAddr;

/**
 * Teredo to IPv6: every emulated client sends, from its own mapped IPv4 address and port, a Teredo
 * datagram (RFC 4380 §5.2: the bare IPv6 packet as UDP payload) to the relay. One raw IPPROTO_RAW socket
 * (IP_HDRINCL) writes any source address and port, so a million clients need no socket each. The inner
 * IPv6 packet is UDP from the client's Teredo address to the native sink, with a valid checksum, computed
 * incrementally from a constant part (only the source address's lower half and the probe change).
 */
final class TeredoSender extends BatchSender {
    static final int SLOT = 2048;
    private static final long IP6 = Wire.IPV4_HEADER + Wire.UDP_HEADER;
    private static final long UDP6 = IP6 + Wire.IPV6_HEADER;
    private static final long PROBE = UDP6 + Wire.UDP_HEADER;

    private final Peers peers;
    private final int magic;
    private final long constantSum;

    /**
     * @param dstIpv4 the relay (or, for the sink self-test, the UDP sink)
     * @param size bytes of the IPv6 packet, at least {@link Wire#MIN_IPV6}
     */
    TeredoSender(
            int fd,
            int batch,
            Peers peers,
            int dstIpv4,
            int dstPort,
            long sinkHi,
            long sinkLo,
            int sinkPort,
            int size,
            PeerOrder order,
            long count,
            double rate,
            long durationNanos) {
        super(fd, new MsgVec(batch, SLOT), order, count, rate, durationNanos);
        this.peers = peers;
        this.magic = Wire.MAGIC_DATA;
        int udpLength = size - Wire.IPV6_HEADER;
        for (int i = 0; i < batch; i++) {
            MemorySegment b = vec.buffer(i);
            b.fill((byte) 0);
            Wire.ipv4(b, 0, Wire.IPV4_HEADER + Wire.UDP_HEADER + size, 0, dstIpv4);
            Wire.udp(b, Wire.IPV4_HEADER, 0, dstPort, Wire.UDP_HEADER + size);
            Wire.ipv6(b, IP6, udpLength, Wire.PROTO_UDP, peers.hi, 0, sinkHi, sinkLo);
            Wire.udp(b, UDP6, Wire.SOURCE_PORT, sinkPort, udpLength);
            SockAddr.in(vec.name(i), dstIpv4, 0);
            vec.useName(i, SockAddr.IN_LENGTH);
            vec.length(i, Wire.IPV4_HEADER + Wire.UDP_HEADER + size);
        }
        // Pseudo header (RFC 8200 §8.1) and UDP header, without the source's lower half and the probe.
        constantSum = Wire.words(peers.hi)
                + Wire.words(sinkHi)
                + Wire.words(sinkLo)
                + udpLength
                + Wire.PROTO_UDP
                + Wire.SOURCE_PORT
                + sinkPort
                + udpLength
                + (magic >>> 16)
                + (magic & 0xFFFF);
    }

    static int openRaw() {
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW, Libc.IPPROTO_RAW);
        Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, 8 << 20);
        return fd;
    }

    @Override
    void fill(int slot, long k, int peer, long nanos) {
        MemorySegment b = vec.buffer(slot);
        long lo = peers.lo(peer);
        b.set(Wire.INT, 12, peers.ipv4(peer));
        b.set(Wire.SHORT, Wire.IPV4_HEADER, (short) peers.port(peer));
        b.set(Wire.LONG, IP6 + 16, lo);
        Wire.probe(b, PROBE, magic, peer, k, nanos);
        long sum = constantSum + Wire.words(lo) + (peer >>> 16) + (peer & 0xFFFF) + Wire.words(k) + Wire.words(nanos);
        b.set(Wire.SHORT, UDP6 + 6, (short) Wire.fold(sum));
    }
}
