package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;
import org.jmiredo.metrics.DropReason;

/**
 * Parses the Teredo headers in front of an IPv6 packet in a UDP payload (RFC 4380 §5.1.1, RFC 6081 §4):
 * <pre>[authentication] [origin indication] IPv6 packet [trailers]</pre>
 * A reusable flyweight: one instance per event loop, {@link #parse} overwrites every field, nothing is
 * allocated. Offsets are absolute indexes into the buffer that was parsed.
 */
public final class TeredoHeaders {
    public static final int AUTH_TYPE = 0x0001;
    public static final int ORIGIN_TYPE = 0x0000;
    public static final int AUTH_FIXED_LENGTH = 13; // 4 + nonce 8 + confirmation 1
    public static final int NONCE_LENGTH = 8;
    public static final int ORIGIN_LENGTH = 8;

    private int authOffset = -1;
    private int originOffset = -1;
    private int ipv6Offset;
    private int ipv6Length;
    private int trailerLength;

    /**
     * Parses the readable bytes of {@code buf}; returns null when the payload is a well-formed Teredo
     * packet, otherwise why it must be dropped. Never throws on any input.
     */
    public DropReason parse(ByteBuf buf) {
        authOffset = -1;
        originOffset = -1;
        ipv6Offset = -1; // stale values from the previous packet must not survive a failed parse
        ipv6Length = 0;
        trailerLength = 0;
        int at = buf.readerIndex();
        int end = buf.writerIndex();
        if (end - at >= 2 && buf.getUnsignedShort(at) == AUTH_TYPE) {
            if (end - at < AUTH_FIXED_LENGTH) {
                return DropReason.MALFORMED_TEREDO;
            }
            int length = AUTH_FIXED_LENGTH + buf.getUnsignedByte(at + 2) + buf.getUnsignedByte(at + 3);
            if (end - at < length) {
                return DropReason.MALFORMED_TEREDO;
            }
            authOffset = at;
            at += length;
        }
        if (end - at >= 2 && buf.getUnsignedShort(at) == ORIGIN_TYPE) {
            if (end - at < ORIGIN_LENGTH) {
                return DropReason.MALFORMED_TEREDO;
            }
            originOffset = at;
            at += ORIGIN_LENGTH;
        }
        if (end - at < Ipv6.HEADER_LENGTH || Ipv6.version(buf, at) != 6) {
            return end - at >= 1 && Ipv6.version(buf, at) == 6 ? DropReason.MALFORMED_IPV6 : DropReason.NOT_TEREDO;
        }
        int length = Ipv6.HEADER_LENGTH + Ipv6.payloadLength(buf, at);
        if (length > end - at) {
            return DropReason.MALFORMED_IPV6; // RFC 6081 §4: IPv6 length must not exceed what is left
        }
        if (length == Ipv6.HEADER_LENGTH && Ipv6.nextHeader(buf, at) != Ipv6.NEXT_HEADER_NONE) {
            // A header announcing a next header but carrying none: only a jumbogram (RFC 2675) may say payload
            // length 0, and none fits a UDP datagram. The kernel would drop it uncounted by us.
            return DropReason.MALFORMED_IPV6;
        }
        ipv6Offset = at;
        ipv6Length = length;
        trailerLength = end - at - length;
        return null;
    }

    public boolean hasAuth() {
        return authOffset >= 0;
    }

    public int authOffset() {
        return authOffset;
    }

    /** Length of the client identifier. Valid only when {@link #hasAuth()}. */
    public int authIdLength(ByteBuf buf) {
        return buf.getUnsignedByte(authOffset + 2);
    }

    /** Length of the authentication value. Valid only when {@link #hasAuth()}. */
    public int authValueLength(ByteBuf buf) {
        return buf.getUnsignedByte(authOffset + 3);
    }

    /** Absolute index of the 8-byte nonce, after the identifier and the value. Valid only when {@link #hasAuth()}. */
    public int authNonceOffset(ByteBuf buf) {
        return authOffset + 4 + authIdLength(buf) + authValueLength(buf);
    }

    /** The nonce as 8 bytes in network order. Valid only when {@link #hasAuth()}. */
    public long authNonce(ByteBuf buf) {
        return buf.getLong(authNonceOffset(buf));
    }

    /** The confirmation byte (RFC 4380 §5.2.2: non-zero asks the client for a new key). Valid only when {@link #hasAuth()}. */
    public int authConfirmation(ByteBuf buf) {
        return buf.getUnsignedByte(authNonceOffset(buf) + NONCE_LENGTH);
    }

    public boolean hasOrigin() {
        return originOffset >= 0;
    }

    /** Origin indication port, de-obfuscated. Valid only when {@link #hasOrigin()}. */
    public int originPort(ByteBuf buf) {
        return ~buf.getUnsignedShort(originOffset + 2) & 0xFFFF;
    }

    /** Origin indication IPv4, de-obfuscated. Valid only when {@link #hasOrigin()}. */
    public int originIpv4(ByteBuf buf) {
        return ~buf.getInt(originOffset + 4);
    }

    public int originOffset() {
        return originOffset;
    }

    public int ipv6Offset() {
        return ipv6Offset;
    }

    public int ipv6Length() {
        return ipv6Length;
    }

    /** Bytes after the IPv6 packet: RFC 6081 trailers (ignored by a relay, as Miredo does). */
    public int trailerLength() {
        return trailerLength;
    }

    /**
     * Writes an authentication encapsulation without client credentials at {@code offset} (RFC 4380
     * §5.1.1): {@code 00 01 00 00 <nonce 8> <confirmation>}, the 13 bytes a server puts in front of its RA
     * (Miredo always does, M3). Returns the bytes written.
     */
    public static int writeAuth(ByteBuf buf, int offset, long nonce, int confirmation) {
        buf.setShort(offset, AUTH_TYPE);
        buf.setShort(offset + 2, 0); // ID-len, AU-len
        buf.setLong(offset + 4, nonce);
        buf.setByte(offset + 4 + NONCE_LENGTH, confirmation);
        return AUTH_FIXED_LENGTH;
    }

    /** Writes an origin indication (RFC 4380 §5.1.1) at {@code offset}. */
    public static void writeOrigin(ByteBuf buf, int offset, int ipv4, int port) {
        buf.setShort(offset, ORIGIN_TYPE);
        buf.setShort(offset + 2, ~port);
        buf.setInt(offset + 4, ~ipv4);
    }
}
