package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One fd's readv(2), set up once and then repeated per packet without allocating: the iovec array and the
 * errno capture live in native memory of their own. Each part is an address and a length the caller points
 * at its buffers (and may re-point between reads). One thread at a time; {@link #close} frees the memory.
 */
public final class ScatterRead implements AutoCloseable {
    private static final long IOVEC_SIZE = 16; // struct iovec: void *iov_base, size_t iov_len (64-bit)

    private final int fd;
    private final int parts;
    private final Arena arena;
    // Views of the arena's memory in the global scope: a shared arena's segment handed to a downcall is
    // acquired and released with atomic updates each time, two per segment per packet; the views skip that.
    // Sound as long as no read follows close(), which the owner guarantees.
    private final MemorySegment iov;
    private final MemorySegment errno;

    /** @param parts the number of iovecs, 1 to 16 (each starts empty) */
    public ScatterRead(int fd, int parts) {
        if (parts < 1 || parts > 16) {
            throw new IllegalArgumentException("a scatter read has 1 to 16 parts, not " + parts);
        }
        this.fd = fd;
        this.parts = parts;
        this.arena = Arena.ofShared(); // set up on one thread, used and closed on the event loop's
        this.iov = globalView(arena.allocate(IOVEC_SIZE * parts, 8));
        this.errno = globalView(arena.allocate(Libc.captureStateLayout()));
    }

    @SuppressWarnings("restricted") // the JVM runs with --enable-native-access
    private static MemorySegment globalView(MemorySegment segment) {
        return MemorySegment.ofAddress(segment.address()).reinterpret(segment.byteSize());
    }

    /** Points part {@code index} at {@code length} bytes of native memory at {@code address}. */
    public void part(int index, long address, long length) {
        iov.set(JAVA_LONG, index * IOVEC_SIZE, address);
        iov.set(JAVA_LONG, index * IOVEC_SIZE + 8, length);
    }

    /**
     * One readv(2), filling the parts in order.
     *
     * @return the bytes read, 0 when there is nothing to read (EAGAIN, or EINTR: a level-triggered fd is
     *     retried on the loop's next turn), -1 at end of file
     * @throws NativeException for any other error (EBADFD: the TUN device was deleted)
     */
    public long read() throws IOException {
        long n = Libc.readv(errno, fd, iov, parts);
        if (n > 0) {
            return n;
        }
        if (n == 0) {
            return -1;
        }
        int e = (int) -n;
        if (e == Errno.EAGAIN || e == Errno.EINTR) {
            return 0;
        }
        throw new NativeException("read failed", "readv fd " + fd, e);
    }

    @Override
    public void close() {
        arena.close();
    }
}
