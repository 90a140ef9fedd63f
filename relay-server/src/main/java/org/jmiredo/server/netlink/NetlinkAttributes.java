package org.jmiredo.server.netlink;

import static org.jmiredo.server.netlink.RtnetlinkConstants.ALIGN;
import static org.jmiredo.server.netlink.RtnetlinkConstants.NLA_HDRLEN;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The attributes of one message part (a run of struct nlattr), by type. The flag bits of a type
 * (NLA_F_NESTED, NLA_F_NET_BYTEORDER) are dropped; of a type given twice, the last one counts.
 */
final class NetlinkAttributes {
    private static final int NLA_TYPE_MASK = 0x3FFF;
    static final NetlinkAttributes NONE = new NetlinkAttributes(Map.of());

    private final Map<Integer, ByteBuffer> values;

    private NetlinkAttributes(Map<Integer, ByteBuffer> values) {
        this.values = values;
    }

    /**
     * Parses the attributes from {@code from} to {@code to} in {@code message} (absolute indexes).
     *
     * @throws IllegalArgumentException if an attribute's length runs past {@code to} or is shorter than its header
     */
    static NetlinkAttributes parse(ByteBuffer message, int from, int to) {
        Map<Integer, ByteBuffer> values = new HashMap<>();
        int at = from;
        while (to - at >= NLA_HDRLEN) {
            int length = Short.toUnsignedInt(message.getShort(at));
            int type = Short.toUnsignedInt(message.getShort(at + 2)) & NLA_TYPE_MASK;
            if (length < NLA_HDRLEN || length > to - at) {
                throw new IllegalArgumentException("malformed netlink attribute at " + at + ": length " + length);
            }
            values.put(type, message.slice(at + NLA_HDRLEN, length - NLA_HDRLEN).order(ByteOrder.nativeOrder()));
            at += align(length);
        }
        return new NetlinkAttributes(values);
    }

    static int align(int length) {
        return (length + ALIGN - 1) & -ALIGN;
    }

    boolean has(int type) {
        return values.containsKey(type);
    }

    OptionalInt u8(int type) {
        ByteBuffer value = values.get(type);
        return value == null || value.remaining() < 1 ? OptionalInt.empty() : OptionalInt.of(value.get(0) & 0xFF);
    }

    OptionalInt u32(int type) {
        ByteBuffer value = values.get(type);
        return value == null || value.remaining() < 4 ? OptionalInt.empty() : OptionalInt.of(value.getInt(0));
    }

    Optional<byte[]> bytes(int type) {
        ByteBuffer value = values.get(type);
        if (value == null) {
            return Optional.empty();
        }
        byte[] copy = new byte[value.remaining()];
        value.get(0, copy);
        return Optional.of(copy);
    }

    /** A string attribute, without its terminating NUL (and anything after one). */
    Optional<String> string(int type) {
        return bytes(type).map(b -> {
            int length = 0;
            while (length < b.length && b[length] != 0) {
                length++;
            }
            return new String(b, 0, length, StandardCharsets.UTF_8);
        });
    }

    /** The attributes nested in attribute {@code type}; none if it is missing. */
    NetlinkAttributes nested(int type) {
        ByteBuffer value = values.get(type);
        return value == null ? NONE : parse(value, 0, value.limit());
    }
}
