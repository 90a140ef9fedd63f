package org.jmiredo.bench.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A batch of {@code struct mmsghdr} for sendmmsg(2)/recvmmsg(2), each with one iovec over its own
 * fixed-size buffer and its own socket-address slot, all in one native allocation that lives as long as
 * the batch (x86-64/aarch64 LP64 layout: msghdr is 56 bytes, mmsghdr 64).
 */
public final class MsgVec implements AutoCloseable {
    static final int MMSGHDR = 64;
    static final int IOVEC = 16;
    static final int NAME = 32;
    private static final long MSG_NAME = 0;
    private static final long MSG_NAMELEN = 8;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;
    private static final long MSG_LEN = 56;
    private static final long IOV_LEN = 8;

    private final Arena arena = Arena.ofShared();
    private final int count;
    private final int slotSize;
    private final MemorySegment headers;
    private final MemorySegment iovs;
    private final MemorySegment names;
    private final MemorySegment[] buffers;
    private final MemorySegment[] nameSlots;

    public MsgVec(int count, int slotSize) {
        this.count = count;
        this.slotSize = slotSize;
        headers = arena.allocate((long) count * MMSGHDR, 64);
        iovs = arena.allocate((long) count * IOVEC, 16);
        names = arena.allocate((long) count * NAME, 16);
        MemorySegment data = arena.allocate((long) count * slotSize, 64);
        buffers = new MemorySegment[count];
        nameSlots = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            buffers[i] = data.asSlice((long) i * slotSize, slotSize);
            nameSlots[i] = names.asSlice((long) i * NAME, NAME);
            long h = (long) i * MMSGHDR;
            iovs.set(ADDRESS, (long) i * IOVEC, buffers[i]);
            iovs.set(JAVA_LONG, (long) i * IOVEC + IOV_LEN, slotSize);
            headers.set(ADDRESS, h + MSG_IOV, iovs.asSlice((long) i * IOVEC, IOVEC));
            headers.set(JAVA_LONG, h + MSG_IOVLEN, 1);
        }
    }

    public int count() {
        return count;
    }

    public int slotSize() {
        return slotSize;
    }

    /** The array to pass to sendmmsg/recvmmsg. */
    public MemorySegment vector() {
        return headers;
    }

    /** Vector starting at message {@code from}: to resend the rest after a partial sendmmsg. */
    public MemorySegment vectorFrom(int from) {
        return headers.asSlice((long) from * MMSGHDR);
    }

    public MemorySegment buffer(int i) {
        return buffers[i];
    }

    /** The socket-address slot of message {@code i} (32 bytes). */
    public MemorySegment name(int i) {
        return nameSlots[i];
    }

    /** Points message {@code i} at its address slot, {@code length} bytes of it (0: no address). */
    public void useName(int i, int length) {
        long h = (long) i * MMSGHDR;
        headers.set(ADDRESS, h + MSG_NAME, length == 0 ? MemorySegment.NULL : nameSlots[i]);
        headers.set(JAVA_INT, h + MSG_NAMELEN, length);
    }

    /** The bytes of message {@code i} to send (at most the slot size). */
    public void length(int i, int length) {
        iovs.set(JAVA_LONG, (long) i * IOVEC + IOV_LEN, length);
    }

    /** After recvmmsg: the bytes received in message {@code i}. */
    public int received(int i) {
        return headers.get(JAVA_INT, (long) i * MMSGHDR + MSG_LEN);
    }

    @Override
    public void close() {
        arena.close();
    }
}
