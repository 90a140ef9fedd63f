package org.jmiredo.peer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
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
    /*
     * Linked in the call shape of the relay's other C library calls (org.jmiredo.server.sys.CallShapes, which
     * says why it is ABI-correct: six 64-bit words in, one out, errno captured), so that the JDK generates no
     * stub for these three of their own: each new shape costs a start 4 to 21 ms (BENCHMARKS.md, "Eighth
     * iteration"). The words after a function's own arguments are zeros it never reads.
     */
    private static final FunctionDescriptor SIX_WORDS = FunctionDescriptor.of(
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG);
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    // void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
    private static final MethodHandle MMAP = downcall("mmap");
    // int madvise(void *addr, size_t length, int advice)
    private static final MethodHandle MADVISE = downcall("madvise");
    // int munmap(void *addr, size_t length)
    private static final MethodHandle MUNMAP = downcall("munmap");

    private SlotMemory() {}

    @SuppressWarnings("restricted") // the JVM runs with --enable-native-access
    private static MethodHandle downcall(String name) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(
                linker.defaultLookup().findOrThrow(name), SIX_WORDS, Linker.Option.captureCallState("errno"));
    }

    /** One call of {@code function} with the words given and zeros after them; its result word. */
    private static long call(MethodHandle function, long a, long b, long c, long d, long e, long f) {
        try (Arena arena = Arena.ofConfined()) {
            return (long) function.invokeExact(arena.allocate(CAPTURE_LAYOUT), a, b, c, d, e, f);
        } catch (Throwable t) {
            throw new IllegalStateException("downcall failed", t);
        }
    }

    /**
     * Zeroed memory of {@code bytes} bytes, starting on a huge-page boundary when it is large enough to
     * be asked for huge pages (a huge page needs an aligned 2 MiB inside the mapping).
     *
     * @throws OutOfMemoryError if the kernel refuses the mapping
     */
    static MemorySegment reserve(long bytes) {
        boolean huge = LINUX && bytes >= HUGE_PAGES_FROM;
        long length = bytes + (huge ? HUGE_PAGE : 0);
        long address = call(MMAP, 0L, length, PROT_READ_WRITE, MAP_FLAGS, -1L, 0L);
        if (address == -1L) { // MAP_FAILED
            throw new OutOfMemoryError("mmap of " + length + " bytes for the peer table failed");
        }
        long start = address;
        if (huge) {
            start = (start + HUGE_PAGE - 1) & -HUGE_PAGE;
            madvise(start, bytes); // a refusal (THP off or not built in) only costs speed
        }
        MemorySegment whole =
                MemorySegment.ofAddress(address).reinterpret(length, Arena.ofAuto(), m -> unmap(m.address(), length));
        return whole.asSlice(start - address, bytes);
    }

    private static void madvise(long address, long bytes) {
        call(MADVISE, address, bytes, MADV_HUGEPAGE, 0L, 0L, 0L);
    }

    private static void unmap(long address, long length) {
        call(MUNMAP, address, length, 0L, 0L, 0L, 0L);
    }
}
