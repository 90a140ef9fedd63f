package org.jmiredo.tun.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.tun.offload.OffloadPackets.TCP_HEADER;
import static org.jmiredo.tun.offload.OffloadPackets.payload;
import static org.jmiredo.tun.offload.OffloadPackets.read;
import static org.jmiredo.tun.offload.OffloadPackets.superPacket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterTry;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.testing.TrackingAllocator;
import org.jmiredo.tun.TunReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reads with a virtio header: plain, partial checksum, TCP and UDP super-packets, and broken metadata. */
class VirtioReaderTest {
    static final int HEADROOM = 8;
    static final int MTU = 1280;

    final TrackingAllocator allocator = new TrackingAllocator();
    final Collected sink = new Collected();
    final VirtioReader reader = new VirtioReader(allocator, HEADROOM, MTU);

    // jqwik shares one instance between the tries of a property: clean up after each try, and after each
    // JUnit test.
    @AfterTry
    @AfterEach
    void released() {
        sink.packets.forEach(ByteBuf::release);
        sink.packets.clear();
        sink.drops.clear();
        allocator.assertAllReleased();
    }

    /** Split then reassembled gives the original payload; each segment is a valid packet within the MTU. */
    @Property(tries = 300)
    void tcpSuperPacketSplitsIntoValidContiguousSegments(
            @ForAll @IntRange(max = 65_000) int payloadLength,
            @ForAll @IntRange(min = 1, max = MTU - 40 - TCP_HEADER) int gsoSize,
            @ForAll long seq,
            @ForAll @IntRange(max = 255) int tcpFlags) {
        byte[] data = payload(payloadLength, payloadLength);
        ByteBuf packet = superPacket(GsoSplitter.TCP, data, seq & 0xFFFF_FFFFL, tcpFlags);
        ByteBuf read = read(packet, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV6, gsoSize, 40, 16);
        try {
            int delivered = reader.deliver(read, 0, read.readableBytes(), sink);
            int expected = Math.max(1, (payloadLength + gsoSize - 1) / gsoSize);
            assertThat(delivered).isEqualTo(expected);
            assertThat(sink.packets).hasSize(expected);
            ByteArrayOutputStream reassembled = new ByteArrayOutputStream();
            long nextSeq = seq & 0xFFFF_FFFFL;
            for (int i = 0; i < expected; i++) {
                ByteBuf s = sink.packets.get(i);
                int at = s.readerIndex();
                assertThat(at).isEqualTo(HEADROOM);
                assertThat(s.readableBytes()).isLessThanOrEqualTo(MTU);
                assertThat(Ipv6.payloadLength(s, at)).isEqualTo(s.readableBytes() - 40);
                assertThat(Checksum.verifies(s, at))
                        .as("segment %d checksum", i)
                        .isTrue();
                assertThat(s.getUnsignedInt(at + 44)).isEqualTo(nextSeq);
                int flags = s.getUnsignedByte(at + 53);
                int expectedFlags = tcpFlags
                        & ~(i > 0 ? GsoSplitter.TCP_CWR : 0)
                        & ~(i < expected - 1 ? GsoSplitter.TCP_FIN | GsoSplitter.TCP_PSH : 0);
                assertThat(flags).isEqualTo(expectedFlags);
                assertThat(ByteBufUtil.getBytes(s, at, 40 + TCP_HEADER))
                        .startsWith(ByteBufUtil.getBytes(packet, 0, 4)); // version, class, flow label kept
                int size = s.readableBytes() - 40 - TCP_HEADER;
                reassembled.writeBytes(ByteBufUtil.getBytes(s, at + 40 + TCP_HEADER, size));
                nextSeq = (nextSeq + size) & 0xFFFF_FFFFL;
            }
            assertThat(reassembled.toByteArray()).isEqualTo(data);
        } finally {
            packet.release();
            read.release();
        }
    }

