package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import org.jmiredo.proto.Bubble;
import org.jmiredo.proto.BubbleSource;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoAddress;

/**
 * The peers of a {@link HandshakeWarmUp} and the packets it makes for them: a native host's packet from the
 * tunnel to each, and each one's answer to our bubble, from the mapping its address embeds. Written into
 * slots of one buffer a round, as the live readers hand packets over.
 */
final class SyntheticPeers {
    /** Room for an 80-byte packet (the handshake benchmark's size) or a bubble. */
    static final int SLOT = 128;

    private static final int PACKET_LENGTH = 80;
    /**
     * Documentation addresses (RFC 5737 TEST-NET-1, RFC 3849), none of which the lab uses either: the
     * synthetic peers could not be real ones even if their packets left, which they never do.
     */
    private static final int SERVER = Ipv4.of(192, 0, 2, 1);

    private static final int MAPPED_NETWORK = Ipv4.of(192, 0, 2, 0);
    private static final long NATIVE_HI = 0x2001_0DB8_0000_0000L;
    private static final long NATIVE_LO = 1;
    private static final int FIRST_PORT = 1024;
    private static final int HOP_LIMIT = 64;

    /** The outer source of each answer of a round, as the ingress takes them beside the datagrams. */
    final int[] ipv4 = new int[HandshakeWarmUp.ROUND];

    final int[] port = new int[HandshakeWarmUp.ROUND];
    private final long peerHi;
    private final BubbleSource source;

    /** Peers of our {@code prefix} behind one server, answering the bubbles that {@code source} keys. */
    SyntheticPeers(int prefix, BubbleSource source) {
        this.peerHi = TeredoAddress.hi(prefix, SERVER);
        this.source = source;
    }

    /** A slot of the round's buffer, as the live readers hand them over: a slice holding its own reference. */
    static ByteBuf view(ByteBuf slots, int i) {
        slots.retain();
        return slots.slice(i * SLOT, SLOT).setIndex(0, 0);
    }

    ByteBuf tunnelPacket(ByteBuf slot, int peer) {
        Ipv6.writeHeader(
                slot,
                0,
                PACKET_LENGTH - Ipv6.HEADER_LENGTH,
                Ipv6.NEXT_HEADER_NONE,
                HOP_LIMIT,
                NATIVE_HI,
                NATIVE_LO,
                peerHi,
                peerLo(peer));
        return slot.setIndex(0, PACKET_LENGTH);
    }

    /** Peer {@code peer}'s answer to our bubble, datagram {@code i} of the read: from its embedded mapping. */
    ByteBuf replyBubble(ByteBuf slot, int i, int peer) {
        long lo = peerLo(peer);
        Bubble.write(slot, peerHi, lo, BubbleSource.LINK_LOCAL_HI, source.interfaceId(peerHi, lo));
        ipv4[i] = TeredoAddress.mappedIpv4(lo);
        port[i] = TeredoAddress.mappedPort(lo);
        return slot;
    }

    /**
     * Peer {@code peer}'s mapping: 192.0.2.0/24, ports from 1024; distinct for every peer below {@link
     * HandshakeWarmUp#MAX_PEERS}.
     */
    static long peerLo(int peer) {
        return TeredoAddress.lo(0, FIRST_PORT + (peer >>> 8), MAPPED_NETWORK | peer & 0xFF);
    }
}
