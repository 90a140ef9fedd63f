package org.jmiredo.server.netlink;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Bytes for the netlink tests, in host byte order as the kernel writes them. */
final class NetlinkBytes {
    private NetlinkBytes() {}

    /** "0a 40 02 00" or "0a400200": spaces are ignored. */
    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    static String hex(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] u32(int value) {
        return ByteBuffer.allocate(4)
                .order(ByteOrder.nativeOrder())
                .putInt(value)
                .array();
    }

    static byte[] text(String value) {
        return (value + "\0").getBytes(StandardCharsets.UTF_8);
    }

    /** One struct nlattr, padded to 4 bytes. */
    static byte[] attribute(int type, byte[] value) {
        int length = 4 + value.length;
        ByteBuffer b = ByteBuffer.allocate(NetlinkAttributes.align(length)).order(ByteOrder.nativeOrder());
        b.putShort((short) length).putShort((short) type).put(value);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A datagram of {@code messages} as the kernel sends it (position 0, limit at its end). */
    static ByteBuffer datagram(byte[]... messages) {
        byte[] all = concat(messages);
        return ByteBuffer.allocateDirect(all.length)
                .order(ByteOrder.nativeOrder())
                .put(all)
                .flip();
    }

    /** One message: header, then {@code body} (the fixed header and the attributes), padded to 4 bytes. */
    static byte[] message(int type, int flags, int sequence, byte[] body) {
        int length = RtnetlinkConstants.NLMSG_HDRLEN + body.length;
        ByteBuffer b = ByteBuffer.allocate(NetlinkAttributes.align(length)).order(ByteOrder.nativeOrder());
        b.putInt(length)
                .putShort((short) type)
                .putShort((short) flags)
                .putInt(sequence)
                .putInt(4242)
                .put(body);
        return b.array();
    }
}