    @Property(tries = 200)
    void udpSuperPacketSplitsIntoDatagrams(
            @ForAll @IntRange(min = 1, max = 30_000) int payloadLength,
            @ForAll @IntRange(min = 1, max = MTU - 48) int gsoSize) {
        byte[] data = payload(payloadLength, 7);
        ByteBuf packet = superPacket(GsoSplitter.UDP, data, 0, 0);
        ByteBuf read = read(packet, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_UDP_L4, gsoSize, 40, 6);
        try {
            reader.deliver(read, 0, read.readableBytes(), sink);
            ByteArrayOutputStream reassembled = new ByteArrayOutputStream();
            for (ByteBuf s : sink.packets) {
                int at = s.readerIndex();
                assertThat(s.readableBytes()).isLessThanOrEqualTo(Math.min(MTU, 48 + gsoSize));
                assertThat(s.getUnsignedShort(at + 44)).isEqualTo(s.readableBytes() - 40); // UDP length
                assertThat(Checksum.verifies(s, at)).isTrue();
                assertThat(s.getUnsignedShort(at + 46)).isNotZero(); // zero means "no checksum": not in IPv6
                reassembled.writeBytes(ByteBufUtil.getBytes(s, at + 48, s.readableBytes() - 48));
            }
            assertThat(reassembled.toByteArray()).isEqualTo(data);
        } finally {
            packet.release();
            read.release();
        }
    }

    /** NEEDS_CSUM without GSO: the checksum is completed, the packet otherwise unchanged. */
    @Property(tries = 200)
    void partialChecksumIsCompleted(
            @ForAll @IntRange(max = MTU - 40 - TCP_HEADER) int payloadLength, @ForAll boolean tcp) {
        int protocol = tcp ? GsoSplitter.TCP : GsoSplitter.UDP;
        ByteBuf packet = superPacket(protocol, payload(payloadLength, 3), 99, 0x18);
        ByteBuf read = read(packet, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 40, tcp ? 16 : 6);
        try {
            assertThat(reader.deliver(read, 0, read.readableBytes(), sink)).isEqualTo(1);
            ByteBuf s = sink.packets.getFirst();
            assertThat(Checksum.verifies(s, s.readerIndex())).isTrue();
            int checksumAt = 40 + (tcp ? 16 : 6);
            s.setShort(s.readerIndex() + checksumAt, packet.getShort(checksumAt));
            assertThat(ByteBufUtil.equals(s, packet)).isTrue();
        } finally {
            packet.release();
            read.release();
        }
    }

    /** A plain read (zero header) is delivered byte for byte, even a packet that is not valid IPv6. */
    @Test
    void plainPacketIsDeliveredAsIs() {
        ByteBuf packet = superPacket(GsoSplitter.TCP, payload(100, 1), 1, 0x10);
        packet.setShort(56, 0x1234); // any checksum: not ours to check
        ByteBuf read = read(packet, 0, 0, 0, 0, 0);
        try {
            assertThat(reader.deliver(read, 0, read.readableBytes(), sink)).isEqualTo(1);
            assertThat(sink.packets.getFirst().readerIndex()).isEqualTo(HEADROOM);
            assertThat(ByteBufUtil.equals(sink.packets.getFirst(), packet)).isTrue();
        } finally {
            packet.release();
            read.release();
        }
    }

    @Test
    void brokenMetadataIsDroppedByReason() {
        ByteBuf small = superPacket(GsoSplitter.TCP, payload(100, 1), 1, 0x10);
        ByteBuf tcp = superPacket(GsoSplitter.TCP, payload(3000, 1), 1, 0x10);
        ByteBuf withExtension = superPacket(GsoSplitter.TCP, payload(3000, 1), 1, 0x10);
        withExtension.setByte(6, 0); // hop-by-hop options before TCP
        List<ByteBuf> reads = List.of(
                read(small, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 40, 200), // field outside
                read(small, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 20, 16), // in IPv6 header
                read(tcp, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV6, 0, 40, 16), // gso_size 0
                read(tcp.copy(0, 1000), VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV6, 1000, 40, 16),
                read(tcp, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4, 1000, 40, 16),
                read(tcp, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_UDP_L4, 1000, 40, 6), // not UDP
                read(withExtension, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV6, 1000, 40, 16),
                read(tcp, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV6, 1300, 40, 16), // > MTU
                read(tcp, 0, 0, 0, 0, 0)); // plain but larger than the MTU
        try {
            for (ByteBuf r : reads) {
                assertThat(reader.deliver(r, 0, r.readableBytes(), sink)).isEqualTo(1);
            }
            assertThat(reader.deliver(reads.getFirst(), 0, 9, sink)).isEqualTo(1); // shorter than the header
            assertThat(sink.packets).isEmpty();
            assertThat(sink.drops)
                    .containsExactly(
                            "malformed",
                            "malformed",
                            "malformed",
                            "malformed",
                            "unsupported",
                            "unsupported",
                            "unsupported",
                            "oversized",
                            "oversized",
                            "malformed");
        } finally {
            reads.forEach(ByteBuf::release);
            small.release();
            tcp.release();
            withExtension.release();
        }
    }

