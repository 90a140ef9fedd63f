package org.jmiredo.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.EnumSet;
import java.util.Set;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.tun.MemoryTun;
import org.jmiredo.tun.TunReceiver;
import org.jmiredo.tun.offload.GsoSplitter;
import org.jmiredo.tun.offload.VirtioNetHeader;
import org.jmiredo.tun.offload.VirtioReader;

/**
 * Reads of a TUN opened with {@code IFF_VNET_HDR} ({@code tun.offload = auto}): a virtio header, then a
 * packet or a GSO super-packet. Built as the kernel writes them (a TCP or UDP super-packet whose header
 * asks for segmentation, a partial checksum), then fuzzed (any header, cut short), and handed to the
 * receiver the way the Linux queue's reader does: a plain packet that fits in its own buffer, the rest
 * through {@link VirtioReader#deliver}.
 */
final class VirtioReads {
    /** The drops a read may end in before any packet reaches the rules. */
    static final Set<DropReason> READ_DROPS =
            EnumSet.of(DropReason.TUN_OVERSIZED, DropReason.TUN_OFFLOAD_MALFORMED, DropReason.TUN_OFFLOAD_UNSUPPORTED);

    private VirtioReads() {}

    /** The read that carries {@code packet} (released here): its IPv6 addresses, maybe grown into a super-packet. */
    static ByteBuf read(FuzzedDataProvider data, ByteBuf packet) {
        ByteBuf read = Unpooled.buffer(VirtioNetHeader.LENGTH + packet.readableBytes());
        read.writeZero(VirtioNetHeader.LENGTH);
        int at = VirtioNetHeader.LENGTH;
        switch (data.consumeInt(0, 4)) {
            case 0, 1 -> read.writeBytes(packet); // plain, checksum complete: the header stays zero
            case 2 -> {
                read.writeBytes(packet);
                VirtioNetHeader.set(
                        read,
                        0,
                        VirtioNetHeader.F_NEEDS_CSUM,
                        VirtioNetHeader.GSO_NONE,
                        0,
                        0,
                        data.consumeBoolean() ? Ipv6.HEADER_LENGTH : data.consumeInt(0, 0xFFFF),
                        data.consumeBoolean() ? 16 : data.consumeInt(0, 0xFFFF));
            }
            case 3 -> superPacket(data, packet, read, at);
            default -> {
                read.writeBytes(packet);
                VirtioNetHeader.set(
                        read,
                        0,
                        data.consumeInt(0, 255),
                        data.consumeInt(0, 255),
                        data.consumeInt(0, 0xFFFF),
                        data.consumeInt(0, 0xFFFF),
                        data.consumeInt(0, 0xFFFF),
                        data.consumeInt(0, 0xFFFF));
            }
        }
        packet.release();
        if (data.consumeInt(0, 15) == 0) {
            read.writerIndex(data.consumeInt(0, read.writerIndex())); // a short read, even of the header
        }
        return read;
    }

    /** A TCP or UDP super-packet from the addresses of {@code packet}, as a host's stack hands it over. */
    private static void superPacket(FuzzedDataProvider data, ByteBuf packet, ByteBuf read, int at) {
        int protocol = data.consumeBoolean() ? GsoSplitter.TCP : GsoSplitter.UDP;
        read.writeBytes(packet, packet.readerIndex(), Math.min(Ipv6.HEADER_LENGTH, packet.readableBytes()));
        read.writeZero(at + Ipv6.HEADER_LENGTH - read.writerIndex());
        read.setByte(at, 0x60);
        read.setByte(at + 6, protocol);
        if (protocol == GsoSplitter.TCP) {
            int dataOffset = data.consumeInt(0, 15) == 0 ? data.consumeInt(0, 15) : 5 + data.consumeInt(0, 2);
            read.writeInt(data.consumeInt())
                    .writeInt(data.consumeInt())
                    .writeInt(data.consumeInt())
                    .writeByte(dataOffset << 4)
                    .writeByte(data.consumeInt(0, 255))
                    .writeZero(6 + 4 * data.consumeInt(0, 2));
        } else {
            read.writeInt(data.consumeInt()).writeZero(4);
        }
        read.writeBytes(data.consumeBytes(data.consumeInt(0, 6000)));
        int length = read.writerIndex() - at;
        read.setShort(
                at + Ipv6.PAYLOAD_LENGTH_OFFSET,
                data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 0xFFFF) : length - Ipv6.HEADER_LENGTH);
        if (!VirtioNetHeader.setSegmented(read, 0, read, at, length, protocol, data.consumeInt(1, 1400))) {
            VirtioNetHeader.set(
                    read,
                    0,
                    VirtioNetHeader.F_NEEDS_CSUM,
                    protocol == GsoSplitter.TCP ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_UDP_L4,
                    0,
                    data.consumeInt(0, 1400),
                    Ipv6.HEADER_LENGTH,
                    6);
        }
    }

    /**
     * Hands {@code read} (released here) to {@code sink} as the Linux queue's reader does: a plain packet
     * that fits the MTU in a buffer of its own, with the queue's headroom; anything else cut by
     * {@link VirtioReader#deliver}.
     */
    static void deliver(VirtioReader reader, ByteBuf read, ByteBufAllocator alloc, TunReceiver sink) {
        try {
            int packetLength = read.readableBytes() - VirtioNetHeader.LENGTH;
            if (packetLength >= 0 && reader.fitsInPlace(read, 0, packetLength)) {
                ByteBuf own = alloc.directBuffer(MemoryTun.HEADROOM + packetLength);
                own.setIndex(MemoryTun.HEADROOM, MemoryTun.HEADROOM)
                        .writeBytes(read, VirtioNetHeader.LENGTH, packetLength);
                if (!reader.deliverInPlace(read, 0, own, sink)) {
                    own.release(); // refused: still the reader's
                }
            } else {
                reader.deliver(read, 0, read.readableBytes(), sink);
            }
        } finally {
            read.release();
        }
    }

    /**
     * Checks what one read came to, from the counters' changes {@code d} ({@link Counts}): packets handed
     * to the rules, or exactly one read drop. Returns the packets handed on.
     */
    static long packetsOf(long[] d) {
        long packets = d[Counts.c(Counter.TUN_RX_PACKETS)];
        long readDrops = Counts.drops(d, READ_DROPS);
        RelayScenario.check(
                readDrops <= 1 && (packets > 0) != (readDrops == 1),
                "one read: " + packets + " packets, " + readDrops + " read drops");
        return packets;
    }
}
