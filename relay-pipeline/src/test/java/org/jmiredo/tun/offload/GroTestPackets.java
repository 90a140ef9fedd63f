package org.jmiredo.tun.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.jmiredo.proto.Checksum;

/** Byte-exact IPv6 TCP, UDP, ICMPv6 and extension-header packets for the coalescing tests. */
public final class GroTestPackets {
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ACK = 0x10;
    public static final int PSH = 0x08;
    public static final int SYN = 0x02;
    public static final int FIN = 0x01;
    public static final int CWR = 0x80;

    private GroTestPackets() {}

    /** The fields that name a flow, plus the IPv6 fields that must match for merging. */
    public record Flow(byte[] src, byte[] dst, int protocol, int srcPort, int dstPort, int trafficClass, int hopLimit) {
        public Flow withHopLimit(int hops) {
            return new Flow(src, dst, protocol, srcPort, dstPort, trafficClass, hops);
        }
    }

    /** An address 2001:db8::{@code n} (n in 0..255 gives distinct addresses). */
    public static byte[] address(int n) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[14] = (byte) (n >>> 8);
        a[15] = (byte) n;
        return a;
    }

    public static byte[] tcp(Flow f, int seq, int ack, int flags, byte[] options, byte[] payload) {
        int l4 = 20 + options.length + payload.length;
        ByteBuffer b = header(f, TCP, l4);
        b.putShort((short) f.srcPort())
                .putShort((short) f.dstPort())
                .putInt(seq)
                .putInt(ack);
        b.put((byte) ((20 + options.length) / 4 << 4)).put((byte) flags).putShort((short) 512);
        b.putShort((short) 0).putShort((short) 0).put(options).put(payload);
        return withChecksum(b.array(), 40 + 16);
    }

    public static byte[] tcp(Flow f, int seq, byte[] payload) {
        return tcp(f, seq, 1, ACK, new byte[0], payload);
    }

    public static byte[] udp(Flow f, byte[] payload) {
        ByteBuffer b = header(f, UDP, 8 + payload.length);
        b.putShort((short) f.srcPort()).putShort((short) f.dstPort()).putShort((short) (8 + payload.length));
        b.putShort((short) 0).put(payload);
        return withChecksum(b.array(), 40 + 6);
    }

    /** An ICMPv6 echo request between the flow's addresses. */
    public static byte[] icmp(Flow f, int id) {
        ByteBuffer b = header(f, 58, 8);
        b.put((byte) 128).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) 1);
        return withChecksum(b.array(), 40 + 2);
    }

    /** {@code inner} (a TCP or UDP packet) with an 8-byte hop-by-hop options header (PadN) before its upper layer. */
    public static byte[] hopByHop(byte[] inner) {
        byte[] p = new byte[inner.length + 8];
        System.arraycopy(inner, 0, p, 0, 40);
        System.arraycopy(inner, 40, p, 48, inner.length - 40);
        p[6] = 0; // hop-by-hop options
        p[40] = inner[6];
        p[42] = 1; // PadN, 4 bytes of padding
        p[43] = 4;
        int length = inner.length - 40 + 8;
        p[4] = (byte) (length >>> 8);
        p[5] = (byte) length;
        return p;
    }

    /** A copy with one payload bit flipped and the checksum left as it was. */
    public static byte[] corrupt(byte[] packet) {
        byte[] p = packet.clone();
        p[p.length - 1] ^= 0x01;
        return p;
    }

    /** A copy with checksum field of the TCP (offset 16) or UDP (6) header set to {@code value}. */
    public static byte[] withChecksumField(byte[] packet, int value) {
        byte[] p = packet.clone();
        int at = 40 + (p[6] == TCP ? 16 : 6);
        p[at] = (byte) (value >>> 8);
        p[at + 1] = (byte) value;
        return p;
    }

    public static boolean verifies(byte[] packet) {
        return Checksum.verifies(Unpooled.wrappedBuffer(packet), 0);
    }

    public static byte[] payload(int length, int salt) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (i * 31 + salt);
        }
        return p;
    }

    /** Copies {@code packet} into a buffer from {@code allocator}, at an offset, as the relay hands it on. */
    public static ByteBuf buffer(io.netty.buffer.ByteBufAllocator allocator, byte[] packet) {
        ByteBuf buf = allocator.directBuffer(16 + packet.length);
        buf.writerIndex(16).readerIndex(16);
        return buf.writeBytes(packet);
    }

    private static ByteBuffer header(Flow f, int protocol, int l4Length) {
        ByteBuffer b = ByteBuffer.allocate(40 + l4Length);
        b.putInt(0x6000_0000 | f.trafficClass() << 20 | 0x12345);
        b.putShort((short) l4Length).put((byte) protocol).put((byte) f.hopLimit());
        return b.put(f.src()).put(f.dst());
    }

    /** Fills in the upper-layer checksum at {@code at} (UDP's zero becomes 0xFFFF, RFC 8200 §8.1). */
    static byte[] withChecksum(byte[] p, int at) {
        int sum = Checksum.upperLayer(Unpooled.wrappedBuffer(p), 0);
        if (sum == 0 && p[6] == UDP) {
            sum = 0xFFFF;
        }
        p[at] = (byte) (sum >>> 8);
        p[at + 1] = (byte) sum;
        return p;
    }
}
