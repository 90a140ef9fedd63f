package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.jmiredo.server.sys.CallShapes.CAPTURE_LAYOUT;
import static org.jmiredo.server.sys.CallShapes.address;
import static org.jmiredo.server.sys.CallShapes.errno;
import static org.jmiredo.server.sys.CallShapes.plain;
import static org.jmiredo.server.sys.CallShapes.rethrow;
import static org.jmiredo.server.sys.CallShapes.variadic;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;

/**
 * The C library calls jmiredo makes, as FFM downcalls. Each returns the call's result, or {@code -errno}
 * when it failed (the kernel's own convention), so callers need no second out-value. errno is captured by
 * the linker right after the call ({@code captureCallState}); reading it later from Java would be too late,
 * as the JVM itself may make calls in between.
 *
 * <p>Only used at start-up and shutdown, never per packet, so allocating a small confined arena per call is fine;
 * the exceptions, {@link #readv}, {@link #sendmmsg} and {@link #recvmmsg}, take their memory from the caller
 * ({@link ScatterRead}, {@link MessageHeaders}) and allocate nothing. How they are linked (two call shapes for
 * all of them, errno captured): {@link CallShapes}.
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

    // int open(const char *path, int flags, ...): the mode is 0 (never O_CREAT).
    private static final MethodHandle OPEN = variadic("open");
    // int ioctl(int fd, unsigned long request, ...): a pointer or, for TUNSETOFFLOAD, an integer.
    private static final MethodHandle IOCTL = variadic("ioctl");
    // int fcntl(int fd, int cmd, ...).
    private static final MethodHandle FCNTL = variadic("fcntl");
    // int close(int fd).
    private static final MethodHandle CLOSE = plain("close");
    // ssize_t readv(int fd, const struct iovec *iov, int iovcnt).
    private static final MethodHandle READV = plain("readv");
    // int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags).
    private static final MethodHandle SENDMMSG = plain("sendmmsg");
    // int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *timeout).
    private static final MethodHandle RECVMMSG = plain("recvmmsg");
    // int socket(int domain, int type, int protocol).
    private static final MethodHandle SOCKET = plain("socket");
    // int setsockopt(int fd, int level, int name, const void *value, socklen_t length).
    private static final MethodHandle SETSOCKOPT = plain("setsockopt");
    // ssize_t sendto(int fd, const void *buf, size_t length, int flags, const struct sockaddr *to, socklen_t tolen).
    private static final MethodHandle SENDTO = plain("sendto");
    // ssize_t send(int fd, const void *buf, size_t length, int flags), and recv.
    private static final MethodHandle SEND = plain("send");
    private static final MethodHandle RECV = plain("recv");
    // int connect(int fd, const struct sockaddr *address, socklen_t length): macOS's utun control socket.
    private static final MethodHandle CONNECT = plain("connect");
    // int getsockopt(int fd, int level, int name, void *value, socklen_t *length): the utun's interface name.
    private static final MethodHandle GETSOCKOPT = plain("getsockopt");
    // int setns(int fd, int nstype): tests only, so far.
    private static final MethodHandle SETNS = plain("setns");
    // char *strerror(int errnum): a string in the C library, not to be freed; for error messages only.
    private static final MethodHandle STRERROR = plain("strerror");
    // int sigaction(int sig, const struct sigaction *act, struct sigaction *old), to read a disposition, and
    // sighandler_t signal(int sig, sighandler_t handler) to put one back to the default: start-up only.
    private static final MethodHandle SIGACTION = plain("sigaction");
    private static final MethodHandle SIGNAL = plain("signal");
    /** Room for struct sigaction on every libc we run on (glibc: 152 bytes); its handler comes first. */
    private static final long SIGACTION_SIZE = 256;

    private static final long SIG_IGN = 1;
    /** MSG_DONTWAIT (linux/socket.h): never block, whatever the fd's own flags say. */
    private static final int MSG_DONTWAIT = 0x40;
    /** F_DUPFD_CLOEXEC (linux/fcntl.h): the lowest free fd number from the argument on, close-on-exec. */
    private static final int F_DUPFD_CLOEXEC = 1030;

    /** open(2); returns the fd or {@code -errno}. */
    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int fd = (int) (long) OPEN.invokeExact(state, address(arena.allocateFrom(path)), (long) flags, 0L);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl(2) with a pointer argument; returns the result (0 or more) or {@code -errno}. */
    static int ioctl(int fd, long request, MemorySegment argument) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) (long) IOCTL.invokeExact(state, (long) fd, request, address(argument));
            return result >= 0 ? result : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            Reference.reachabilityFence(argument);
        }
    }

    /** ioctl(2) with an integer argument; returns the result (0 or more) or {@code -errno}. */
    static int ioctl(int fd, long request, long value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) (long) IOCTL.invokeExact(state, (long) fd, request, value);
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
            MemorySegment current = arena.allocate(SIGACTION_SIZE);
            int result = (int) (long) SIGACTION.invokeExact(state, (long) signal, 0L, address(current), 0L, 0L, 0L);
            if (result != 0 || current.get(JAVA_LONG, 0) != SIG_IGN) {
                return false;
            }
            long previous = (long) SIGNAL.invokeExact(state, (long) signal, 0L, 0L, 0L, 0L, 0L); // SIG_DFL is 0
            return previous == SIG_IGN;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** close(2); returns 0 or {@code -errno}. Not retried on EINTR: on Linux the fd is gone either way. */
    static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) (long) CLOSE.invokeExact(state, (long) fd, 0L, 0L, 0L, 0L, 0L);
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
            long result = (long) READV.invokeExact(state, (long) fd, address(iov), (long) count, 0L, 0L, 0L);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            Reference.reachabilityFence(iov);
        }
    }

    /**
     * sendmmsg(2) of the {@code count} message headers at native address {@code vec}, no flags, errno
     * captured into {@code state}; returns how many left or {@code -errno}. Allocates nothing: per burst.
     */
    static int sendmmsg(MemorySegment state, int fd, long vec, int count) {
        try {
            int sent = (int) (long) SENDMMSG.invokeExact(state, (long) fd, vec, (long) count, 0L, 0L, 0L);
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
            int received =
                    (int) (long) RECVMMSG.invokeExact(state, (long) fd, vec, (long) count, (long) MSG_DONTWAIT, 0L, 0L);
            return received >= 0 ? received : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A second fd for the same open file (fcntl F_DUPFD_CLOEXEC); returns it or {@code -errno}. */
    static int dup(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int copy = (int) (long) FCNTL.invokeExact(state, (long) fd, (long) F_DUPFD_CLOEXEC, 0L);
            return copy >= 0 ? copy : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** socket(2); returns the fd or {@code -errno}. */
    static int socket(int domain, int type, int protocol) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int fd = (int) (long) SOCKET.invokeExact(state, (long) domain, (long) type, (long) protocol, 0L, 0L, 0L);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setsockopt(2) with the bytes of {@code value}; returns 0 or {@code -errno}. */
    static int setsockopt(int fd, int level, int name, MemorySegment value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) (long) SETSOCKOPT.invokeExact(
                    state, (long) fd, (long) level, (long) name, address(value), value.byteSize(), 0L);
            return result == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            Reference.reachabilityFence(value);
        }
    }

    /**
     * sendto(2) of the first {@code length} bytes of {@code data} to the socket address {@code to}, errno captured
     * into {@code state} (a segment of {@link #captureStateLayout()}); returns the bytes sent or {@code -errno}.
     * Allocates nothing: per packet.
     */
    static long sendto(MemorySegment state, int fd, MemorySegment data, long length, MemorySegment to) {
        try {
            long sent =
                    (long) SENDTO.invokeExact(state, (long) fd, address(data), length, 0L, address(to), to.byteSize());
            return sent >= 0 ? sent : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            Reference.reachabilityFence(data);
            Reference.reachabilityFence(to);
        }
    }

    /** send(2) of the bytes of {@code data}; returns the bytes sent or {@code -errno}. */
    static long send(int fd, MemorySegment data, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            long sent = (long) SEND.invokeExact(state, (long) fd, address(data), data.byteSize(), (long) flags, 0L, 0L);
            return sent >= 0 ? sent : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            Reference.reachabilityFence(data);
        }
    }

    /** recv(2) into {@code buffer}; returns the length (the datagram's own with MSG_TRUNC) or {@code -errno}. */
    static long recv(int fd, MemorySegment buffer, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            long length =
                    (long) RECV.invokeExact(state, (long) fd, address(buffer), buffer.byteSize(), (long) flags, 0L, 0L);
            return length >= 0 ? length : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            Reference.reachabilityFence(buffer);
        }
    }

    /** connect(2) to the socket address in {@code address}; returns 0 or {@code -errno}. */
    static int connect(int fd, MemorySegment address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int)
                    (long) CONNECT.invokeExact(state, (long) fd, address(address), address.byteSize(), 0L, 0L, 0L);
            return result == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            Reference.reachabilityFence(address);
        }
    }

    /**
     * getsockopt(2) into {@code value} (its whole size offered); returns the length the kernel wrote or
     * {@code -errno}.
     */
    static int getsockopt(int fd, int level, int name, MemorySegment value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, (int) value.byteSize());
            int result = (int) (long) GETSOCKOPT.invokeExact(
                    state, (long) fd, (long) level, (long) name, address(value), address(length), 0L);
            return result == 0 ? length.get(ValueLayout.JAVA_INT, 0) : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            Reference.reachabilityFence(value);
        }
    }

    /** setns(2): moves the calling thread into the namespace {@code fd} refers to; returns 0 or {@code -errno}. */
    static int setns(int fd, int type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int result = (int) (long) SETNS.invokeExact(state, (long) fd, (long) type, 0L, 0L, 0L, 0L);
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
            long text = (long) STRERROR.invokeExact(state, (long) errno, 0L, 0L, 0L, 0L, 0L);
            return MemorySegment.ofAddress(text).reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The layout of the errno-capture segment {@link #readv}, {@link #sendmmsg} and {@link #recvmmsg} take. */
    static StructLayout captureStateLayout() {
        return CAPTURE_LAYOUT;
    }
}
