package org.jmiredo.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The exact-size copy a queued packet is kept as ({@link ExactCopy#of}): the same bytes whatever the
 * packet is a view of, and, for a packet read from the tunnel (a slice of the read slots' pooled buffer), no
 * garbage per copy, i.e. per new peer, also where Netty runs without {@code sun.misc.Unsafe}, as the launcher
 * runs it on JDK 25.
 */
class ExactCopyTest {
    /** A tunnel read slot's layout: slots of 1,344 bytes in one pooled buffer, the packet after 64 of headroom. */
    private static final int SLOT = 1_344;

    private static final int HEADROOM = 64;

    private static ByteBuf tunnelPacket(ByteBuf slots, int slot, int length) {
        ByteBuf view = slots.slice(slot * SLOT, SLOT);
        for (int i = 0; i < length; i++) {
            view.setByte(HEADROOM + i, slot * 31 + i);
        }
        return view.setIndex(HEADROOM, HEADROOM + length);
    }

    private static void assertExactCopy(ByteBuf packet, ByteBufAllocator alloc) {
        ByteBuf copy = ExactCopy.of(packet, alloc);
        try {
            assertThat(copy.capacity()).isEqualTo(packet.readableBytes());
            assertThat(copy.readerIndex()).isZero();
            assertThat(ByteBufUtil.getBytes(copy)).isEqualTo(ByteBufUtil.getBytes(packet));
        } finally {
            copy.release();
        }
    }

    @Test
    void copiesTheReadableBytesOfAnyPacket() {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        ByteBuf slots = alloc.directBuffer(8 * SLOT + 65_535);
        try {
            assertExactCopy(tunnelPacket(slots, 0, 80), alloc);
            assertExactCopy(tunnelPacket(slots, 5, 1_280), alloc); // far into the buffer: the offset counts
            assertExactCopy(tunnelPacket(slots, 7, 40).slice(HEADROOM + 1, 30), alloc); // a slice of a slice
            assertExactCopy(tunnelPacket(slots, 3, 200).duplicate().setIndex(HEADROOM + 16, HEADROOM + 99), alloc);
            ByteBuf plain = alloc.directBuffer(300)
                    .writeZero(10)
                    .writeBytes(new byte[] {1, 2, 3, 4})
                    .skipBytes(10);
            assertExactCopy(plain, alloc); // no view: copied from itself
            plain.release();
            ByteBuf heap = Unpooled.buffer(64).writeBytes("a packet on the heap".getBytes(StandardCharsets.US_ASCII));
            assertExactCopy(heap.slice(2, 12), alloc); // a view without a memory address
            assertExactCopy(heap, alloc);
            heap.release();
        } finally {
            slots.release();
        }
        assertThat(slots.refCnt()).isZero();
    }

    /**
     * Runs {@link CopyGarbage} in a JVM of its own, where Netty is told not to use {@code sun.misc.Unsafe}
     * (this build's test JVMs allow it, the relay's launcher does not): without it, the copy made before
     * allocated the new buffer's NIO view, 64 bytes per copy (none now: BENCHMARKS.md, fourteenth iteration).
     */
    @Test
    void aCopyFromTheTunnelsReadSlotsMakesNoGarbageWithoutUnsafe() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(
                        java.toString(),
                        "-Dio.netty.noUnsafe=true",
                        "-Dio.netty.leakDetection.level=disabled",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CopyGarbage.class.getName()))
                .redirectErrorStream(true)
                .start();
        String output;
        try {
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(120, TimeUnit.SECONDS))
                    .as("the child JVM ends")
                    .isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).as("Netty without Unsafe in the child").contains("unsafe=false");
        // Fewer than 40 bytes a copy: a NIO view or any other object per copy is 64 bytes or more; the margin is
        // for what the child's own code may allocate until C2 has compiled it on a loaded host.
        long perCopy = Long.parseLong(output.replaceAll("(?s).*bytes per copy: (\\d+).*", "$1"));
        assertThat(perCopy).as(output).isLessThan(40);
    }

    /** The child's work: copies of tunnel-slot packets, warmed up, then the best of five measured rounds. */
    static final class CopyGarbage {
        public static void main(String[] args) {
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
            ByteBuf slots = alloc.directBuffer(64 * SLOT + 65_535);
            ByteBuf packet = tunnelPacket(slots, 9, 80);
            long checksum = 0;
            for (int i = 0; i < 200_000; i++) { // C2 compiles the copy (JIT allocation and escape analysis aside)
                checksum += copyOnce(packet, alloc);
            }
            long best = Long.MAX_VALUE;
            int copies = 20_000;
            for (int round = 0; round < 5; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < copies; i++) {
                    checksum += copyOnce(packet, alloc);
                }
                best = Math.min(best, threads.getCurrentThreadAllocatedBytes() - before);
            }
            slots.release();
            System.out.println("unsafe=" + PlatformDependent.hasUnsafe() + " checksum=" + checksum);
            System.out.println("bytes per copy: " + best / copies);
        }

        private static int copyOnce(ByteBuf packet, ByteBufAllocator alloc) {
            ByteBuf copy = ExactCopy.of(packet, alloc);
            int last = copy.getByte(copy.readableBytes() - 1);
            copy.release();
            return last;
        }
    }
}
