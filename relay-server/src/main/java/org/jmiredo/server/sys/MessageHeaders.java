package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The native memory of a sendmmsg(2) or recvmmsg(2) batch of IPv4 datagrams, one iovec each: per message a
 * {@code struct mmsghdr} (64 bytes on 64-bit Linux), its {@code struct iovec} and its {@code struct
 * sockaddr_in}, linked once at construction (name and iovec pointers, name length, iovec count, family), so
 * that a batch only writes or reads the fields that change. Nothing is allocated after construction; the
 * memory is freed with the object. One thread at a time.
 */
final class MessageHeaders {
    // struct mmsghdr = struct msghdr (msg_name 0, msg_namelen 8, msg_iov 16, msg_iovlen 24, msg_control 32,
    // msg_controllen 40, msg_flags 48) + unsigned msg_len at 56, padded to 64 (x86-64 and arm64).
    private static final int MMSGHDR = 64;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_FLAGS = 48;
    private static final int MSG_LEN = 56;
    private static final int IOVEC = 16; // iov_base, iov_len
    private static final int SOCKADDR_IN = 16; // sin_family, sin_port (network order), sin_addr, zero
    private static final short AF_INET = 2;
    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    private final int capacity;
    private final MemorySegment headers;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    /** Where the downcalls capture errno ({@link Libc#captureStateLayout()}). */
    final MemorySegment callState;

    MessageHeaders(int capacity) {
        if (capacity < 1 || capacity > 1024) {
            throw new IllegalArgumentException("a batch holds 1 to 1024 datagrams (UIO_MAXIOV), not " + capacity);
        }
        this.capacity = capacity;
        Arena arena = Arena.ofAuto(); // freed with the batch; the loop's thread may not be the creator's
        headers = arena.allocate((long) capacity * MMSGHDR, 8);
        iovecs = arena.allocate((long) capacity * IOVEC, 8);
        names = arena.allocate((long) capacity * SOCKADDR_IN, 8);
        callState = globalView(arena.allocate(Libc.captureStateLayout()));
        for (int i = 0; i < capacity; i++) {
            long h = (long) i * MMSGHDR;
            headers.set(JAVA_LONG, h + MSG_NAME, names.address() + (long) i * SOCKADDR_IN);
            headers.set(JAVA_INT, h + MSG_NAMELEN, SOCKADDR_IN);
            headers.set(JAVA_LONG, h + MSG_IOV, iovecs.address() + (long) i * IOVEC);
            headers.set(JAVA_LONG, h + MSG_IOVLEN, 1);
            names.set(JAVA_SHORT, (long) i * SOCKADDR_IN, AF_INET);
        }
    }

    // A segment of an arena other than the global one is acquired and released by each downcall it is passed
    // to, which costs an object per call here; a global view skips that. Sound: the memory lives as long as
    // this object, which holds the arena's other segments, and calls go through this object.
    @SuppressWarnings("restricted") // the JVM runs with --enable-native-access
    private static MemorySegment globalView(MemorySegment segment) {
        return MemorySegment.ofAddress(segment.address()).reinterpret(segment.byteSize());
    }

    int capacity() {
        return capacity;
    }

    /** The native address of message {@code i}'s header: where a call starting with it points. */
    long address(int i) {
        return headers.address() + (long) i * MMSGHDR;
    }

    /** Points message {@code i}'s iovec at {@code length} bytes of native memory at {@code address}. */
    void buffer(int i, long address, long length) {
        iovecs.set(JAVA_LONG, (long) i * IOVEC, address);
        iovecs.set(JAVA_LONG, (long) i * IOVEC + 8, length);
    }

    /** Sets message {@code i}'s address: {@code ipv4} as an int, first octet highest. */
    void name(int i, int ipv4, int port) {
        names.set(NET_SHORT, (long) i * SOCKADDR_IN + 2, (short) port);
        names.set(NET_INT, (long) i * SOCKADDR_IN + 4, ipv4);
    }

    int ipv4(int i) {
        return names.get(NET_INT, (long) i * SOCKADDR_IN + 4);
    }

    int port(int i) {
        return Short.toUnsignedInt(names.get(NET_SHORT, (long) i * SOCKADDR_IN + 2));
    }

    /** The bytes the kernel transferred for message {@code i} (msg_len). */
    int length(int i) {
        return headers.get(JAVA_INT, (long) i * MMSGHDR + MSG_LEN);
    }

    /** The flags the kernel returned for message {@code i} (msg_flags: MSG_TRUNC...). */
    int flags(int i) {
        return headers.get(JAVA_INT, (long) i * MMSGHDR + MSG_FLAGS);
    }
}
