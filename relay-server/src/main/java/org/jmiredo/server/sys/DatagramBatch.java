package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A batch of IPv4 UDP datagrams for one sendmmsg(2), in native memory of its own, reused batch after batch:
 * per datagram a {@code struct mmsghdr} (64 bytes on 64-bit Linux), one {@code struct iovec} pointing at
 * the caller's payload (not copied: it must stay put until {@link #send} returns) and a
 * {@code struct sockaddr_in}. What does not change (name and iovec pointers, lengths, the family) is
 * written once, so {@link #add} writes four fields. For one event loop's thread; nothing is allocated
 * per datagram or per call.
 */
public final class DatagramBatch {
    // struct mmsghdr = struct msghdr (msg_name 0, msg_namelen 8, msg_iov 16, msg_iovlen 24, msg_control 32,
    // msg_controllen 40, msg_flags 48) + unsigned msg_len at 56, padded to 64 (x86-64 and arm64).
    private static final int MMSGHDR = 64;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int IOVEC = 16; // iov_base, iov_len
    private static final int SOCKADDR_IN = 16; // sin_family, sin_port (network order), sin_addr, zero
    private static final short AF_INET = 2;
    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    private final int capacity;
    private final MemorySegment headers;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    private final MemorySegment callState;
    private int size;

    public DatagramBatch(int capacity) {
        this.capacity = capacity;
        Arena arena = Arena.ofAuto(); // freed with the batch; the loop's thread may not be the creator's
        headers = arena.allocate((long) capacity * MMSGHDR, 8);
        iovecs = arena.allocate((long) capacity * IOVEC, 8);
        names = arena.allocate((long) capacity * SOCKADDR_IN, 8);
        callState = arena.allocate(Libc.captureStateLayout());
        for (int i = 0; i < capacity; i++) {
            long h = (long) i * MMSGHDR;
            headers.set(JAVA_LONG, h + MSG_NAME, names.address() + (long) i * SOCKADDR_IN);
            headers.set(JAVA_INT, h + MSG_NAMELEN, SOCKADDR_IN);
            headers.set(JAVA_LONG, h + MSG_IOV, iovecs.address() + (long) i * IOVEC);
            headers.set(JAVA_LONG, h + MSG_IOVLEN, 1);
            names.set(JAVA_SHORT, (long) i * SOCKADDR_IN, AF_INET);
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Datagrams added since the last {@link #clear}. */
    public int size() {
        return size;
    }

    public boolean isFull() {
        return size == capacity;
    }

    /** Adds {@code length} bytes at native {@code address} for {@code ipv4} (as an int, first octet highest). */
    public void add(long address, int length, int ipv4, int port) {
        int i = size++;
        iovecs.set(JAVA_LONG, (long) i * IOVEC, address);
        iovecs.set(JAVA_LONG, (long) i * IOVEC + 8, length);
        names.set(NET_SHORT, (long) i * SOCKADDR_IN + 2, (short) port);
        names.set(NET_INT, (long) i * SOCKADDR_IN + 4, ipv4);
    }

    /** The destination of the {@code i}th datagram added. */
    public int ipv4(int i) {
        return names.get(NET_INT, (long) i * SOCKADDR_IN + 4);
    }

    public int port(int i) {
        return Short.toUnsignedInt(names.get(NET_SHORT, (long) i * SOCKADDR_IN + 2));
    }

    public void clear() {
        size = 0;
    }

    /**
     * sendmmsg(2) of {@code count} datagrams from the {@code from}th on socket {@code fd}: how many left
     * (at least one; the kernel stops at the first that fails, and reports that one's error on the next
     * call that starts with it), or {@code -errno} when the first one failed.
     */
    public int send(int fd, int from, int count) {
        return Libc.sendmmsg(callState, fd, headers.address() + (long) from * MMSGHDR, count);
    }
}
