package org.jmiredo.server.sys;

/**
 * A batch of IPv4 UDP datagrams for one sendmmsg(2), in native memory of its own ({@link MessageHeaders}),
 * reused batch after batch: each datagram's iovec points at the caller's payload (not copied: it must stay
 * put until {@link #send} returns), so {@link #add} writes four fields. For one event loop's thread; nothing
 * is allocated per datagram or per call.
 */
public final class DatagramBatch {
    private final MessageHeaders messages;
    private int size;

    public DatagramBatch(int capacity) {
        this.messages = new MessageHeaders(capacity);
    }

    public int capacity() {
        return messages.capacity();
    }

    /** Datagrams added since the last {@link #clear}. */
    public int size() {
        return size;
    }

    public boolean isFull() {
        return size == messages.capacity();
    }

    /** Adds {@code length} bytes at native {@code address} for {@code ipv4} (as an int, first octet highest). */
    public void add(long address, int length, int ipv4, int port) {
        int i = size++;
        messages.buffer(i, address, length);
        messages.name(i, ipv4, port);
    }

    /** The destination of the {@code i}th datagram added. */
    public int ipv4(int i) {
        return messages.ipv4(i);
    }

    public int port(int i) {
        return messages.port(i);
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
        return Libc.sendmmsg(messages.callState, fd, messages.address(from), count);
    }
}
