package org.jmiredo.tun.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;

/**
 * Builds the GSO super-packet of a run in the layout {@code TunQueue.writeSegmented} takes: the first
 * member's IPv6 and TCP/UDP headers, then every member's payload. The kernel segments it back by copying
 * these headers: a TCP segment gets the next sequence number, PSH only on the last one (so the header
 * carries the last member's flags), and a fresh checksum each.
 */
final class SuperPackets {
    private SuperPackets() {}

    /**
     * @param next        links each member to the next (-1 after the last), from {@code first}
     * @param header      the TCP or UDP header length, the same in every member
     * @param l4Length    the super-packet's upper-layer length: header plus every member's payload
     */
    static ByteBuf build(
            ByteBufAllocator allocator, ByteBuf[] packets, int[] next, int first, int header, int l4Length) {
        ByteBuf head = packets[first];
        int headers = Ipv6.HEADER_LENGTH + header;
        ByteBuf out = allocator.directBuffer(Ipv6.HEADER_LENGTH + l4Length);
        try {
            out.writeBytes(head, head.readerIndex(), headers);
            int last = first;
            for (int m = first; m >= 0; m = next[m]) {
                ByteBuf p = packets[m];
                out.writeBytes(p, p.readerIndex() + headers, p.readableBytes() - headers);
                last = m;
            }
            int protocol = Ipv6.nextHeader(out, 0);
            out.setShort(Ipv6.PAYLOAD_LENGTH_OFFSET, l4Length);
            int checksumAt;
            if (protocol == GroRules.TCP) {
                ByteBuf tail = packets[last];
                out.setByte(GroRules.TCP_FLAGS, tail.getByte(tail.readerIndex() + GroRules.TCP_FLAGS));
                checksumAt = GroRules.TCP_CHECKSUM;
            } else {
                out.setShort(GroRules.UDP_LENGTH, l4Length);
                checksumAt = GroRules.UDP_CHECKSUM;
            }
            out.setShort(checksumAt, Checksum.pseudoHeaderPartial(out, 0, protocol, l4Length));
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
