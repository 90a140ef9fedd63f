package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.unix.FileDescriptor;
import java.nio.ByteBuffer;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.server.sys.Privileges;
import org.jmiredo.tun.offload.VirtioNetHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a queue with offloads writes, byte for byte: its fd is the write end of a pipe here, so every
 * write(2) or writev(2) can be read back (the kernel side is {@link TunOffloadKernelTest}).
 */
class TunQueueHandleWriteTest {
    private FileDescriptor[] pipe;

    @BeforeEach
    void pipe() throws Exception {
        Privileges.assumeEpoll();
        pipe = FileDescriptor.pipe();
    }

    @AfterEach
    void close() throws Exception {
        for (FileDescriptor fd : pipe) {
            fd.close();
        }
    }

    private TunQueueHandle queue(TunOffloads offloads) {
        return new TunQueueHandle(pipe[1], "test", 0, TunQueueOptions.DEFAULTS, offloads);
    }

    @Test
    void aPlainPacketGetsAnAllZeroHeaderWhetherDirectOrHeap() throws Exception {
        TunQueueHandle queue = queue(TunOffloads.TSO);
        ByteBuf packet = udp(100);
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer().writeBytes(packet, 0, packet.readableBytes());
        try {
            assertThat(queue.write(direct)).isTrue();
            assertThat(queue.write(packet)).isTrue(); // heap: the copy path
            for (int i = 0; i < 2; i++) {
                byte[] written = next(VirtioNetHeader.LENGTH + packet.readableBytes());
                assertThat(written).startsWith(new byte[VirtioNetHeader.LENGTH]);
                assertThat(ByteBufUtil.equals(Unpooled.wrappedBuffer(written, 10, written.length - 10), packet))
                        .isTrue();
            }
        } finally {
            packet.release();
            direct.release();
        }
    }

    @Test
    void aSuperPacketCarriesItsGsoHeader() throws Exception {
        TunQueueHandle queue = queue(TunOffloads.TSO_USO);
        ByteBuf packet = udp(4500);
        try {
            assertThat(queue.segmentedWrites()).isTrue();
            assertThat(queue.segmentedUdpWrites()).isTrue();
            assertThat(queue.writeSegmented(packet, 17, 1000)).isTrue();
            ByteBuf written = Unpooled.wrappedBuffer(next(VirtioNetHeader.LENGTH + packet.readableBytes()));
            assertThat(VirtioNetHeader.flags(written, 0)).isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
            assertThat(VirtioNetHeader.gsoType(written, 0)).isEqualTo(VirtioNetHeader.GSO_UDP_L4);
            assertThat(VirtioNetHeader.hdrLen(written, 0)).isEqualTo(48);
            assertThat(VirtioNetHeader.gsoSize(written, 0)).isEqualTo(1000);
            assertThat(VirtioNetHeader.csumStart(written, 0)).isEqualTo(40);
            assertThat(VirtioNetHeader.csumOffset(written, 0)).isEqualTo(6);
            assertThat(ByteBufUtil.equals(written.slice(10, written.readableBytes() - 10), packet))
                    .isTrue();
        } finally {
            packet.release();
        }
    }

    /** Before Linux 6.2 (no USO) the queue takes TCP super-packets only, and refuses a UDP one unwritten. */
    @Test
    void withoutUsoAUdpSuperPacketIsRefusedAndNothingIsWritten() throws Exception {
        TunQueueHandle queue = queue(TunOffloads.TSO);
        ByteBuf packet = udp(4500);
        try {
            assertThat(queue.segmentedWrites()).isTrue();
            assertThat(queue.segmentedUdpWrites()).isFalse();
            assertThat(queue.writeSegmented(packet, 17, 1000)).isFalse();
            assertThat(queue.write(packet)).isTrue(); // the next bytes in the pipe are this plain write's
            assertThat(next(VirtioNetHeader.LENGTH + packet.readableBytes()))
                    .startsWith(new byte[VirtioNetHeader.LENGTH]);
        } finally {
            packet.release();
        }
    }

    @Test
    void withoutOffloadsThereIsNoHeaderAndNoSegmentedWrite() throws Exception {
        TunQueueHandle queue = queue(TunOffloads.NONE);
        ByteBuf packet = udp(100);
        try {
            assertThat(queue.segmentedWrites()).isFalse();
            assertThat(queue.write(packet)).isTrue();
            assertThat(next(packet.readableBytes())).isEqualTo(ByteBufUtil.getBytes(packet));
            assertThatThrownBy(() -> queue.writeSegmented(packet, 17, 1000))
                    .isInstanceOf(UnsupportedOperationException.class);
        } finally {
            packet.release();
        }
    }

    private byte[] next(int length) throws Exception {
        ByteBuffer into = ByteBuffer.allocateDirect(length);
        int n = pipe[0].read(into, 0, length);
        assertThat(n).as("bytes of the next write").isEqualTo(length);
        byte[] bytes = new byte[length];
        into.get(0, bytes);
        return bytes;
    }

    // 2001:db8::2 -> 2001:db8::1, UDP, the checksum field holding the pseudo-header sum (TunQueue's contract).
    private static ByteBuf udp(int payload) {
        int l4Length = 8 + payload;
        ByteBuf p = Unpooled.buffer(40 + l4Length);
        p.writeInt(Ipv6.VERSION_6_WORD).writeShort(l4Length).writeByte(17).writeByte(64);
        p.writeLong(0x2001_0db8_0000_0000L)
                .writeLong(2)
                .writeLong(0x2001_0db8_0000_0000L)
                .writeLong(1);
        p.writeShort(4000).writeShort(5002).writeShort(l4Length).writeShort(0);
        for (int i = 0; i < payload; i++) {
            p.writeByte(i * 7);
        }
        p.setShort(46, ~Checksum.fold(Checksum.pseudoHeaderSum(p, 0, 17, l4Length)) & 0xFFFF);
        return p;
    }
}
