package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library calls jmiredo makes, as FFM downcalls. Each returns the call's result, or {@code -errno}
 * when it failed (the kernel's own convention), so callers need no second out-value. errno is captured by
 * the linker right after the call ({@code captureCallState}); reading it later from Java would be too late,
 * as the JVM itself may make calls in between.
 *
 * <p>Only used at start-up and shutdown, never per packet, so allocating a small confined arena per call is fine;
 * the exceptions, {@link #readv}, {@link #sendmmsg} and {@link #recvmmsg}, take their memory from the caller
 * ({@link ScatterRead}, {@link MessageHeaders}) and allocate nothing.
 */
final class Libc {
    private Libc() {}

    // open(2) flags (asm-generic/fcntl.h) and socket(2) types (linux/net.h), the same on x86-64 and arm64.
    static final int O_RDONLY = 0;
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = O_NONBLOCK;
    static final int SOCK_CLOEXEC = O_CLOEXEC;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // int open(const char *path, int flags, ...): we pass no mode, so no variadic argument.
    private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    // int ioctl(int fd, unsigned long request, ...): the argument pointer is variadic; say so, as the
    // x86-64 ABI passes the vector-register count for variadic calls.
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    // The same ioctl with an integer argument passed by value (TUNSETOFFLOAD takes its flags so).
    private static final MethodHandle IOCTL_VALUE = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // ssize_t readv(int fd, const struct iovec *iov, int iovcnt).
    private static final MethodHandle READV = downcall("readv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    // int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags); the pointer goes as a long
    // (the same register on 64-bit ABIs), so that a call makes no MemorySegment for an offset into a batch.
    private static final MethodHandle SENDMMSG = downcall("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));
    // int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *timeout); the
    // pointers as longs, as for sendmmsg (the timeout is always NULL).
    private static final MethodHandle RECVMMSG = downcall("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG));
    // int fcntl(int fd, int cmd, ...): the argument is variadic.
    private static final MethodHandle FCNTL = downcall("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    /** MSG_DONTWAIT (linux/socket.h): never block, whatever the fd's own flags say. */
    private static final int MSG_DONTWAIT = 0x40;
    /** F_DUPFD_CLOEXEC (linux/fcntl.h): the lowest free fd number from the argument on, close-on-exec. */
    private static final int F_DUPFD_CLOEXEC = 1030;

    /*
     * Linked on first use, not with the class: each call shape costs a fresh JVM its own generated stub (the 6
     * below made this class's initialisation 22 ms and 40 ms of CPU dearer; BENCHMARKS.md "Fifth iteration"),
     * and most runs need only some of them. The linker shares a stub between calls of one shape (send, recv).
     */
    private static final class Sockets {
        // int socket(int domain, int type, int protocol).
        static final MethodHandle SOCKET = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        // int setsockopt(int fd, int level, int name, const void *value, socklen_t length).
        static final MethodHandle SETSOCKOPT = downcall("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        // ssize_t send(int fd, const void *buf, size_t length, int flags), and recv with the same shape.
        static final MethodHandle SEND = downcall("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle RECV = downcall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    /** int setns(int fd, int nstype): tests only, so far. */
    private static final class Namespaces {
        static final MethodHandle SETNS = downcall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    /** char *strerror(int errnum): a string in the C library, not to be freed; for error messages only. */
    private static final class ErrorText {
        static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** sigaction(2) to read a disposition, signal(3) to put one back to the default: start-up only. */
    private static final class Dispositions {
        static final MethodHandle SIGACTION = downcall("sigaction", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle SIGNAL = downcall("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
        /** Room for struct sigaction on every libc we run on (glibc: 152 bytes); its handler comes first. */
        static final long SIGACTION_SIZE = 256;
        static final long SIG_IGN = 1;
    }

    @SuppressWarnings("restricted") // the point of this class; the JVM runs with --enable-native-access
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        Linker.Option[] all = new Linker.Option[options.length + 1];
        System.arraycopy(options, 0, all, 0, options.length);
        all[options.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(symbol, descriptor, all);
    }

    /** open(2); returns the fd or {@code -errno}. */
    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl(2) with a pointer argument; returns the result (0 or more) or {@code -errno}. */
    static int ioctl(int fd, long request, MemorySegment argument) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) IOCTL.invokeExact(state, fd, request, argument);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl(2) with an integer argument; returns the result (0 or more) or {@code -errno}. */
    static int ioctl(int fd, long request, long value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) IOCTL_VALUE.invokeExact(state, fd, request, value);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Puts {@code signal} back to its default handling if it is ignored (SIG_IGN inherited from whoever started
     * the process) and returns true; leaves any other disposition, the JVM's own handlers included, as it is.
     */
    static boolean unignore(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment current = arena.allocate(Dispositions.SIGACTION_SIZE);
            int result = (int) Dispositions.SIGACTION.invokeExact(state, signal, MemorySegment.NULL, current);
            if (result != 0 || current.get(JAVA_LONG, 0) != Dispositions.SIG_IGN) {
                return false;
            }
            MemorySegment previous = (MemorySegment) Dispositions.SIGNAL.invokeExact(state, signal, MemorySegment.NULL);
            return previous.address() == Dispositions.SIG_IGN;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** close(2); returns 0 or {@code -errno}. Not retried on EINTR: on Linux the fd is gone either way. */
    static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) CLOSE.invokeExact(state, fd);
            return result == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * readv(2) into the {@code count} iovecs at {@code iov}, errno captured into {@code state} (a segment of
     * {@link #captureStateLayout()}); returns the bytes read or {@code -errno}. Allocates nothing: per packet.
     */
    static long readv(MemorySegment state, int fd, MemorySegment iov, int count) {
        try {
            long result = (long) READV.invokeExact(state, fd, iov, count);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * sendmmsg(2) of the {@code count} message headers at native address {@code vec}, no flags, errno
     * captured into {@code state}; returns how many left or {@code -errno}. Allocates nothing: per burst.
     */
    static int sendmmsg(MemorySegment state, int fd, long vec, int count) {
        try {
            int sent = (int) SENDMMSG.invokeExact(state, fd, vec, count, 0);
            return sent >= 0 ? sent : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * recvmmsg(2) into the {@code count} message headers at native address {@code vec}, MSG_DONTWAIT, no
     * timeout, errno captured into {@code state}; returns how many arrived or {@code -errno}. Allocates
     * nothing: per burst.
     */
    static int recvmmsg(MemorySegment state, int fd, long vec, int count) {
        try {
            int received = (int) RECVMMSG.invokeExact(state, fd, vec, count, MSG_DONTWAIT, 0L);
            return received >= 0 ? received : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A second fd for the same open file (fcntl F_DUPFD_CLOEXEC); returns it or {@code -errno}. */
    static int dup(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int copy = (int) FCNTL.invokeExact(state, fd, F_DUPFD_CLOEXEC, 0);
            return copy >= 0 ? copy : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** socket(2); returns the fd or {@code -errno}. */
    static int socket(int domain, int type, int protocol) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int fd = (int) Sockets.SOCKET.invokeExact(state, domain, type, protocol);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setsockopt(2) with the bytes of {@code value}; returns 0 or {@code -errno}. */
    static int setsockopt(int fd, int level, int name, MemorySegment value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) Sockets.SETSOCKOPT.invokeExact(state, fd, level, name, value, (int) value.byteSize());
            return result == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** send(2) of the bytes of {@code data}; returns the bytes sent or {@code -errno}. */
    static long send(int fd, MemorySegment data, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            long sent = (long) Sockets.SEND.invokeExact(state, fd, data, data.byteSize(), flags);
            return sent >= 0 ? sent : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** recv(2) into {@code buffer}; returns the length (the datagram's own with MSG_TRUNC) or {@code -errno}. */
    static long recv(int fd, MemorySegment buffer, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            long length = (long) Sockets.RECV.invokeExact(state, fd, buffer, buffer.byteSize(), flags);
            return length >= 0 ? length : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setns(2): moves the calling thread into the namespace {@code fd} refers to; returns 0 or {@code -errno}. */
    static int setns(int fd, int type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) Namespaces.SETNS.invokeExact(state, fd, type);
            return result == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** strerror(3): the C library's text for {@code errno}, "File exists" for EEXIST (in the C locale). */
    @SuppressWarnings("restricted") // reading the C string the library returned, of unknown length
    static String strerror(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment text = (MemorySegment) ErrorText.STRERROR.invokeExact(state, errno);
            return text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The layout of the errno-capture segment {@link #readv}, {@link #sendmmsg} and {@link #recvmmsg} take. */
    static StructLayout captureStateLayout() {
        return CAPTURE_LAYOUT;
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("downcall failed", t);
    }
}
