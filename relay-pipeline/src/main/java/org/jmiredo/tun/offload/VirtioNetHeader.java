package org.jmiredo.tun.offload;

import io.netty.buffer.ByteBuf;
import org.jmiredo.proto.Ipv6;

/**
 * {@code struct virtio_net_hdr} (include/uapi/linux/virtio_net.h): the 10 bytes in front of every packet
 * read from or written to a Linux TUN opened with {@code IFF_VNET_HDR}. It says whether the packet's
 * transport checksum is still partial ({@link #F_NEEDS_CSUM}) and whether it is a GSO super-packet to be
 * cut into segments of {@code gso_size} payload bytes. The 16-bit fields are little-endian: the device is
 * set to that order with {@code TUNSETVNETLE} (the legacy default on x86-64 and arm64 anyway).
 */
public final class VirtioNetHeader {
    private VirtioNetHeader() {}

    /** sizeof(struct virtio_net_hdr), the TUN default vnet header size. */
    public static final int LENGTH = 10;

    /** flags: the checksum at csum_start + csum_offset holds only the pseudo-header sum; complete it. */
    public static final int F_NEEDS_CSUM = 1;
    /** flags: the checksum was verified (a packet the host received); nothing to do. */
    public static final int F_DATA_VALID = 2;

    /** gso_type: one plain packet. */
    public static final int GSO_NONE = 0;
    /** gso_type: TCP over IPv4 (never routed into a Teredo tunnel). */
    public static final int GSO_TCPV4 = 1;
    /** gso_type: IPv4 UDP fragmentation offload (UFO, obsolete). */
    public static final int GSO_UDP = 3;
    /** gso_type: TCP over IPv6, cut at gso_size payload bytes (TSO6). */
    public static final int GSO_TCPV6 = 4;
    /** gso_type: UDP segmentation (USO, Linux 6.2), each segment one datagram of gso_size payload bytes. */
    public static final int GSO_UDP_L4 = 5;
    /** gso_type bit: the TCP super-packet carries CWR, which only its first segment keeps. */
    public static final int GSO_ECN = 0x80;

    private static final int FLAGS = 0;
    private static final int GSO_TYPE = 1;
    private static final int HDR_LEN = 2;
    private static final int GSO_SIZE = 4;
    private static final int CSUM_START = 6;
    private static final int CSUM_OFFSET = 8;

    public static int flags(ByteBuf buf, int at) {
        return buf.getUnsignedByte(at + FLAGS);
    }

    /** The GSO type with the {@link #GSO_ECN} bit. */
    public static int gsoType(ByteBuf buf, int at) {
        return buf.getUnsignedByte(at + GSO_TYPE);
    }

    /** Bytes of headers (the kernel fills in its linear part, which may include payload: only a hint). */
    public static int hdrLen(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + HDR_LEN);
    }

    public static int gsoSize(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + GSO_SIZE);
    }

    /** Where, from the start of the IPv6 header, the checksummed transport header begins. */
    public static int csumStart(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + CSUM_START);
    }

    /** Where, from csum_start, the checksum field is (16 for TCP, 6 for UDP). */
    public static int csumOffset(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + CSUM_OFFSET);
    }

    /** Writes a header at {@code at} (absolute; indexes untouched). */
    public static void set(
            ByteBuf buf, int at, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        buf.setByte(at + FLAGS, flags);
        buf.setByte(at + GSO_TYPE, gsoType);
        buf.setShortLE(at + HDR_LEN, hdrLen);
        buf.setShortLE(at + GSO_SIZE, gsoSize);
        buf.setShortLE(at + CSUM_START, csumStart);
        buf.setShortLE(at + CSUM_OFFSET, csumOffset);
    }

    /** Writes the header of a plain packet with a complete checksum: all zero. */
    public static void setPlain(ByteBuf buf, int at) {
        buf.setZero(at, LENGTH);
    }

    /**
     * Writes at {@code at} the header that has the kernel cut the super-packet of {@code length} bytes at
     * {@code offset} of {@code packet} (layout of {@link org.jmiredo.tun.TunQueue#writeSegmented}) into
     * segments of {@code segmentSize} payload bytes and complete each checksum. A payload that fits one
     * segment is sent as one packet with a partial checksum (no GSO).
     *
     * @return false, writing nothing, if the super-packet's headers are malformed or unsupported
     */
    public static boolean setSegmented(
            ByteBuf header, int at, ByteBuf packet, int offset, int length, int protocol, int segmentSize) {
        int headers = GsoSplitter.headersLength(packet, offset, length, protocol);
        if (headers < 0 || segmentSize < 1) {
            return false;
        }
        boolean tcp = protocol == GsoSplitter.TCP;
        int gsoType = GSO_NONE;
        if (length - headers > segmentSize) {
            boolean cwr = tcp
                    && (packet.getUnsignedByte(offset + Ipv6.HEADER_LENGTH + GsoSplitter.TCP_FLAGS)
                                    & GsoSplitter.TCP_CWR)
                            != 0;
            gsoType = tcp ? GSO_TCPV6 | (cwr ? GSO_ECN : 0) : GSO_UDP_L4;
        }
        set(
                header,
                at,
                F_NEEDS_CSUM,
                gsoType,
                headers,
                gsoType == GSO_NONE ? 0 : segmentSize,
                Ipv6.HEADER_LENGTH,
                tcp ? GsoSplitter.TCP_CHECKSUM : GsoSplitter.UDP_CHECKSUM);
        return true;
    }
}
