package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TunReadSlotsTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    /** What a read(2) does: the packet's bytes at the slot's address, after the headroom. */
    private static ByteBuf read(TunReadSlots slots, int marker) {
        long at = slots.nextAddress();
        PlatformDependent.setMemory(at + 8, 40, (byte) marker);
        return slots.take(8, 48);
    }

    @Test
    void aBurstReleasedBeforeTheNextReusesTheSameSlotsFromTheFirst() {
        TunReadSlots slots = new TunReadSlots(ALLOC, 8, 1280, 64);
        List<Long> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ByteBuf packet = read(slots, i);
            first.add(packet.memoryAddress());
            assertThat(packet.readerIndex()).isEqualTo(8);
            assertThat(packet.readableBytes()).isEqualTo(40);
            assertThat(packet.getByte(8)).isEqualTo((byte) i);
            packet.release();
        }
        assertThat(first.get(1) - first.get(0))
                .as("slots start on a cache line each")
                .isEqualTo(1344);

        slots.rewind();
        ByteBuf again = read(slots, 9);
        assertThat(again.memoryAddress()).as("the burst's first slot again").isEqualTo(first.get(0));
        again.release();
        slots.close();
    }

    @Test
    void aPacketHeldPastItsBurstIsNeverOverwrittenAndFreedWithItsLastHolder() {
        TunReadSlots slots = new TunReadSlots(ALLOC, 8, 1280, 2);
        ByteBuf held = read(slots, 0x11);
        read(slots, 0x22).release();

        slots.rewind(); // one view still held: no rewind
        List<ByteBuf> later = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            later.add(read(slots, 0x33)); // past the last slot: a fresh buffer, not the first slot again
        }
        assertThat(held.getByte(8)).as("the held packet's bytes").isEqualTo((byte) 0x11);
        assertThat(later).noneMatch(p -> p.memoryAddress() == held.memoryAddress());
        later.forEach(ByteBuf::release);

        slots.close();
        assertThat(held.refCnt()).as("the old buffer lives as long as its view").isEqualTo(1);
        assertThat(held.getByte(8)).isEqualTo((byte) 0x11);
        held.release();
        assertThat(held.refCnt()).as("freed with its last view").isZero();
    }

    @Test
    void largeSlotsAreFewerSoTheBufferStaysUnderOneMebibyte() {
        TunReadSlots slots = new TunReadSlots(ALLOC, 8, 65_535, 64);
        List<ByteBuf> held = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            held.add(read(slots, i));
        }
        long first = held.get(0).memoryAddress();
        for (int i = 0; i < 15; i++) {
            assertThat(held.get(i).memoryAddress())
                    .as("slot %d of 65,600 bytes", i)
                    .isEqualTo(first + i * 65_600L);
        }
        assertThat(held.get(15).memoryAddress())
                .as("a 16th slot would pass 1 MiB: a fresh buffer")
                .isNotEqualTo(first + 15 * 65_600L);
        held.forEach(ByteBuf::release);
        slots.close();
        assertThat(held).allMatch(p -> p.refCnt() == 0);
    }

    @Test
    void burstsOfReadsAndReleasesAllocateNothingOnceWarm() {
        // The build's paranoid leak detection records every buffer access; the relay runs without it (Main).
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            TunReadSlots slots = new TunReadSlots(ALLOC, 8, 1280, 64); // its buffer without a leak tracker
            ByteBuf[] burst = new ByteBuf[64];
            Runnable bursts = () -> {
                for (int round = 0; round < 20_000; round++) {
                    slots.rewind();
                    for (int i = 0; i < burst.length; i++) {
                        slots.nextAddress();
                        burst[i] = slots.take(8, 88);
                    }
                    for (ByteBuf packet : burst) {
                        packet.release(); // as the burst's sendmmsg does
                    }
                }
            };
            bursts.run(); // warm-up: the JIT compiles the loop
            // The JIT compiles on threads of its own, which a loaded host can hold back: the best of up to five
            // measured runs counts (an object per packet would be in every one).
            long allocated = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 5 && allocated >= 64 * 1024L; attempt++) {
                long before = allocatedByThisThread();
                bursts.run();
                allocated = allocatedByThisThread() - before;
            }
            slots.close();

            // 1,280,000 packets: an object per packet would be 16 bytes or more each, a buffer per burst 20,000.
            assertThat(allocated).as("bytes allocated for 1,280,000 packets").isLessThan(64 * 1024L);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
