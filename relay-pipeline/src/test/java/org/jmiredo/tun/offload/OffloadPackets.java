package org.jmiredo.tun.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;

/** Builds TUN reads with a virtio header for the offload tests: the layout the kernel hands over. */
final class OffloadPackets {
    private OffloadPackets() {}

    static final int TCP_HEADER = 32; // 20 bytes plus 12 of options (timestamps), as Linux sends
    static final byte[] SRC = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static final byte[] DST = {
        0x20,
        0x01,
        0,
        0,
        0x53,
        (byte) 0xaa,
        0x06,
        0x4c,
        0,
        0,
        (byte) 0xf2,
        0x27,
        (byte) 0xab,
        (byte) 0xcd,
        (byte) 0xef,
        0x01
    };

    /**
     * A super-packet as the kernel hands it with NEEDS_CSUM: IPv6 + TCP (or UDP) header + payload, the
     * checksum field holding the folded, uncomplemented pseudo-header sum. Reader index at the IPv6 header.
     */
    static ByteBuf superPacket(int protocol, byte[] payload, long seq, int tcpFlags) {
        int l4Header = protocol == GsoSplitter.TCP ? TCP_HEADER : GsoSplitter.UDP_HEADER;
        int l4Length = l4Header + payload.length;
        ByteBuf p = Unpooled.buffer(Ipv6.HEADER_LENGTH + l4Length);
        p.writeInt(Ipv6.VERSION_6_WORD | 0x12345);
        p.writeShort(l4Length);
        p.writeByte(protocol);
        p.writeByte(64);
        p.writeBytes(SRC);
        p.writeBytes(DST);
        if (protocol == GsoSplitter.TCP) {
            p.writeShort(443).writeShort(50_000).writeInt((int) seq).writeInt(0x0102_0304);
            p.writeByte((TCP_HEADER / 4) << 4)
                    .writeByte(tcpFlags)
                    .writeShort(512)
                    .writeShort(0)
                    .writeShort(0);
            p.writeBytes(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}); // NOP NOP timestamps
        } else {
            p.writeShort(3544).writeShort(50_000).writeShort(l4Length).writeShort(0);
        }
        p.writeBytes(payload);
        int checksumAt = Ipv6.HEADER_LENGTH + (protocol == GsoSplitter.TCP ? 16 : 6);
        int pseudo = ~Checksum.fold(Checksum.pseudoHeaderSum(p, 0, protocol, l4Length)) & 0xFFFF;
        p.setShort(checksumAt, pseudo);
        return p;
    }

    /** A TUN read: the virtio header, then {@code packet}'s readable bytes. */
    static ByteBuf read(ByteBuf packet, int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        ByteBuf read = Unpooled.directBuffer(VirtioNetHeader.LENGTH + packet.readableBytes());
        VirtioNetHeader.set(read, 0, flags, gsoType, 0, gsoSize, csumStart, csumOffset);
        read.writerIndex(VirtioNetHeader.LENGTH);
        read.writeBytes(packet, packet.readerIndex(), packet.readableBytes());
        return read;
    }

    static byte[] payload(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
