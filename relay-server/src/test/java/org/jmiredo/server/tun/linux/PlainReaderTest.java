package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jmiredo.tun.TunReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The plain (no offloads) read on a real fd: a non-blocking pipe stands in for the TUN (one write is one read),
 * so each case hands it a packet of an exact length, longer ones included, as a TUN whose MTU was raised above
 * tun.mtu does. Every buffer comes from an allocator whose live direct memory is checked to be zero at the end.
 * The real device is {@link LinuxTunDeviceTest}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PlainReaderTest {
    private static final int HEADROOM = 8;
    private static final int MTU = 1280;
    private static final int BUDGET = 4;
    private static final Random RANDOM = new Random(13);

    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);
    private final Holding receiver = new Holding();
    private TestPipe pipe;
    private FileDescriptor in;
    private FileDescriptor out;
    private PlainReader reader;

    @BeforeEach
    void pipe() throws IOException {
        pipe = new TestPipe();
        in = pipe.in;
        out = pipe.out;
        reader = new PlainReader(in, "test queue 0", allocator, HEADROOM, MTU, BUDGET);
    }

    @AfterEach
    void nothingLeaks() throws IOException {
        receiver.releaseAll();
        reader.close();
        pipe.close();
        assertThat(allocator.metric().usedDirectMemory())
                .as("direct memory still held")
                .isZero();
    }

    @Test
    void aPacketUpToTheMtuIsHandedOnInItsSlotAfterTheHeadroom() throws Exception {
        byte[] small = sendAndRead(100);
        byte[] full = sendAndRead(MTU);

        assertThat(receiver.bytes(0)).isEqualTo(small);
        assertThat(receiver.bytes(1)).isEqualTo(full);
        assertThat(receiver.held.get(0).readerIndex()).isEqualTo(HEADROOM);
        assertThat(receiver.held.get(1).capacity())
                .as("a slot: headroom and MTU, on a cache line")
                .isEqualTo(1344);
        assertThat(reader.read(receiver)).as("nothing left to read").isZero();
    }

    /**
     * The MTU raised by hand: a packet one byte longer than a slot holds (1,336 bytes after the headroom: 1,280
     * rounded up to a cache line) is read whole, in place over the next slot, the slots grow to twice their size,
     * and a 1,480-byte packet then lands in one slot. A read(2) limited to the slot returned 1,336 of its bytes.
     */
    @Test
    void aLongerPacketIsReadWholeAndTheSlotsGrowForTheNext() throws Exception {
        byte[] before = sendAndRead(60);
        byte[] oneOver = sendAndRead(1337);
        byte[] raised = sendAndRead(1480);
        byte[] after = sendAndRead(60);

        assertThat(receiver.bytes(0)).isEqualTo(before);
        assertThat(receiver.bytes(1)).isEqualTo(oneOver);
        assertThat(receiver.held.get(1).memoryAddress())
                .as("read in place, after the first packet's slot")
                .isEqualTo(receiver.held.get(0).memoryAddress() + 1344);
        assertThat(receiver.bytes(2)).isEqualTo(raised);
        assertThat(receiver.bytes(3)).isEqualTo(after);
        assertThat(receiver.held.get(2).capacity()).as("a grown slot").isEqualTo(2688);
        assertThat(receiver.held.get(0).getByte(HEADROOM))
                .as("a packet held from the old slots is intact")
                .isEqualTo(before[0]);
    }

    @Test
    void packetsUpToTheLargestTunMtuAreReadWhole() throws Exception {
        for (int length : new int[] {9000, TunReadSlots.LARGEST_READ, 40}) {
            byte[] sent = sendAndRead(length);
            assertThat(receiver.bytes(receiver.held.size() - 1))
                    .as("%d bytes", length)
                    .isEqualTo(sent);
            receiver.releaseAll();
        }
    }

    @Test
    void slotsAreReusedAcrossBurstsOnceReleased() throws Exception {
        for (int burst = 0; burst < 3; burst++) {
            reader.rewind();
            for (int i = 0; i < BUDGET; i++) {
                byte[] sent = sendAndRead(200 + i);
                assertThat(receiver.bytes(i)).isEqualTo(sent);
            }
            receiver.releaseAll();
        }
    }

    @Test
    void endOfFileIsAnError() throws Exception {
        out.close();
        assertThatThrownBy(() -> reader.read(receiver))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("end of file");
    }

    // One write into the pipe of `length` random bytes, then one read (a pipe keeps no boundaries between writes).
    private byte[] sendAndRead(int length) throws IOException {
        byte[] packet = new byte[length];
        RANDOM.nextBytes(packet);
        ByteBuffer buffer = ByteBuffer.allocateDirect(length).put(packet).flip();
        assertThat(out.write(buffer, 0, length)).isEqualTo(length);
        assertThat(reader.read(receiver)).isEqualTo(1);
        return packet;
    }

    /** Holds every packet until released, as a burst's receiver does until its flush. */
    private static final class Holding implements TunReceiver {
        final List<ByteBuf> held = new ArrayList<>();

        @Override
        public void packetRead(ByteBuf packet) {
            held.add(packet);
        }

        @Override
        public void readComplete() {}

        byte[] bytes(int i) {
            return ByteBufUtil.getBytes(held.get(i));
        }

        void releaseAll() {
            held.forEach(ByteBuf::release);
            held.clear();
        }
    }
}
