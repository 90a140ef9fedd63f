package org.jmiredo.e2e;

import static org.jmiredo.e2e.server.TeredoPacketTool.ICMPV6;
import static org.jmiredo.e2e.server.TeredoPacketTool.echoRequest;
import static org.jmiredo.e2e.server.TeredoPacketTool.ipv6;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Crafted IPv6 packets from the native side towards a Teredo address, sent through a raw socket
 * ({@link HostileSender} {@code raw}): each is an echo request with one flaw (or, {@link #PACKET_TOO_BIG}, the
 * error a native router sends about the Teredo peer's packet). Whether the relay sees
 * one depends on where it starts: from another host, the forwarding kernel of the relay's host drops it
 * (RFC 4291 §2.7 multicast source, RFC 4007 scope of a link-local source, RFC 8200 hop limit, payload
 * length and MTU); from the relay's host itself the tunnel route hands it to the relay as it is.
 */
enum NativePacket {
    LINK_LOCAL_SOURCE,
    MULTICAST_SOURCE,
    PAYLOAD_LENGTH_LIE,
    NOT_VERSION_6,
    HOP_LIMIT_1,
    /** Fits the sender's link (MTU 1500) but not the tunnel (1280). */
    LARGER_THAN_THE_TUNNEL,
    /**
     * No flaw: an ICMPv6 Packet Too Big (RFC 4443 §3.2, MTU 1280) about a 1,400-byte echo request the
     * destination sent to the source, quoting as much of it as fits in 1,280 bytes (the tunnel's MTU).
     */
    PACKET_TOO_BIG;

    private static final int LARGE_ECHO_PAYLOAD = 1400;
    private static final int MIN_MTU = 1280;

    /** The packet from {@code source} (when its flaw is not the source) to {@code destination}. */
    byte[] bytes(byte[] source, byte[] destination) {
        byte[] packet =
                switch (this) {
                    case LINK_LOCAL_SOURCE -> ipv6(address("fe80::20"), destination, ICMPV6, echoRequest(16));
                    case MULTICAST_SOURCE -> ipv6(address("ff0e::1"), destination, ICMPV6, echoRequest(16));
                    case LARGER_THAN_THE_TUNNEL -> ipv6(source, destination, ICMPV6, echoRequest(LARGE_ECHO_PAYLOAD));
                    case PACKET_TOO_BIG -> ipv6(source, destination, ICMPV6, packetTooBig(destination, source));
                    default -> ipv6(source, destination, ICMPV6, echoRequest(16));
                };
        switch (this) {
            case PAYLOAD_LENGTH_LIE -> packet[5] = (byte) (packet[5] + 100); // 100 bytes more than there are
            case NOT_VERSION_6 -> packet[0] = 0x40;
            case HOP_LIMIT_1 -> packet[7] = 1;
            default -> {}
        }
        return packet;
    }

    /** The ICMPv6 message: type 2, code 0, the MTU, then the start of the packet {@code from} sent {@code to}. */
    private static byte[] packetTooBig(byte[] from, byte[] to) {
        byte[] quoted = ipv6(from, to, ICMPV6, echoRequest(LARGE_ECHO_PAYLOAD));
        int room = MIN_MTU - 40 - 8;
        return ByteBuffer.allocate(8 + room)
                .put((byte) 2)
                .put((byte) 0)
                .putShort((short) 0)
                .putInt(MIN_MTU)
                .put(quoted, 0, room)
                .array();
    }

    private static byte[] address(String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
