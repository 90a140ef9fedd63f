package org.jmiredo.bench.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The generator's only native calls (Linux x86-64/aarch64 glibc), through the foreign function API:
 * sockets, batched send/receive (sendmmsg(2)/recvmmsg(2)) and setns(2). Every call returns the raw
 * result; a negative one is turned into a {@link NativeException} with errno by {@link #check}.
 */
public final class Libc {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_PACKET = 17;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    /** raw(7): protocol IPPROTO_RAW implies IP_HDRINCL, the caller writes the IPv4 header. */
    public static final int IPPROTO_RAW = 255;

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVTIMEO = 20;
    /** socket(7): like SO_*BUF but may exceed net.core.[rw]mem_max (needs CAP_NET_ADMIN). */
    public static final int SO_SNDBUFFORCE = 32;

    public static final int SO_RCVBUFFORCE = 33;
    public static final int SOL_PACKET = 263;
    /** packet(7), Linux 4.20: do not loop our own transmitted packets back to this socket. */
    public static final int PACKET_IGNORE_OUTGOING = 23;

    public static final int ETH_P_IP = 0x0800;
    /** recvmmsg(2): block for the first datagram only, then take what is queued. */
    public static final int MSG_WAITFORONE = 0x10000;

    public static final int MSG_DONTWAIT = 0x40;
    public static final int CLONE_NEWNET = 0x4000_0000;
    public static final int O_RDONLY = 0;
    public static final int EAGAIN = 11;
    public static final int EINTR = 4;
    public static final int ENOBUFS = 105;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = fn("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = fn("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SETSOCKOPT =
            fn("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SENDMMSG = fn("sendmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle RECVMMSG =
            fn("recvmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle CLOSE = fn("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle OPEN = fn("open", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SETNS = fn("setns", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle IF_NAMETOINDEX =
            LINKER.downcallHandle(LIBC.find("if_nametoindex").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));

    /** One errno capture area per thread: the calls are made from several generator threads at once. */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private Libc() {}

    private static MethodHandle fn(String name, ValueLayout result, ValueLayout... args) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), FunctionDescriptor.of(result, args), ERRNO_OPT);
    }

    /** errno of this thread's last call made through this class. */
    public static int errno() {
        return (int) ERRNO.get(STATE.get(), 0L);
    }

    public static int socket(int domain, int type, int protocol) {
        try {
            return check("socket", (int) SOCKET.invokeExact(STATE.get(), domain, type, protocol));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void bind(int fd, MemorySegment addr) {
        try {
            check("bind", (int) BIND.invokeExact(STATE.get(), fd, addr, (int) addr.byteSize()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setsockopt(int fd, int level, int name, MemorySegment value) {
        try {
            check("setsockopt(" + level + "," + name + ")", (int)
                    SETSOCKOPT.invokeExact(STATE.get(), fd, level, name, value, (int) value.byteSize()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setsockoptInt(int fd, int level, int name, int value) {
        try (Arena arena = Arena.ofConfined()) {
            setsockopt(fd, level, name, arena.allocateFrom(JAVA_INT, value));
        }
    }

    /** Sets SO_RCVTIMEO so blocking receives return EAGAIN after {@code millis}, letting threads notice a stop. */
    public static void receiveTimeout(int fd, int millis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tv = arena.allocate(16, 8);
            tv.set(ValueLayout.JAVA_LONG, 0, millis / 1000);
            tv.set(ValueLayout.JAVA_LONG, 8, (millis % 1000) * 1000L);
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv);
        }
    }

    /** sendmmsg(2): returns messages sent, or -errno (EAGAIN/ENOBUFS are the caller's to handle). */
    public static int sendmmsg(int fd, MemorySegment vec, int count) {
        try {
            int n = (int) SENDMMSG.invokeExact(STATE.get(), fd, vec, count, 0);
            return n >= 0 ? n : -errno();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** recvmmsg(2) without timeout: returns messages received, or -errno. */
    public static int recvmmsg(int fd, MemorySegment vec, int count, int flags) {
        try {
            int n = (int) RECVMMSG.invokeExact(STATE.get(), fd, vec, count, flags, MemorySegment.NULL);
            return n >= 0 ? n : -errno();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(STATE.get(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return check("open " + path, (int) OPEN.invokeExact(STATE.get(), arena.allocateFrom(path), flags));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setns(2) for the calling thread only (network namespaces are per task). */
    public static void setns(int fd, int nstype) {
        try {
            check("setns", (int) SETNS.invokeExact(STATE.get(), fd, nstype));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ifNameToIndex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            int index = (int) IF_NAMETOINDEX.invokeExact(arena.allocateFrom(name));
            if (index == 0) {
                throw new NativeException("if_nametoindex " + name, 19);
            }
            return index;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int check(String what, int result) {
        if (result < 0) {
            throw new NativeException(what, errno());
        }
        return result;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
