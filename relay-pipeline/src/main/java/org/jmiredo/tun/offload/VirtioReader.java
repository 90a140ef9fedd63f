package org.jmiredo.tun.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.tun.TunReceiver;

/**
 * Turns one read of a TUN opened with {@code IFF_VNET_HDR} (a virtio header, then a packet that may be a
 * GSO super-packet or carry a partial checksum) into the complete IPv6 packets a Teredo peer expects:
 * each in its own pooled direct buffer with the configured headroom, handed to a {@link TunReceiver}.
 * Complete means a full transport checksum: the peer's stack, not a NIC, verifies it. Does no I/O.
 */
public final class VirtioReader {
    private final ByteBufAllocator allocator;
    private final int headroom;
    private final int maxPacketSize;

    /**
     * @param maxPacketSize the largest packet delivered (the tunnel MTU); a plain packet or a segment
     *     above it is dropped as oversized
     */
    public VirtioReader(ByteBufAllocator allocator, int headroom, int maxPacketSize) {
        this.allocator = allocator;
        this.headroom = headroom;
        this.maxPacketSize = maxPacketSize;
    }

    /**
     * Delivers the read of {@code length} bytes at {@code offset} of {@code read} (header included) to
     * {@code sink}, or reports why not. {@code read} is left as it was and stays the caller's.
     *
     * @return the packets delivered, or 1 for a dropped read (what a read budget counts)
     */
    public int deliver(ByteBuf read, int offset, int length, TunReceiver sink) {
        int packet = offset + VirtioNetHeader.LENGTH;
        int packetLength = length - VirtioNetHeader.LENGTH;
        if (packetLength < 0) {
            sink.offloadDropped(OffloadDrop.MALFORMED);
            return 1;
        }
        int gsoType = VirtioNetHeader.gsoType(read, offset) & ~VirtioNetHeader.GSO_ECN;
        if (gsoType == VirtioNetHeader.GSO_NONE) {
            return deliverOne(read, offset, packet, packetLength, sink);
        }
        int protocol =
                switch (gsoType) {
                    case VirtioNetHeader.GSO_TCPV6 -> GsoSplitter.TCP;
                    case VirtioNetHeader.GSO_UDP_L4 -> GsoSplitter.UDP;
                    default -> 0;
                };
        int headers = protocol == 0
                ? GsoSplitter.UNSUPPORTED
                : GsoSplitter.headersLength(read, packet, packetLength, protocol);
        int segmentSize = VirtioNetHeader.gsoSize(read, offset);
        if (headers < 0 || segmentSize == 0) {
            sink.offloadDropped(headers == GsoSplitter.UNSUPPORTED ? OffloadDrop.UNSUPPORTED : OffloadDrop.MALFORMED);
            return 1;
        }
        if (GsoSplitter.largestSegment(packetLength, headers, segmentSize) > maxPacketSize) {
            sink.oversizedPacketDropped();
            return 1;
        }
        return GsoSplitter.split(read, packet, packetLength, protocol, headers, segmentSize, allocator, headroom, sink);
    }

    private int deliverOne(ByteBuf read, int header, int packet, int packetLength, TunReceiver sink) {
        if (packetLength > maxPacketSize) {
            sink.oversizedPacketDropped();
            return 1;
        }
        if (!checksumFieldFits(read, header, packetLength, sink)) {
            return 1;
        }
        ByteBuf copy = allocator.directBuffer(headroom + packetLength);
        copy.setIndex(headroom, headroom);
        copy.writeBytes(read, packet, packetLength);
        completeIfPartial(read, header, copy);
        sink.packetRead(copy);
        return 1;
    }

    /**
     * True when the read whose virtio header is at {@code header[at]} is one plain packet of
     * {@code packetLength} bytes that fits the MTU: one a scattering read left whole in its own buffer, to
     * be handed on there by {@link #deliverInPlace} (anything else goes through {@link #deliver}).
     */
    public boolean fitsInPlace(ByteBuf header, int at, int packetLength) {
        return (VirtioNetHeader.gsoType(header, at) & ~VirtioNetHeader.GSO_ECN) == VirtioNetHeader.GSO_NONE
                && packetLength <= maxPacketSize;
    }

    /**
     * Hands on, without a copy, the plain packet {@link #fitsInPlace} accepted: {@code packet}'s readable
     * bytes, its virtio header at {@code header[at]}. A partial checksum is completed in place.
     *
     * @return true when {@code sink} got (and now owns) {@code packet}; false when the header's checksum
     *     offsets did not fit the packet (the drop is reported, {@code packet} stays the caller's)
     */
    public boolean deliverInPlace(ByteBuf header, int at, ByteBuf packet, TunReceiver sink) {
        if (!checksumFieldFits(header, at, packet.readableBytes(), sink)) {
            return false;
        }
        completeIfPartial(header, at, packet);
        sink.packetRead(packet);
        return true;
    }

    // A partial checksum must lie after the IPv6 header and inside the packet; reports the drop if not.
    private static boolean checksumFieldFits(ByteBuf header, int at, int packetLength, TunReceiver sink) {
        if ((VirtioNetHeader.flags(header, at) & VirtioNetHeader.F_NEEDS_CSUM) == 0) {
            return true;
        }
        int csumStart = VirtioNetHeader.csumStart(header, at);
        if (csumStart < Ipv6.HEADER_LENGTH || csumStart + VirtioNetHeader.csumOffset(header, at) + 2 > packetLength) {
            sink.offloadDropped(OffloadDrop.MALFORMED);
            return false;
        }
        return true;
    }

    // Only packets of the host's own stack (or forwarded from a veth) come with a partial checksum.
    private static void completeIfPartial(ByteBuf header, int at, ByteBuf packet) {
        if ((VirtioNetHeader.flags(header, at) & VirtioNetHeader.F_NEEDS_CSUM) != 0) {
            int csumStart = VirtioNetHeader.csumStart(header, at);
            completeChecksum(
                    packet,
                    packet.readerIndex(),
                    packet.readableBytes(),
                    csumStart,
                    csumStart + VirtioNetHeader.csumOffset(header, at));
        }
    }

    /**
     * Completes a partial checksum (the kernel's CHECKSUM_PARTIAL): the field at {@code csumAt} holds the
     * pseudo-header sum, so the sum from {@code csumStart} to the end, folded and complemented, is the
     * checksum (as skb_checksum_help). A result of 0 is sent as 0xFFFF, which UDP requires (RFC 8200 §8.1)
     * and TCP reads the same. Offsets are from the IPv6 header at {@code packet}.
     */
    static void completeChecksum(ByteBuf buf, int packet, int packetLength, int csumStart, int csumAt) {
        int checksum = Checksum.fold(Checksum.sum(buf, packet + csumStart, packetLength - csumStart));
        buf.setShort(packet + csumAt, checksum == 0 ? 0xFFFF : checksum);
    }
}
