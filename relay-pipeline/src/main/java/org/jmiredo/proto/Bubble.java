package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;

/**
 * Writes bubbles: a bare 40-byte IPv6 header, payload length 0, next header 59 "No Next Header"
 * (RFC 4380 §2.8). RFC 6081 trailers, if any, follow the 40 bytes and leave the payload length at 0.
 */
public final class Bubble {
    private Bubble() {}

    public static final int LENGTH = Ipv6.HEADER_LENGTH;

    /**
     * Hop limit of every bubble we send. RFC 4380 fixes it only for local discovery (1); Miredo sends 0
     * (CONFORMANCE M14), so a bubble that escapes onto an IPv6 link is never forwarded.
     */
    public static final int HOP_LIMIT = 0;

    /**
     * Appends a bubble at the writer index of {@code out} and advances it by {@link #LENGTH}, hop limit
     * {@link #HOP_LIMIT}.
     */
    public static void write(ByteBuf out, long srcHi, long srcLo, long dstHi, long dstLo) {
        out.ensureWritable(LENGTH);
        int at = out.writerIndex();
        writeAt(out, at, HOP_LIMIT, srcHi, srcLo, dstHi, dstLo);
        out.writerIndex(at + LENGTH);
    }

    /**
     * Writes a bubble at {@code offset} with absolute setters, reader and writer indexes untouched; the
     * hop limit is {@link #HOP_LIMIT}, or 1 for local discovery (RFC 4380 §5.2.8).
     */
    public static void writeAt(ByteBuf buf, int offset, int hopLimit, long srcHi, long srcLo, long dstHi, long dstLo) {
        Ipv6.writeHeader(buf, offset, 0, Ipv6.NEXT_HEADER_NONE, hopLimit, srcHi, srcLo, dstHi, dstLo);
    }
}
