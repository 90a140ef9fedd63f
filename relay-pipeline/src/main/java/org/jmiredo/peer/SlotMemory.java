package org.jmiredo.peer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The memory of a table's slot arrays: one private anonymous mapping outside the Java heap, reserved
 * for every segment's largest array at once and committed by the kernel a page at a time as slots are
 * first written, so a table costs what its segments use (as an array on the heap would), not its bound.
 *
 * <p>Why not the heap: lookups among millions of peers miss the TLB on nearly every probe, and huge
 * pages halve that cost (BENCHMARKS.md, "Peer table lookups under ZGC"). ZGC's heap is shared memory,
 * which gets transparent huge pages only where {@code shmem_enabled} allows them, and most distributions
 * ship it as {@code never}. An anonymous mapping asks with {@code madvise(MADV_HUGEPAGE)}, which the
 * usual {@code enabled = madvise} honours, whatever the collector. Large mappings only: where THP is on,
 * the first write to a huge page commits all 2 MiB of it, which small tables (tests) would pay for
 * nothing.
 *
 * <p>The mapping is unmapped when the table becomes unreachable (an automatic arena), never while a
 * thread may still read it.
 */
final class SlotMemory {
    /** Mappings at least this large are asked for huge pages (a default table of 1 M peers: 43 MiB). */
    static final long HUGE_PAGES_FROM = 32L << 20;
    private static final long HUGE_PAGE = 2L << 20;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    /** Linux: MAP_ANONYMOUS is 0x20 and MADV_HUGEPAGE exists; the BSDs and macOS: MAP_ANON is 0x1000. */
    private static final boolean LINUX = System.getProperty("os.name", "").startsWith("Linux");
    private static final int MAP_FLAGS = LINUX ? 0x02 | 0x20 | 0x4000 : 0x02 | 0x1000; // PRIVATE|ANON(|NORESERVE)
    private static final int MADV_HUGEPAGE = 14;
    private static final MethodHandle MMAP;
    private static final MethodHandle MADVISE;
    private static final MethodHandle MUNMAP;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        ValueLayout size = ValueLayout.JAVA_LONG;
        MMAP = linker.downcallHandle(libc.findOrThrow("mmap"), FunctionDescriptor.of(ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, size, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, size));
        MADVISE = linker.downcallHandle(libc.findOrThrow("madvise"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, size, ValueLayout.JAVA_INT));
        MUNMAP = linker.downcallHandle(libc.findOrThrow("munmap"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, size));
    }

    private SlotMemory() {}

    /**
     * Zeroed memory of {@code bytes} bytes, starting on a huge-page boundary when it is large enough to
     * be asked for huge pages (a huge page needs an aligned 2 MiB inside the mapping).
     *
     * @throws OutOfMemoryError if the kernel refuses the mapping
     */
    static MemorySegment reserve(long bytes) {
        boolean huge = LINUX && bytes >= HUGE_PAGES_FROM;
        long length = bytes + (huge ? HUGE_PAGE : 0);
        MemorySegment mapping;
        try {
            mapping = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length, PROT_READ_WRITE,
                    MAP_FLAGS, -1, 0L);
        } catch (Throwable e) {
            throw new IllegalStateException("mmap", e);
        }
        if (mapping.address() == -1L) {
            throw new OutOfMemoryError("mmap of " + length + " bytes for the peer table failed");
        }
        long start = mapping.address();
        if (huge) {
            start = (start + HUGE_PAGE - 1) & -HUGE_PAGE;
            madvise(start, bytes); // a refusal (THP off or not built in) only costs speed
        }
        MemorySegment whole = mapping.reinterpret(length, Arena.ofAuto(), m -> unmap(m.address(), length));
        return whole.asSlice(start - mapping.address(), bytes);
    }

    private static void madvise(long address, long bytes) {
        try {
            int ignored = (int) MADVISE.invokeExact(MemorySegment.ofAddress(address), bytes, MADV_HUGEPAGE);
        } catch (Throwable e) {
            throw new IllegalStateException("madvise", e);
        }
    }

    private static void unmap(long address, long length) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), length);
        } catch (Throwable e) {
            throw new IllegalStateException("munmap", e);
        }
    }
}
