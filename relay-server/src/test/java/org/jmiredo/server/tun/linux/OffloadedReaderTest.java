package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.unix.FileDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.tun.offload.VirtioNetHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scattering read, byte-exact, on a real fd: a non-blocking pipe stands in for the TUN (one write is one
 * read), so each case can hand it exactly the read the kernel would, or one it never should. The real
 * device is {@link OffloadedTunReadTest}. Every buffer comes from an allocator whose live direct memory is
 * checked to be zero at the end: nothing leaks, whatever the read.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OffloadedReaderTest {
    private static final int HEADROOM = 8;
    private static final int MTU = 1280;

    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);
    private final RecordingReceiver receiver = new RecordingReceiver(null);
    private TestPipe pipe;
    private FileDescriptor in;
    private FileDescriptor out;
    private OffloadedReader reader;

    @BeforeEach
    void pipe() throws IOException {
        pipe = new TestPipe();
        in = pipe.in;
        out = pipe.out;
        reader = new OffloadedReader(in.intValue(), allocator, HEADROOM, MTU);
    }

    @AfterEach
    void nothingLeaks() throws IOException {
        reader.close();
        pipe.close();
        assertThat(allocator.metric().usedDirectMemory())
                .as("direct memory still held")
                .isZero();
    }

    @Test
    void aPlainPacketIsHandedOnInTheBufferItWasReadIntoWithItsChecksumCompleted() throws Exception {
        ByteBuf packet = Packets.udp(new byte[52]);
        send(Packets.partialChecksumHeader(), packet);

        assertThat(reader.read(receiver)).isEqualTo(1);
        RecordingReceiver.Seen seen = receiver.next(p -> true, 0);
        assertThat(seen.bytes()).hasSize(100);
        assertThat(seen.readerIndex()).isEqualTo(HEADROOM);
        assertThat(seen.capacity())
                .as("the read buffer itself, not a copy fitted to the packet")
                .isEqualTo(HEADROOM + MTU);
        assertThat(Checksum.verifies(seen.view(), 0)).isTrue();
    }

    @Test
    void aPacketExactlyTheBufferSizeFitsWhole() throws Exception {
        byte[] payload = Packets.random(MTU - 48);
        send(Packets.partialChecksumHeader(), Packets.udp(payload));

        assertThat(reader.read(receiver)).isEqualTo(1);
        RecordingReceiver.Seen seen = receiver.next(p -> true, 0);
        assertThat(seen.bytes()).hasSize(MTU);
        assertThat(seen.capacity()).isEqualTo(HEADROOM + MTU);
        assertThat(Checksum.verifies(seen.view(), 0)).isTrue();
        assertThat(receiver.oversized()).isZero();
    }

    /**
     * The device's MTU raised above tun.mtu: a plain packet one byte over the buffer is carried whole (copied
     * from the buffer and the overflow), and the buffers grow, so that the next long packet lands in place.
     */
    @Test
    void aPlainPacketOverTheBufferIsCarriedWholeAndTheBuffersGrow() throws Exception {
        byte[] payload = Packets.random(MTU - 47);
        send(Packets.partialChecksumHeader(), Packets.udp(payload));
        assertThat(reader.read(receiver)).isEqualTo(1);
        RecordingReceiver.Seen first = receiver.next(p -> true, 0);
        assertThat(first.bytes()).hasSize(MTU + 1);
        assertThat(Checksum.verifies(first.view(), 0)).isTrue();
        assertThat(Packets.payloads(List.of(first))).isEqualTo(payload);

        byte[] longer = Packets.random(1480 - 48);
        send(Packets.plainHeader(), Packets.udp(longer));
        assertThat(reader.read(receiver)).isEqualTo(1);
        RecordingReceiver.Seen second = receiver.next(p -> true, 0);
        assertThat(second.bytes()).hasSize(1480);
        assertThat(second.capacity()).as("read in place, into a grown buffer").isEqualTo(HEADROOM + 2 * MTU);
        assertThat(Packets.payloads(List.of(second))).isEqualTo(longer);

        send(Packets.plainHeader(), Packets.udp(new byte[10]));
        assertThat(reader.read(receiver)).isEqualTo(1);
        assertThat(receiver.next(p -> true, 0).bytes()).hasSize(58);
        assertThat(receiver.oversized()).isZero();
    }

    @Test
    void aSuperPacketOneByteOverTheBufferSpillsAndIsCutIntoValidDatagrams() throws Exception {
        byte[] payload = Packets.random(MTU - 47);
        send(Packets.udpGsoHeader(MTU - 48), Packets.udp(payload));

        assertThat(reader.read(receiver)).isEqualTo(2);
        List<RecordingReceiver.Seen> segments = RecordingReceiver.collect(receiver.seen(), p -> true, 2, 0);
        assertThat(segments).extracting(s -> s.bytes().length).containsExactly(MTU, 49);
        assertThat(segments).allMatch(s -> Checksum.verifies(s.view(), 0));
        assertThat(Packets.payloads(segments)).isEqualTo(payload);
    }

    @Test
    void aLargeSuperPacketIsCutWhole() throws Exception {
        byte[] payload = Packets.random(60 * 1000 - 48);
        send(Packets.udpGsoHeader(1000), Packets.udp(payload));

        assertThat(reader.read(receiver)).isEqualTo(60);
        List<RecordingReceiver.Seen> segments = RecordingReceiver.collect(receiver.seen(), p -> true, 60, 0);
        assertThat(segments).hasSize(60).allMatch(s -> Checksum.verifies(s.view(), 0));
        assertThat(Packets.payloads(segments)).isEqualTo(payload);
    }

    @Test
    void aSuperPacketThatFitsTheBufferIsCutToo() throws Exception {
        byte[] payload = Packets.random(300);
        send(Packets.udpGsoHeader(100), Packets.udp(payload));

        assertThat(reader.read(receiver)).isEqualTo(3);
        List<RecordingReceiver.Seen> segments = RecordingReceiver.collect(receiver.seen(), p -> true, 3, 0);
        assertThat(segments).extracting(s -> s.bytes().length).containsExactly(148, 148, 148);
        assertThat(Packets.payloads(segments)).isEqualTo(payload);
    }

    @Test
    void aReadShorterThanAVirtioHeaderIsDroppedAsMalformed() throws Exception {
        send(Packets.plainHeader().slice(0, 5), allocator.directBuffer(0));
        assertThat(reader.read(receiver)).isEqualTo(1);
        assertThat(receiver.offloadDrops()).isEqualTo(1);
        assertThat(receiver.seen()).isEmpty();
    }

    @Test
    void aPartialChecksumBeyondThePacketIsDroppedAsMalformedAndTheBufferReused() throws Exception {
        ByteBuf truncated = Packets.udp(new byte[0]).writerIndex(45); // the UDP checksum would be at 46
        send(Packets.partialChecksumHeader(), truncated);
        assertThat(reader.read(receiver)).isEqualTo(1);
        assertThat(receiver.offloadDrops()).isEqualTo(1);

        send(Packets.partialChecksumHeader(), Packets.udp(new byte[4]));
        assertThat(reader.read(receiver)).isEqualTo(1);
        assertThat(receiver.next(p -> true, 0).bytes()).hasSize(52);
    }

    @Test
    void nothingToReadIsZeroAndEndOfFileAnError() throws Exception {
        assertThat(reader.read(receiver)).isZero();
        out.close();
        assertThatThrownBy(() -> reader.read(receiver))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("end of file");
    }

    // One write into the pipe, read back as one read: the header, then the packet (both released).
    private void send(ByteBuf header, ByteBuf packet) throws IOException {
        ByteBuffer both = ByteBuffer.allocateDirect(header.readableBytes() + packet.readableBytes());
        both.put(header.nioBuffer()).put(packet.nioBuffer());
        header.release();
        packet.release();
        both.flip();
        assertThat(out.write(both, 0, both.limit())).isEqualTo(both.limit());
    }

    /** The reads the cases send: IPv6/UDP packets and the virtio headers in front of them. */
    private static final class Packets {
        private static final Random RANDOM = new Random(11);

        static byte[] random(int length) {
            byte[] b = new byte[length];
            RANDOM.nextBytes(b);
            return b;
        }

        // 2001:db8::2 -> 2001:db8::1, UDP 4000 -> 5000; the checksum field holds the pseudo-header sum, as
        // the kernel leaves it for a partial checksum (and which a GSO split ignores).
        static ByteBuf udp(byte[] payload) {
            int l4Length = 8 + payload.length;
            ByteBuf p = Unpooled.buffer(40 + l4Length);
            p.writeInt(Ipv6.VERSION_6_WORD).writeShort(l4Length).writeByte(17).writeByte(64);
            p.writeLong(0x2001_0db8_0000_0000L)
                    .writeLong(2)
                    .writeLong(0x2001_0db8_0000_0000L)
                    .writeLong(1);
            p.writeShort(4000)
                    .writeShort(5000)
                    .writeShort(l4Length)
                    .writeShort(0)
                    .writeBytes(payload);
            p.setShort(46, Checksum.pseudoHeaderPartial(p, 0, 17, l4Length));
            return p;
        }

        static ByteBuf plainHeader() {
            ByteBuf h = Unpooled.buffer(VirtioNetHeader.LENGTH);
            VirtioNetHeader.setPlain(h.writerIndex(VirtioNetHeader.LENGTH), 0);
            return h;
        }

        static ByteBuf partialChecksumHeader() {
            ByteBuf h = Unpooled.buffer(VirtioNetHeader.LENGTH).writerIndex(VirtioNetHeader.LENGTH);
            VirtioNetHeader.set(h, 0, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 0, 40, 6);
            return h;
        }

        static ByteBuf udpGsoHeader(int segmentSize) {
            ByteBuf h = Unpooled.buffer(VirtioNetHeader.LENGTH).writerIndex(VirtioNetHeader.LENGTH);
            VirtioNetHeader.set(h, 0, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_UDP_L4, 48, segmentSize, 40, 6);
            return h;
        }

        static byte[] payloads(List<RecordingReceiver.Seen> datagrams) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            datagrams.forEach(d -> all.write(d.bytes(), 48, d.bytes().length - 48));
            return all.toByteArray();
        }
    }
}
