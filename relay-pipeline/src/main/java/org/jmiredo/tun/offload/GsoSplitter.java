package org.jmiredo.tun.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.tun.TunReceiver;

/**
 * Cuts a TCP or UDP GSO super-packet over IPv6 into the packets the kernel's own segmentation would send
 * (net/ipv4/tcp_offload.c tcp_gso_segment, net/ipv4/udp_offload.c __udp_gso_segment): each segment gets
 * the super-packet's IPv6 and transport headers with its own lengths and a full checksum; TCP segments
 * advance the sequence number, keep CWR on the first segment only and FIN and PSH on the last only.
 * Supported layout: a 40-byte IPv6 header directly followed by TCP or UDP (no extension headers).
 */
public final class GsoSplitter {
    private GsoSplitter() {}

    public static final int TCP = 6;
    public static final int UDP = 17;

    /** {@link #headersLength} result: lengths or headers contradict each other. */
    public static final int MALFORMED = -1;
    /** {@link #headersLength} result: another protocol, or IPv6 extension headers before the transport. */
    public static final int UNSUPPORTED = -2;

    static final int TCP_SEQ = 4;
    static final int TCP_DATA_OFFSET = 12;
    static final int TCP_FLAGS = 13;
    static final int TCP_CHECKSUM = 16;
    static final int TCP_FIN = 0x01;
    static final int TCP_PSH = 0x08;
    static final int TCP_CWR = 0x80;
    static final int UDP_HEADER = 8;
    static final int UDP_LENGTH = 4;
    static final int UDP_CHECKSUM = 6;

    /**
     * Checks the headers of the super-packet of {@code length} bytes at {@code offset} and returns the
     * length of its IPv6 plus transport headers, or {@link #MALFORMED} / {@link #UNSUPPORTED}.
     */
    public static int headersLength(ByteBuf packet, int offset, int length, int protocol) {
        if (length < Ipv6.HEADER_LENGTH
                || Ipv6.version(packet, offset) != 6
                || Ipv6.payloadLength(packet, offset) != length - Ipv6.HEADER_LENGTH) {
            return MALFORMED;
        }
        if (Ipv6.nextHeader(packet, offset) != protocol) {
            return UNSUPPORTED;
        }
        int transport = offset + Ipv6.HEADER_LENGTH;
        int transportLength =
                switch (protocol) {
                    case TCP ->
                        length >= Ipv6.HEADER_LENGTH + 20
                                ? (packet.getUnsignedByte(transport + TCP_DATA_OFFSET) >>> 4) * 4
                                : MALFORMED;
                    case UDP -> UDP_HEADER;
                    default -> UNSUPPORTED;
                };
        if (transportLength < 0) {
            return transportLength;
        }
        int headers = Ipv6.HEADER_LENGTH + transportLength;
        return (protocol == TCP && transportLength < 20) || headers > length ? MALFORMED : headers;
    }

    /** The length of the largest segment: headers plus one {@code segmentSize} (or the whole payload). */
    public static int largestSegment(int length, int headers, int segmentSize) {
        return headers + Math.min(segmentSize, length - headers);
    }

    /**
     * Splits the super-packet of {@code length} bytes at {@code offset} of {@code source}, whose headers
     * {@link #headersLength} accepted ({@code headers} bytes), into segments of {@code segmentSize}
     * payload bytes (at least 1), each in a new direct buffer of {@code allocator} with {@code headroom}
     * free bytes before its reader index, handed to {@code sink} in order. A super-packet without payload
     * yields one packet. Returns the number of segments. The checksum field of the source is ignored.
     */
    public static int split(
            ByteBuf source,
            int offset,
            int length,
            int protocol,
            int headers,
            int segmentSize,
            ByteBufAllocator allocator,
            int headroom,
            TunReceiver sink) {
        int payload = length - headers;
        int segments = Math.max(1, (payload + segmentSize - 1) / segmentSize);
        long addresses = Checksum.sum(source, offset + Ipv6.SRC_OFFSET, 32);
        long firstSeq = protocol == TCP ? source.getUnsignedInt(offset + Ipv6.HEADER_LENGTH + TCP_SEQ) : 0;
        for (int i = 0; i < segments; i++) {
            int from = i * segmentSize;
            int size = Math.min(segmentSize, payload - from);
            ByteBuf segment = allocator.directBuffer(headroom + headers + size);
            segment.setIndex(headroom, headroom);
            segment.writeBytes(source, offset, headers);
            segment.writeBytes(source, offset + headers + from, size);
            int l4Length = headers - Ipv6.HEADER_LENGTH + size;
            segment.setShort(headroom + Ipv6.PAYLOAD_LENGTH_OFFSET, l4Length);
            int transport = headroom + Ipv6.HEADER_LENGTH;
            int checksumAt;
            if (protocol == TCP) {
                segment.setInt(transport + TCP_SEQ, (int) (firstSeq + from));
                int flags = segment.getUnsignedByte(transport + TCP_FLAGS);
                if (i > 0) {
                    flags &= ~TCP_CWR;
                }
                if (i < segments - 1) {
                    flags &= ~(TCP_FIN | TCP_PSH);
                }
                segment.setByte(transport + TCP_FLAGS, flags);
                checksumAt = transport + TCP_CHECKSUM;
            } else {
                segment.setShort(transport + UDP_LENGTH, l4Length);
                checksumAt = transport + UDP_CHECKSUM;
            }
            segment.setShort(checksumAt, 0);
            int checksum = Checksum.fold(addresses + protocol + l4Length + Checksum.sum(segment, transport, l4Length));
            segment.setShort(checksumAt, checksum == 0 ? 0xFFFF : checksum); // UDP sends 0 as 0xFFFF (RFC 8200 §8.1)
            sink.packetRead(segment);
        }
        return segments;
    }
}
