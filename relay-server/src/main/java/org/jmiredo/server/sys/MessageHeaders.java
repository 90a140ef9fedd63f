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
 * that a batch only writes or reads the fields that change. A send batch may point a message at several
 * consecutive iovecs and give it a UDP_SEGMENT control message (each message's is prepared here too), so
 * that the kernel cuts it into datagrams (UDP GSO). Nothing is allocated after construction; the memory is
 * freed with the object. One thread at a time.
 */
final class MessageHeaders {
    // struct mmsghdr = struct msghdr (msg_name 0, msg_namelen 8, msg_iov 16, msg_iovlen 24, msg_control 32,
    // msg_controllen 40, msg_flags 48) + unsigned msg_len at 56, padded to 64 (x86-64 and arm64).
    private static final int MMSGHDR = 64;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSG_FLAGS = 48;
    private static final int MSG_LEN = 56;
    private static final int IOVEC = 16; // iov_base, iov_len
    private static final int SOCKADDR_IN = 16; // sin_family, sin_port (network order), sin_addr, zero
    private static final short AF_INET = 2;
    // struct cmsghdr (cmsg_len as size_t at 0, cmsg_level 8, cmsg_type 12, data at 16) with a __u16 of data:
    // CMSG_LEN(2) = 18, CMSG_SPACE(2) = 24 on 64-bit Linux. udp_cmsg_send (net/ipv4/udp.c) refuses any
    // other cmsg_len for UDP_SEGMENT with EINVAL.
    private static final int CMSG_SPACE_U16 = 24;
    private static final int CMSG_LEN_U16 = 18;
    private static final int CMSG_LEVEL = 8;
    private static final int CMSG_TYPE = 12;
    private static final int CMSG_DATA = 16;
    /** SOL_UDP and UDP_SEGMENT (linux/udp.h, Linux 4.18): the segment size of a GSO send. */
    static final int SOL_UDP = 17;

    static final int UDP_SEGMENT = 103;
    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    private final int capacity;
    private final MemorySegment headers;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    private final MemorySegment controls;
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
        controls = arena.allocate((long) capacity * CMSG_SPACE_U16, 8);
        callState = globalView(arena.allocate(Libc.captureStateLayout()));
        for (int i = 0; i < capacity; i++) {
            long h = (long) i * MMSGHDR;
            headers.set(JAVA_LONG, h + MSG_NAME, names.address() + (long) i * SOCKADDR_IN);
            headers.set(JAVA_INT, h + MSG_NAMELEN, SOCKADDR_IN);
            headers.set(JAVA_LONG, h + MSG_IOV, iovecs.address() + (long) i * IOVEC);
            headers.set(JAVA_LONG, h + MSG_IOVLEN, 1);
            names.set(JAVA_SHORT, (long) i * SOCKADDR_IN, AF_INET);
            long c = (long) i * CMSG_SPACE_U16;
            headers.set(JAVA_LONG, h + MSG_CONTROL, controls.address() + c); // read only while msg_controllen is set
            controls.set(JAVA_LONG, c, CMSG_LEN_U16);
            controls.set(JAVA_INT, c + CMSG_LEVEL, SOL_UDP);
            controls.set(JAVA_INT, c + CMSG_TYPE, UDP_SEGMENT);
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

    /** The length {@link #buffer} gave iovec {@code i}. */
    int bufferLength(int i) {
        return (int) iovecs.get(JAVA_LONG, (long) i * IOVEC + 8);
    }

    /** Points message {@code i} at the iovecs from the {@code first}th on (see {@link #buffer}), as many as it has. */
    void iovecsFrom(int i, int first) {
        headers.set(JAVA_LONG, (long) i * MMSGHDR + MSG_IOV, iovecs.address() + (long) first * IOVEC);
    }

    /** Sets how many iovecs message {@code i} sends, from where {@link #iovecsFrom} pointed it. */
    void iovecCount(int i, int count) {
        headers.set(JAVA_LONG, (long) i * MMSGHDR + MSG_IOVLEN, count);
    }

    /**
     * Gives message {@code i} a UDP_SEGMENT control message of {@code size} bytes (1 to 65,535): the kernel
     * sends its bytes as datagrams of that size, the last one possibly shorter.
     */
    void segmentSize(int i, int size) {
        controls.set(JAVA_SHORT, (long) i * CMSG_SPACE_U16 + CMSG_DATA, (short) size);
        headers.set(JAVA_LONG, (long) i * MMSGHDR + MSG_CONTROLLEN, CMSG_SPACE_U16);
    }

    /**
     * Message {@code i} as constructed: its own iovec only and no control data (sent as one datagram), after
     * {@link #iovecsFrom}, {@link #iovecCount} or {@link #segmentSize} changed it.
     */
    void reset(int i) {
        long h = (long) i * MMSGHDR;
        headers.set(JAVA_LONG, h + MSG_IOV, iovecs.address() + (long) i * IOVEC);
        headers.set(JAVA_LONG, h + MSG_IOVLEN, 1);
        headers.set(JAVA_LONG, h + MSG_CONTROLLEN, 0);
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
