package org.jmiredo.e2e;

import static org.jmiredo.e2e.server.TeredoPacketTool.ICMPV6;
import static org.jmiredo.e2e.server.TeredoPacketTool.echoRequest;
import static org.jmiredo.e2e.server.TeredoPacketTool.ipv6;
import static org.jmiredo.e2e.server.TeredoPacketTool.teredoAddress;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Hostile and near-valid datagrams for our live client, each with where it comes from (its server's address
 * and port 3544, forged, or a stranger's own address) and the drop reason the client must count it under
 * ({@code null}: taken without a drop, e.g. a bubble from the server). The bytes are written here, not with the
 * production codec under test.
 */
enum ClientHostileDatagram {
    /** The server's indirect bubble naming a private origin: taken, no bubble to it (R-5.2.4-g4). */
    SERVER_BUBBLE_PRIVATE_ORIGIN(true, null),
    /** The same with origin port 0. */
    SERVER_BUBBLE_ORIGIN_PORT_0(true, null),
    /** An origin indication and nothing after it. */
    SERVER_ORIGIN_ONLY(true, "not_teredo"),
    /** An RA with an authentication header whose nonce is not ours (R-5.2.1-drop). */
    SERVER_RA_WRONG_NONCE(true, "invalid_router_advertisement"),
    /** An RA from a stranger's port 3544: not our server. */
    STRANGER_RA(false, "invalid_router_advertisement"),
    /** Data from a Teredo address whose embedded port is not the sender's (R-5.2.3-c3). */
    SPOOFED_MAPPING(false, "mapping_mismatch"),
    /** A bubble from such an address, to our address. */
    SPOOFED_MAPPING_BUBBLE(false, "mapping_mismatch"),
    /** A bubble from such an address to a link-local address we never used as a bubble source (M15). */
    SPOOFED_MAPPING_BUBBLE_GUESSED_SOURCE(false, "mapping_mismatch"),
    /** Data claiming our own address as source. */
    OUR_OWN_SOURCE(false, "mapping_mismatch"),
    LINK_LOCAL_SOURCE(false, "not_global_scope"),
    UNSPECIFIED_SOURCE(false, "not_global_scope"),
    IPV4_MAPPED_SOURCE(false, "not_global_scope"),
    /** Data for a native address: the client serves its own address only (R-5.2.3-dst). */
    OTHER_DESTINATION(false, "destination_not_served"),
    TRUNCATED_IPV6_HEADER(false, "malformed_ipv6"),
    PAYLOAD_LENGTH_LIE(false, "malformed_ipv6"),
    AUTH_ABSURD_LENGTHS(false, "malformed_teredo"),
    /** Larger than a receive slot (1,500 bytes): cut by the kernel, counted. */
    LARGER_THAN_A_RECEIVE_SLOT(false, "udp_truncated");

    private static final int NO_NEXT_HEADER = 59;
    /** Type 134, code 0, checksum (filled in), hop limit 64, no flags, lifetime 1800 s, reachable 0, retrans 0. */
    private static final byte[] ROUTER_ADVERTISEMENT = {(byte) 134, 0, 0, 0, 64, 0, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0};
    /** ::ffff:198.51.100.50. */
    private static final byte[] IPV4_MAPPED = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 198, 51, 100, 50
    };
    /** 2001:db8:6::20, the lab's native host. */
    private static final byte[] NATIVE_HOST = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20};

    /** Where the datagrams come from and go to. */
    record Context(byte[] serverIpv4, byte[] clientTeredo, byte[] strangerIpv4, int strangerPort) {
        byte[] strangerTeredo() {
            return teredoAddress(serverIpv4, strangerIpv4, strangerPort);
        }

        byte[] spoofedTeredo() {
            return teredoAddress(serverIpv4, strangerIpv4, strangerPort + 1);
        }
    }

    final boolean fromServer;
    final String reason;

    ClientHostileDatagram(boolean fromServer, String reason) {
        this.fromServer = fromServer;
        this.reason = reason;
    }

    byte[] bytes(Context c) {
        byte[] me = c.clientTeredo();
        byte[] stranger = c.strangerTeredo();
        byte[] echo = ipv6(stranger, me, ICMPV6, echoRequest(16));
        return switch (this) {
            case SERVER_BUBBLE_PRIVATE_ORIGIN -> concat(origin(new byte[] {10, 1, 2, 3}, 7779), bubble(stranger, me));
            case SERVER_BUBBLE_ORIGIN_PORT_0 -> concat(origin(c.strangerIpv4(), 0), bubble(stranger, me));
            case SERVER_ORIGIN_ONLY -> origin(c.strangerIpv4(), 7780);
            case SERVER_RA_WRONG_NONCE, STRANGER_RA ->
                concat(
                        auth(),
                        concat(
                                origin(c.strangerIpv4(), 7781),
                                ipv6(address(0xfe80, 1), address(0xfe80, 2), ICMPV6, ROUTER_ADVERTISEMENT)));
            case SPOOFED_MAPPING -> ipv6(c.spoofedTeredo(), me, ICMPV6, echoRequest(16));
            case SPOOFED_MAPPING_BUBBLE -> bubble(c.spoofedTeredo(), me);
            case SPOOFED_MAPPING_BUBBLE_GUESSED_SOURCE -> bubble(c.spoofedTeredo(), address(0xfe80, 0x43));
            case OUR_OWN_SOURCE -> ipv6(me, me, ICMPV6, echoRequest(16));
            case LINK_LOCAL_SOURCE -> ipv6(address(0xfe80, 1), me, ICMPV6, echoRequest(16));
            case UNSPECIFIED_SOURCE -> ipv6(new byte[16], me, ICMPV6, echoRequest(16));
            case IPV4_MAPPED_SOURCE -> ipv6(IPV4_MAPPED, me, ICMPV6, echoRequest(16));
            case OTHER_DESTINATION -> ipv6(stranger, NATIVE_HOST, ICMPV6, echoRequest(16));
            case TRUNCATED_IPV6_HEADER -> Arrays.copyOf(echo, 39);
            case PAYLOAD_LENGTH_LIE -> MalformedDatagram.withPayloadLength(echo, 1000);
            // ID-len and AU-len of 255 each: 523 bytes of header announced, far more than sent.
            case AUTH_ABSURD_LENGTHS ->
                concat(new byte[] {0, 1, (byte) 255, (byte) 255, 1, 2, 3, 4, 5, 6, 7, 8, 0}, echo);
            case LARGER_THAN_A_RECEIVE_SLOT -> ipv6(stranger, me, ICMPV6, echoRequest(1960));
        };
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        return MalformedDatagram.concat(head, tail);
    }

    private static byte[] address(int firstGroup, int last) {
        return MalformedDatagram.address(firstGroup, last);
    }

    /** A bare IPv6 header, no next header, payload length 0 (RFC 4380 §2.8). */
    private static byte[] bubble(byte[] src, byte[] dst) {
        return ipv6(src, dst, NO_NEXT_HEADER, new byte[0]);
    }

    /** RFC 4380 §5.1.1: the origin indication, port and IPv4 bit-inverted. */
    private static byte[] origin(byte[] ipv4, int port) {
        ByteBuffer b = ByteBuffer.allocate(8).putShort((short) 0).putShort((short) ~port);
        for (byte octet : ipv4) {
            b.put((byte) ~octet);
        }
        return b.array();
    }

    /** An authentication header without identifier or value, a nonce nobody asked for, confirmation 0. */
    private static byte[] auth() {
        return new byte[] {0, 1, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88, 0};
    }
}
