package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Test helpers: hex strings (spaces and colons ignored) to buffers and back, address literals to longs. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replaceAll("[\\s:]", ""));
    }

    /** A heap buffer holding the bytes, reader index 0, writer index at the end. */
    static ByteBuf buf(String hex) {
        return Unpooled.wrappedBuffer(bytes(hex));
    }

    static String of(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf);
    }

    static String of(ByteBuf buf, int index, int length) {
        return ByteBufUtil.hexDump(buf, index, length);
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static long hi(String ipv6) {
        return TeredoAddress.hiOf(ip(ipv6));
    }

    static long lo(String ipv6) {
        return TeredoAddress.loOf(ip(ipv6));
    }

    static int ipv4(String dotted) {
        return Ipv4.of(ip(dotted).getAddress());
    }
}
