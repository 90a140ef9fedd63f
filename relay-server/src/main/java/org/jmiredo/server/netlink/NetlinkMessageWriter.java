package org.jmiredo.server.netlink;

import static org.jmiredo.server.netlink.RtnetlinkConstants.ALIGN;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLA_HDRLEN;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLMSG_HDRLEN;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes one netlink request into a reusable direct buffer: the header, the family's fixed header field by
 * field, then attributes (struct nlattr: u16 length, u16 type, the value, padded to 4 bytes). {@link #finish}
 * fills in the length and hands the message to send.
 */
final class NetlinkMessageWriter {
    private final ByteBuffer buffer;

    NetlinkMessageWriter(int capacity) {
        this.buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    /** Starts a message; the port id is 0, the kernel fills in ours. */
    NetlinkMessageWriter begin(int type, int flags, int sequence) {
        buffer.clear();
        buffer.putInt(0)
                .putShort((short) type)
                .putShort((short) flags)
                .putInt(sequence)
                .putInt(0);
        return this;
    }

    NetlinkMessageWriter u8(int value) {
        buffer.put((byte) value);
        return this;
    }

    NetlinkMessageWriter u16(int value) {
        buffer.putShort((short) value);
        return this;
    }

    NetlinkMessageWriter u32(int value) {
        buffer.putInt(value);
        return this;
    }

    NetlinkMessageWriter attribute(int type, byte[] value) {
        buffer.putShort((short) (NLA_HDRLEN + value.length))
                .putShort((short) type)
                .put(value);
        return pad();
    }

    NetlinkMessageWriter attributeU32(int type, int value) {
        buffer.putShort((short) (NLA_HDRLEN + 4)).putShort((short) type).putInt(value);
        return this;
    }

    /** A NUL-terminated string, as the kernel's NLA_STRING policy for names expects. */
    NetlinkMessageWriter attributeString(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return attribute(type, terminated);
    }

    /** Sets the header's length; returns the message from position 0 to its end. */
    ByteBuffer finish() {
        if (buffer.position() < NLMSG_HDRLEN) {
            throw new IllegalStateException("no message begun");
        }
        buffer.putInt(0, buffer.position());
        return buffer.flip();
    }

    private NetlinkMessageWriter pad() {
        while ((buffer.position() & (ALIGN - 1)) != 0) {
            buffer.put((byte) 0);
        }
        return this;
    }
}
