package org.jmiredo.bench.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Writes sockaddr_in / sockaddr_in6 / sockaddr_ll into native memory (ports and addresses in network order). */
public final class SockAddr {
    public static final int IN_LENGTH = 16;
    public static final int IN6_LENGTH = 28;
    public static final int LL_LENGTH = 20;
    static final ValueLayout.OfShort SHORT_BE = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt INT_BE = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SockAddr() {}

    public static void in(MemorySegment at, int ipv4, int port) {
        at.asSlice(0, IN_LENGTH).fill((byte) 0);
        at.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
        at.set(SHORT_BE, 2, (short) port);
        at.set(INT_BE, 4, ipv4);
    }

    public static void in6(MemorySegment at, long hi, long lo, int port) {
        at.asSlice(0, IN6_LENGTH).fill((byte) 0);
        at.set(JAVA_SHORT, 0, (short) Libc.AF_INET6);
        at.set(SHORT_BE, 2, (short) port);
        at.set(LONG_BE, 8, hi);
        at.set(LONG_BE, 16, lo);
    }

    /** Only the changing part of a sockaddr_in6 already written by {@link #in6}: the address's lower half. */
    public static void in6Lo(MemorySegment at, long lo) {
        at.set(LONG_BE, 16, lo);
    }

    public static void ll(MemorySegment at, int protocol, int ifindex) {
        at.asSlice(0, LL_LENGTH).fill((byte) 0);
        at.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
        at.set(SHORT_BE, 2, (short) protocol);
        at.set(JAVA_INT, 4, ifindex);
        at.set(JAVA_BYTE, 10, (byte) 0);
    }
}
