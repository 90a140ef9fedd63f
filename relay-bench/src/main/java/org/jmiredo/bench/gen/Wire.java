package org.jmiredo.bench.gen;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The generator's packets. Every measured IPv6 packet is UDP with a 24-byte probe at the start of its
 * payload: magic, peer index, sequence number and send time ({@link System#nanoTime()}, the monotonic
 * clock all namespaces of the machine share), so the receiving side counts exactly and measures latency.
 */
final class Wire {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static final int IPV4_HEADER = 20;
    static final int UDP_HEADER = 8;
    static final int IPV6_HEADER = 40;
    /** "JMBD": a measured data packet. */
    static final int MAGIC_DATA = 0x4A4D_4244;
    /** "JMBP": a priming packet that drives the bubble handshake of one peer. */
    static final int MAGIC_PRIME = 0x4A4D_4250;

    static final int PROBE = 24;
    static final int MIN_IPV6 = IPV6_HEADER + UDP_HEADER + PROBE;
    static final int PROTO_UDP = 17;
    static final int NEXT_NONE = 59;
    static final int SOURCE_PORT = 9000;

    private Wire() {}

    static void probe(MemorySegment s, long at, int magic, int peer, long seq, long nanos) {
        s.set(INT, at, magic);
        s.set(INT, at + 4, peer);
        s.set(LONG, at + 8, seq);
        s.set(LONG, at + 16, nanos);
    }

    /** An IPv4 header for a raw IP_HDRINCL socket: the kernel fills total length, id and checksum (raw(7)). */
    static void ipv4(MemorySegment s, long at, int totalLength, int src, int dst) {
        s.set(INT, at, 0x4500_0000 | totalLength);
        s.set(INT, at + 4, 0);
        s.set(INT, at + 8, 64 << 24 | PROTO_UDP << 16);
        s.set(INT, at + 12, src);
        s.set(INT, at + 16, dst);
    }

    /** A UDP header with checksum 0 (IPv4 allows it, RFC 768). */
    static void udp(MemorySegment s, long at, int srcPort, int dstPort, int length) {
        s.set(SHORT, at, (short) srcPort);
        s.set(SHORT, at + 2, (short) dstPort);
        s.set(SHORT, at + 4, (short) length);
        s.set(SHORT, at + 6, (short) 0);
    }

    static void ipv6(
            MemorySegment s,
            long at,
            int payloadLength,
            int nextHeader,
            long srcHi,
            long srcLo,
            long dstHi,
            long dstLo) {
        s.set(INT, at, 0x6000_0000);
        s.set(SHORT, at + 4, (short) payloadLength);
        s.set(ValueLayout.JAVA_BYTE, at + 6, (byte) nextHeader);
        s.set(ValueLayout.JAVA_BYTE, at + 7, (byte) 64);
        s.set(LONG, at + 8, srcHi);
        s.set(LONG, at + 16, srcLo);
        s.set(LONG, at + 24, dstHi);
        s.set(LONG, at + 32, dstLo);
    }

    /** Sum of the four 16-bit words of {@code v} (RFC 1071 arithmetic, folded later). */
    static long words(long v) {
        return (v >>> 48) + (v >>> 32 & 0xFFFF) + (v >>> 16 & 0xFFFF) + (v & 0xFFFF);
    }

    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        int c = ~(int) sum & 0xFFFF;
        return c == 0 ? 0xFFFF : c; // RFC 2460 §8.1: a computed 0 is sent as all ones
    }
}
