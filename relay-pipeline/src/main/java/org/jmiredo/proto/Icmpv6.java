package org.jmiredo.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * ICMPv6 (RFC 4443) directly after a 40-byte IPv6 header: constants, accessors at absolute offsets,
 * validation, and Echo Request/Reply builders (§4.1, §4.2). Error messages are in {@link Icmpv6Error}.
 * Offsets named {@code icmpOffset} point at the ICMPv6 type byte, {@code ipv6Offset} at the IPv6 header.
 */
public final class Icmpv6 {
    private Icmpv6() {}

    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    /** Identifier and sequence number of echo messages; the "unused" word of Destination Unreachable. */
    public static final int ECHO_ID_OFFSET = 4;

    public static final int ECHO_SEQUENCE_OFFSET = 6;
    public static final int ECHO_DATA_OFFSET = 8;

    /** Type, code and checksum: the part every ICMPv6 message has (RFC 4443 §2.1). */
    public static final int MIN_LENGTH = 4;
    /** Type, code, checksum and one 32-bit word: errors, echo messages, RS. */
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_DESTINATION_UNREACHABLE = 1;
    public static final int TYPE_PACKET_TOO_BIG = 2;
    public static final int TYPE_TIME_EXCEEDED = 3;
    public static final int TYPE_PARAMETER_PROBLEM = 4;
    public static final int TYPE_ECHO_REQUEST = 128;
    public static final int TYPE_ECHO_REPLY = 129;
    public static final int TYPE_ROUTER_SOLICITATION = 133;
    public static final int TYPE_ROUTER_ADVERTISEMENT = 134;
    public static final int TYPE_REDIRECT = 137;

    /** Destination Unreachable codes (RFC 4443 §3.1). */
    public static final int CODE_NO_ROUTE = 0;

    public static final int CODE_ADDRESS_UNREACHABLE = 3;

    /** Types 0-127 are error messages, 128-255 informational (RFC 4443 §2.1). */
    public static boolean isError(int type) {
        return type < 128;
    }

    public static int type(ByteBuf buf, int icmpOffset) {
        return buf.getUnsignedByte(icmpOffset + TYPE_OFFSET);
    }

    public static int code(ByteBuf buf, int icmpOffset) {
        return buf.getUnsignedByte(icmpOffset + CODE_OFFSET);
    }

    public static int checksum(ByteBuf buf, int icmpOffset) {
        return buf.getUnsignedShort(icmpOffset + CHECKSUM_OFFSET);
    }

    public static int echoIdentifier(ByteBuf buf, int icmpOffset) {
        return buf.getUnsignedShort(icmpOffset + ECHO_ID_OFFSET);
    }

    public static int echoSequence(ByteBuf buf, int icmpOffset) {
        return buf.getUnsignedShort(icmpOffset + ECHO_SEQUENCE_OFFSET);
    }

    /**
     * True when the {@code length} bytes at {@code ipv6Offset} are an IPv6 packet whose next header is
     * ICMPv6, whose payload fits in them (trailing bytes allowed), holds at least type, code and
     * checksum, and whose checksum verifies (RFC 4443 §2.3). Never throws for offsets inside {@code buf}.
     */
    public static boolean isValid(ByteBuf buf, int ipv6Offset, int length) {
        if (length < Ipv6.HEADER_LENGTH || ipv6Offset < 0 || ipv6Offset + length > buf.capacity()) {
            return false;
        }
        int payload = Ipv6.payloadLength(buf, ipv6Offset);
        return Ipv6.version(buf, ipv6Offset) == 6
                && Ipv6.nextHeader(buf, ipv6Offset) == Ipv6.NEXT_HEADER_ICMPV6
                && payload >= MIN_LENGTH
                && Ipv6.HEADER_LENGTH + payload <= length
                && Checksum.verifies(buf, ipv6Offset);
    }

    /**
     * Whether RFC 4443 §2.4 (e) allows an error about the IPv6 packet from {@code ipv6Offset} to the
     * writer index of {@code packet}; see {@link Icmpv6Error#mayReportOn}.
     */
    public static boolean mayReportError(ByteBuf packet, int ipv6Offset) {
        return Icmpv6Error.mayReportOn(packet, ipv6Offset, packet.writerIndex() - ipv6Offset);
    }

