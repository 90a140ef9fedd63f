package org.jmiredo.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.TeredoHeaders;

/** Shared input builders: addresses biased to what the rules accept, and the Teredo headers of RFC 4380 §5.1.1. */
final class FuzzInputs {
    private FuzzInputs() {}

    /** An IPv4 address that is global unicast three times in four, so that the deep paths are reached. */
    static int ipv4(FuzzedDataProvider data) {
        boolean global = data.consumeInt(0, 3) != 0;
        int ip = data.consumeInt();
        if (global && !Ipv4.isGlobalUnicast(ip)) {
            ip = 0x0B00_0000 | (ip & 0x00FF_FFFF); // 11.0.0.0/8: global
        }
        return ip;
    }

    /** A UDP port, often a small set of values (0, 3544, 3545) that the rules treat specially. */
    static int port(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> 0;
            case 1 -> 3544;
            case 2 -> 3545;
            default -> data.consumeInt(1, 0xFFFF);
        };
    }

    /**
     * Optionally writes an authentication header (random identifier and value lengths, sometimes cut
     * short) and an origin indication (sometimes cut short) at the writer index.
     */
    static void teredoHeaders(FuzzedDataProvider data, ByteBuf out) {
        if (data.consumeInt(0, 3) == 0) {
            int idLength = data.consumeBoolean() ? 0 : data.consumeInt(0, 255);
            int valueLength = data.consumeBoolean() ? 0 : data.consumeInt(0, 255);
            out.writeShort(TeredoHeaders.AUTH_TYPE).writeByte(idLength).writeByte(valueLength);
            int body = idLength + valueLength + TeredoHeaders.NONCE_LENGTH + 1;
            if (data.consumeInt(0, 15) == 0) {
                body = data.consumeInt(0, body); // truncated
            }
            out.writeBytes(data.consumeBytes(body)); // fewer when the input runs out: malformed, as wanted
        }
        if (data.consumeInt(0, 3) == 0) {
            out.writeShort(TeredoHeaders.ORIGIN_TYPE);
            if (data.consumeInt(0, 15) != 0) {
                out.writeShort(~port(data)).writeInt(~ipv4(data));
            }
        }
    }

    /** Up to {@code max} raw bytes in a buffer of their own (never Unpooled.EMPTY_BUFFER, whose refCnt stays 1). */
    static ByteBuf bytes(FuzzedDataProvider data, int max) {
        byte[] b = data.consumeBytes(max);
        return Unpooled.buffer(Math.max(1, b.length)).writeBytes(b);
    }
}
