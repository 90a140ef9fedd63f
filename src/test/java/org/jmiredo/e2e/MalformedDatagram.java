package org.jmiredo.e2e;

import static org.jmiredo.e2e.server.TeredoPacketTool.ICMPV6;
import static org.jmiredo.e2e.server.TeredoPacketTool.echoRequest;
import static org.jmiredo.e2e.server.TeredoPacketTool.ipv6;
import static org.jmiredo.e2e.server.TeredoPacketTool.teredoAddress;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Garbage and near-valid datagrams for the live relay, each with the drop reason the relay must count it
 * under (the {@code reason} label of {@code jmiredo_dropped_packets_total}). All but {@link #PRIVATE_SOURCE}
 * come from one public source whose Teredo address would be accepted, so each case fails on the one
 * flaw it has. The bytes are written here, not with the production codec under test.
 */
enum MalformedDatagram {
    EMPTY("not_teredo"),
    ONE_BYTE_VERSION_6("malformed_ipv6"),
    TRUNCATED_IPV6_HEADER("malformed_ipv6"),
    PAYLOAD_LENGTH_LIE("malformed_ipv6"),
    NOT_IPV6("not_teredo"),
    AUTH_TRUNCATED("malformed_teredo"),
    AUTH_ABSURD_LENGTHS("malformed_teredo"),
    ORIGIN_TRUNCATED("malformed_teredo"),
    ORIGIN_THEN_GARBAGE("not_teredo"),
    SOURCE_NOT_TEREDO("source_not_teredo"),
    SPOOFED_MAPPING("mapping_mismatch"),
    SPOOFED_MAPPING_BUBBLE("mapping_mismatch"),
    MULTICAST_DESTINATION("multicast"),
    TEREDO_DESTINATION("destination_not_served"),
    LINK_LOCAL_DESTINATION("destination_not_served"),
    BUBBLE_WITH_EXTENSION_HEADER("destination_not_served"),
    LARGER_THAN_A_RECEIVE_SLOT("udp_truncated"),
    PRIVATE_SOURCE("non_global_source");

    private static final int NO_NEXT_HEADER = 59;
    private static final int HOP_BY_HOP = 0;

    /** Where the datagrams come from and go to: the sender's Teredo identity and a native destination. */
    record Context(byte[] serverIpv4, byte[] localIpv4, int localPort, byte[] nativeDestination) {
        byte[] teredoSource() {
            return teredoAddress(serverIpv4, localIpv4, localPort);
        }

        /** A Teredo address whose embedded port is not the sender's: a spoofed client address. */
        byte[] spoofedSource() {
            return teredoAddress(serverIpv4, localIpv4, localPort + 1);
        }
    }

    final String reason;

    MalformedDatagram(String reason) {
        this.reason = reason;
    }

    byte[] bytes(Context c) {
        byte[] echo = ipv6(c.teredoSource(), c.nativeDestination(), ICMPV6, echoRequest(16));
        return switch (this) {
            case EMPTY -> new byte[0];
            case ONE_BYTE_VERSION_6 -> new byte[] {0x60};
            case TRUNCATED_IPV6_HEADER -> Arrays.copyOf(echo, 39);
            case PAYLOAD_LENGTH_LIE -> withPayloadLength(echo, 1000);
            case NOT_IPV6 -> ByteBuffer.allocate(28).putInt(0x4500_001c).array();
            // RFC 4380 section 5.1.1: 13 fixed bytes; these stop after 10.
            case AUTH_TRUNCATED -> new byte[] {0, 1, 0, 0, 1, 2, 3, 4, 5, 6};
            // ID-len and AU-len of 255 each: 523 bytes of header announced, far more than sent.
            case AUTH_ABSURD_LENGTHS ->
                concat(new byte[] {0, 1, (byte) 255, (byte) 255, 1, 2, 3, 4, 5, 6, 7, 8, 0}, echo);
            case ORIGIN_TRUNCATED -> new byte[] {0, 0, 0x12, 0x34};
            case ORIGIN_THEN_GARBAGE ->
                concat(
                        new byte[] {0, 0, 1, 2, 3, 4, 5, 6},
                        "Garbage, not IPv6".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            case SOURCE_NOT_TEREDO -> ipv6(c.nativeDestination(), c.nativeDestination(), ICMPV6, echoRequest(16));
            case SPOOFED_MAPPING -> ipv6(c.spoofedSource(), c.nativeDestination(), ICMPV6, echoRequest(16));
            case SPOOFED_MAPPING_BUBBLE -> ipv6(c.spoofedSource(), c.spoofedSource(), NO_NEXT_HEADER, new byte[0]);
            case MULTICAST_DESTINATION -> ipv6(c.teredoSource(), address(0xff02, 1), ICMPV6, echoRequest(16));
            case TEREDO_DESTINATION -> ipv6(c.teredoSource(), c.spoofedSource(), ICMPV6, echoRequest(16));
            case LINK_LOCAL_DESTINATION -> ipv6(c.teredoSource(), address(0xfe80, 1), ICMPV6, echoRequest(16));
            // A bubble (RFC 4380 section 2.8) is a bare header; with a hop-by-hop header it is data,
            // and data towards a Teredo address is not relayed.
            case BUBBLE_WITH_EXTENSION_HEADER ->
                ipv6(c.teredoSource(), c.spoofedSource(), HOP_BY_HOP, new byte[] {NO_NEXT_HEADER, 0, 1, 4, 0, 0, 0, 0});
            case LARGER_THAN_A_RECEIVE_SLOT -> ipv6(c.teredoSource(), c.nativeDestination(), ICMPV6, echoRequest(1960));
            case PRIVATE_SOURCE -> echo;
        };
    }

    static byte[] withPayloadLength(byte[] packet, int length) {
        byte[] copy = packet.clone();
        copy[4] = (byte) (length >>> 8);
        copy[5] = (byte) length;
        return copy;
    }

    static byte[] address(int firstGroup, int last) {
        byte[] a = new byte[16];
        a[0] = (byte) (firstGroup >>> 8);
        a[1] = (byte) firstGroup;
        a[15] = (byte) last;
        return a;
    }

    static byte[] concat(byte[] head, byte[] tail) {
        byte[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