    /**
     * A Destination Unreachable with {@code code} from {@code srcHi/srcLo} about the IPv6 packet in the
     * readable bytes of {@code invoking} (not released), in a new buffer from {@code alloc} that the
     * caller owns; null when RFC 4443 §2.4 (e) forbids the error. See {@link Icmpv6Error#appendUnreachable}.
     */
    public static ByteBuf destinationUnreachable(
            ByteBufAllocator alloc, ByteBuf invoking, int code, long srcHi, long srcLo) {
        int offset = invoking.readerIndex();
        int length = invoking.readableBytes();
        if (!Icmpv6Error.mayReportOn(invoking, offset, length)) {
            return null;
        }
        ByteBuf out = alloc.ioBuffer(Icmpv6Error.length(length));
        Icmpv6Error.appendUnreachable(out, code, srcHi, srcLo, invoking, offset, length);
        return out;
    }

    /**
     * Writes the checksum of the ICMPv6 message in the IPv6 packet at {@code ipv6Offset}, whose payload
     * length and addresses are already in place (RFC 4443 §2.3, pseudo-header of RFC 8200 §8.1).
     */
    public static void fillChecksum(ByteBuf buf, int ipv6Offset) {
        int at = ipv6Offset + Ipv6.HEADER_LENGTH + CHECKSUM_OFFSET;
        buf.setShort(at, 0);
        buf.setShort(at, Checksum.upperLayer(buf, ipv6Offset));
    }

    /**
     * Appends an Echo Request (RFC 4443 §4.1) with {@code dataLength} bytes of {@code data} from
     * {@code dataIndex} at the writer index and advances it. Returns the bytes written.
     */
    public static int appendEchoRequest(
            ByteBuf out,
            int hopLimit,
            long srcHi,
            long srcLo,
            long dstHi,
            long dstLo,
            int identifier,
            int sequence,
            ByteBuf data,
            int dataIndex,
            int dataLength) {
        return appendEcho(
                out,
                TYPE_ECHO_REQUEST,
                hopLimit,
                srcHi,
                srcLo,
                dstHi,
                dstLo,
                identifier,
                sequence,
                data,
                dataIndex,
                dataLength);
    }

    /** Appends an Echo Reply (RFC 4443 §4.2); as {@link #appendEchoRequest}. */
    public static int appendEchoReply(
            ByteBuf out,
            int hopLimit,
            long srcHi,
            long srcLo,
            long dstHi,
            long dstLo,
            int identifier,
            int sequence,
            ByteBuf data,
            int dataIndex,
            int dataLength) {
        return appendEcho(
                out,
                TYPE_ECHO_REPLY,
                hopLimit,
                srcHi,
                srcLo,
                dstHi,
                dstLo,
                identifier,
                sequence,
                data,
                dataIndex,
                dataLength);
    }

    /**
     * Appends the Echo Reply to the valid Echo Request at {@code ipv6Offset} (identifier, sequence and
     * data copied, RFC 4443 §4.2), sent from {@code srcHi/srcLo} back to the request's source.
     * Returns the bytes written.
     */
    public static int appendEchoReplyTo(
            ByteBuf out, ByteBuf request, int ipv6Offset, int hopLimit, long srcHi, long srcLo) {
        int icmp = ipv6Offset + Ipv6.HEADER_LENGTH;
        int dataLength = Ipv6.payloadLength(request, ipv6Offset) - HEADER_LENGTH;
        return appendEchoReply(
                out,
                hopLimit,
                srcHi,
                srcLo,
                Ipv6.srcHi(request, ipv6Offset),
                Ipv6.srcLo(request, ipv6Offset),
                echoIdentifier(request, icmp),
                echoSequence(request, icmp),
                request,
                icmp + ECHO_DATA_OFFSET,
                dataLength);
    }

    private static int appendEcho(
            ByteBuf out,
            int type,
            int hopLimit,
            long srcHi,
            long srcLo,
            long dstHi,
            long dstLo,
            int identifier,
            int sequence,
            ByteBuf data,
            int dataIndex,
            int dataLength) {
        int payload = HEADER_LENGTH + dataLength;
        if (dataLength < 0 || payload > 0xFFFF) {
            throw new IllegalArgumentException("echo data length " + dataLength);
        }
        int total = Ipv6.HEADER_LENGTH + payload;
        out.ensureWritable(total);
        int at = out.writerIndex();
        Ipv6.writeHeader(out, at, payload, Ipv6.NEXT_HEADER_ICMPV6, hopLimit, srcHi, srcLo, dstHi, dstLo);
        int icmp = at + Ipv6.HEADER_LENGTH;
        out.setByte(icmp + TYPE_OFFSET, type);
        out.setByte(icmp + CODE_OFFSET, 0);
        out.setShort(icmp + ECHO_ID_OFFSET, identifier);
        out.setShort(icmp + ECHO_SEQUENCE_OFFSET, sequence);
        out.setBytes(icmp + ECHO_DATA_OFFSET, data, dataIndex, dataLength);
        fillChecksum(out, at);
        out.writerIndex(at + total);
        return total;
    }
}
