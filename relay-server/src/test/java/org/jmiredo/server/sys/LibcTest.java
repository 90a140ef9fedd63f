package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Libc's calls through its two shared call shapes (every argument and result a 64-bit word): results and
 * errno come back right for int and long functions, failures included (an int -1 in a 64-bit register must
 * read as -1), and only live native memory is passed as an address. No privilege needed.
 */
class LibcTest {
    /** FIONREAD (asm-generic/ioctls.h): bytes waiting to be read, into an int. */
    private static final long FIONREAD = 0x541B;

    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int ENOPROTOOPT = 92;

    @Test
    void failuresOfIntAndLongFunctionsReturnMinusErrno() {
        assertThat(Libc.open("/nonexistent/jmiredo", Libc.O_RDONLY)).isEqualTo(-Errno.ENOENT);
        assertThat(Libc.close(-1)).isEqualTo(-Errno.EBADF);
        assertThat(Libc.dup(-1)).isEqualTo(-Errno.EBADF);
        assertThat(Libc.ioctl(-1, FIONREAD, 0L)).isEqualTo(-Errno.EBADF);
        assertThat(Libc.socket(-1, SOCK_DGRAM, 0)).isNegative();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.captureStateLayout());
            MemorySegment iov = arena.allocate(16);
            assertThat(Libc.readv(state, -1, iov, 1)).isEqualTo(-Errno.EBADF);
            assertThat(Libc.sendmmsg(state, -1, 0L, 0)).isEqualTo(-Errno.EBADF);
            assertThat(Libc.send(-1, arena.allocate(8), 0)).isEqualTo(-Errno.EBADF);
        }
    }

    @Test
    void readsWritesAndDuplicatesThroughTheSharedShapes() {
        int fd = Libc.open("/dev/zero", Libc.O_RDONLY | Libc.O_CLOEXEC);
        assertThat(fd).isGreaterThan(2);
        int copy = Libc.dup(fd);
        assertThat(copy).isGreaterThan(fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.captureStateLayout());
            MemorySegment data = arena.allocate(100);
            data.fill((byte) 7);
            MemorySegment iov = arena.allocate(16);
            iov.set(JAVA_LONG, 0, data.address());
            iov.set(JAVA_LONG, 8, 100);
            assertThat(Libc.readv(state, copy, iov, 1)).isEqualTo(100);
            assertThat(data.toArray(JAVA_BYTE)).containsOnly((byte) 0);
            MemorySegment count = arena.allocate(8);
            assertThat(Libc.ioctl(fd, FIONREAD, count)).isEqualTo(-Errno.ENOTTY); // /dev/zero is no tty or socket
        } finally {
            assertThat(Libc.close(copy)).isZero();
            assertThat(Libc.close(fd)).isZero();
        }
    }

    @Test
    void socketOptionsTakeTheValuesBytes() {
        int fd = Libc.socket(AF_INET, SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        assertThat(fd).isPositive();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            value.set(JAVA_INT, 0, 65536);
            assertThat(Libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, value)).isZero();
            assertThat(Libc.setsockopt(fd, SOL_SOCKET, -1, value)).isEqualTo(-ENOPROTOOPT);
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void pointerResultsAndDispositions() {
        assertThat(Libc.strerror(Errno.ENOENT)).isEqualTo("No such file or directory");
        // SIGUSR2 is not ignored in the test JVM: nothing to put back, and nothing changed.
        assertThat(Libc.unignore(12)).isFalse();
    }

    @Test
    void heapMemoryIsRefusedAsAnAddress() {
        assertThatThrownBy(() -> Libc.send(-1, MemorySegment.ofArray(new byte[8]), 0))
                .isInstanceOf(IllegalArgumentException.class);
        MemorySegment closed;
        try (Arena arena = Arena.ofConfined()) {
            closed = arena.allocate(8);
        }
        MemorySegment gone = closed;
        assertThatThrownBy(() -> Libc.send(-1, gone, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
