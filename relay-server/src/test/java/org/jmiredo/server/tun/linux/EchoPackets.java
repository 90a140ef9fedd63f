package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** ICMPv6 echo packets for TUN tests: built byte by byte, with their checksum (RFC 4443 §2.3, RFC 8200 §8.1). */
public final class EchoPackets {
    private EchoPackets() {}

    public static final int ECHO_REQUEST = 128;
    public static final int ECHO_REPLY = 129;
    private static final int NEXT_HEADER_ICMPV6 = 58;

    public static Inet6Address v6(String literal) {
        try {
            return (Inet6Address) InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    public static byte[] echoRequest(Inet6Address src, Inet6Address dst, int id, int sequence, byte[] data) {
        int icmpLength = 8 + data.length;
        ByteBuffer packet = ByteBuffer.allocate(40 + icmpLength);
        packet.putInt(0x6000_0000)
                .putShort((short) icmpLength)
                .put((byte) NEXT_HEADER_ICMPV6)
                .put((byte) 64);
        packet.put(src.getAddress()).put(dst.getAddress());
        packet.put((byte) ECHO_REQUEST).put((byte) 0).putShort((short) 0);
        packet.putShort((short) id).putShort((short) sequence).put(data);
        byte[] bytes = packet.array();
        int sum = checksum(bytes, src, dst, icmpLength);
        bytes[42] = (byte) (sum >>> 8);
        bytes[43] = (byte) sum;
        return bytes;
    }

    private static int checksum(byte[] packet, Inet6Address src, Inet6Address dst, int icmpLength) {
        long sum = 0;
        byte[] s = src.getAddress();
        byte[] d = dst.getAddress();
        for (int i = 0; i < 16; i += 2) {
            sum += ((s[i] & 0xFF) << 8) | (s[i + 1] & 0xFF);
            sum += ((d[i] & 0xFF) << 8) | (d[i + 1] & 0xFF);
        }
        sum += icmpLength + NEXT_HEADER_ICMPV6;
        for (int i = 40; i < 40 + icmpLength; i += 2) {
            int hi = packet[i] & 0xFF;
            int lo = i + 1 < 40 + icmpLength ? packet[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /** The ICMPv6 type of a packet whose next header is ICMPv6, or -1. */
    public static int icmpType(ByteBuf packet) {
        int at = packet.readerIndex();
        if (packet.readableBytes() < 41 || packet.getUnsignedByte(at + 6) != NEXT_HEADER_ICMPV6) {
            return -1;
        }
        return packet.getUnsignedByte(at + 40);
    }

    public static Inet6Address source(ByteBuf packet) {
        return address(packet, packet.readerIndex() + 8);
    }

    public static Inet6Address destination(ByteBuf packet) {
        return address(packet, packet.readerIndex() + 24);
    }

    /** The echo identifier of an echo request or reply. */
    public static int echoId(ByteBuf packet) {
        return packet.getUnsignedShort(packet.readerIndex() + 44);
    }

    private static Inet6Address address(ByteBuf packet, int index) {
        byte[] bytes = new byte[16];
        packet.getBytes(index, bytes);
        try {
            return (Inet6Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
