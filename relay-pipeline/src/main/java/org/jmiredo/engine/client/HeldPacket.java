package org.jmiredo.engine.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jmiredo.peer.QueueCharge;
import org.jmiredo.proto.Ipv6;

/**
 * A packet from a native host held in the peer's queue while the echo test towards that host runs (RFC 4380
 * §5.2.3 case 6, as Miredo: one queue per peer for both directions). It may enter the tunnel only if the test
 * passes through the same IPv4/port the packet came from, so the copy carries them in front of the IPv6
 * packet: {@value #HEADER_LENGTH} bytes, a zero byte (never the first byte of an IPv6 packet, whose version
 * nibble is 6: the tunnel's packets in the same queue start with it), a zero byte, the port, the IPv4.
 */
final class HeldPacket {
    static final int HEADER_LENGTH = 8;
    private static final int PORT_OFFSET = 2;
    private static final int IPV4_OFFSET = 4;

    private HeldPacket() {}

    /** A pooled copy of {@code length} bytes of {@code buf} from {@code at}, marked as from {@code ipv4:port}. */
    static ByteBuf copy(ByteBufAllocator alloc, ByteBuf buf, int at, int length, int ipv4, int port) {
        int size = HEADER_LENGTH + length;
        ByteBuf held = QueueCharge.allocate(alloc, size); // the queue charges its slot
        held.writeShort(0).writeShort(port).writeInt(ipv4);
        held.writeBytes(buf, at, length);
        return held;
    }

    /** True for a copy made by {@link #copy}; false for a packet from the tunnel. */
    static boolean isHeld(ByteBuf packet) {
        return packet.getByte(packet.readerIndex()) == 0;
    }

    /** Whether the held packet came from {@code ipv4:port}. */
    static boolean cameFrom(ByteBuf held, int ipv4, int port) {
        int at = held.readerIndex();
        return held.getInt(at + IPV4_OFFSET) == ipv4 && held.getUnsignedShort(at + PORT_OFFSET) == port;
    }

    /** The destination of the IPv6 packet inside: high and low 64 bits. */
    static long dstHi(ByteBuf held) {
        return Ipv6.dstHi(held, held.readerIndex() + HEADER_LENGTH);
    }

    static long dstLo(ByteBuf held) {
        return Ipv6.dstLo(held, held.readerIndex() + HEADER_LENGTH);
    }

    /** The IPv6 packet inside, from index 0 as every other packet for the tunnel; takes over {@code held}. */
    static ByteBuf packet(ByteBuf held) {
        ByteBuf packet = held.retainedSlice(held.readerIndex() + HEADER_LENGTH, held.readableBytes() - HEADER_LENGTH);
        held.release();
        return packet;
    }
}