    /** What the write side declares with setSegmented is what the read side (the kernel's view) splits. */
    @Property(tries = 200)
    void segmentedHeaderDescribesTheSuperPacket(
            @ForAll @IntRange(max = 20_000) int payloadLength,
            @ForAll @IntRange(min = 1, max = MTU - 48 - TCP_HEADER) int segmentSize,
            @ForAll boolean tcp) {
        int protocol = tcp ? GsoSplitter.TCP : GsoSplitter.UDP;
        ByteBuf packet = superPacket(protocol, payload(payloadLength, 5), 1000, 0x98);
        ByteBuf read = read(packet, 0, 0, 0, 0, 0);
        try {
            assertThat(VirtioNetHeader.setSegmented(read, 0, packet, 0, packet.readableBytes(), protocol, segmentSize))
                    .isTrue();
            boolean gso = payloadLength > segmentSize;
            assertThat(VirtioNetHeader.gsoType(read, 0))
                    .isEqualTo(
                            !gso
                                    ? VirtioNetHeader.GSO_NONE
                                    : tcp
                                            ? VirtioNetHeader.GSO_TCPV6 | VirtioNetHeader.GSO_ECN
                                            : VirtioNetHeader.GSO_UDP_L4);
            assertThat(VirtioNetHeader.hdrLen(read, 0)).isEqualTo(40 + (tcp ? TCP_HEADER : 8));
            reader.deliver(read, 0, read.readableBytes(), sink);
            assertThat(sink.packets).hasSize(Math.max(1, (payloadLength + segmentSize - 1) / segmentSize));
            assertThat(sink.packets).allMatch(s -> Checksum.verifies(s, s.readerIndex()));
        } finally {
            packet.release();
            read.release();
        }
    }

    /**
     * Any header over a super-packet that may be cut short, have a byte changed, or be random bytes: the
     * read is delivered as packets within the MTU or dropped and counted once, and never throws.
     */
    @Property(tries = 500)
    void anyMetadataIsDeliveredOrDroppedOnceAndNeverThrows(@ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        int[] gsoTypes = {
            VirtioNetHeader.GSO_NONE,
            VirtioNetHeader.GSO_TCPV4,
            VirtioNetHeader.GSO_UDP,
            VirtioNetHeader.GSO_TCPV6,
            VirtioNetHeader.GSO_TCPV6 | VirtioNetHeader.GSO_ECN,
            VirtioNetHeader.GSO_UDP_L4,
            random.nextInt(256)
        };
        boolean tcp = random.nextBoolean();
        ByteBuf packet =
                superPacket(tcp ? GsoSplitter.TCP : GsoSplitter.UDP, payload(random.nextInt(4000), 3), 7, 0x10);
        int length = random.nextInt(4) == 0 ? random.nextInt(packet.readableBytes() + 1) : packet.readableBytes();
        for (int n = random.nextInt(3); n > 0 && length > 0; n--) {
            int at = random.nextInt(Math.min(length, 80));
            packet.setByte(at, random.nextInt(256));
        }
        packet.writerIndex(length);
        int[] sizes = {0, 1, 7, 500, 1200, 1300, 0xFFFF, random.nextInt(0x10000)};
        ByteBuf read = read(
                packet,
                random.nextInt(4),
                gsoTypes[random.nextInt(gsoTypes.length)],
                sizes[random.nextInt(sizes.length)],
                random.nextInt(4) == 0 ? random.nextInt(0x10000) : 40,
                random.nextInt(4) == 0 ? random.nextInt(0x10000) : tcp ? 16 : 6);
        try {
            int readLength = random.nextInt(8) == 0 ? random.nextInt(read.readableBytes() + 1) : read.readableBytes();
            int handled = reader.deliver(read, 0, readLength, sink);
            if (sink.packets.isEmpty()) {
                assertThat(handled).isEqualTo(1);
                assertThat(sink.drops).hasSize(1);
            } else {
                assertThat(handled).isEqualTo(sink.packets.size());
                assertThat(sink.drops).isEmpty();
                assertThat(sink.packets).allMatch(p -> p.readableBytes() <= MTU);
            }
        } finally {
            packet.release();
            read.release();
        }
    }

    static final class Collected implements TunReceiver {
        final List<ByteBuf> packets = new ArrayList<>();
        final List<String> drops = new ArrayList<>();

        @Override
        public void packetRead(ByteBuf packet) {
            packets.add(packet);
        }

        @Override
        public void readComplete() {}

        @Override
        public void oversizedPacketDropped() {
            drops.add("oversized");
        }

        @Override
        public void offloadDropped(OffloadDrop reason) {
            drops.add(reason.name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
