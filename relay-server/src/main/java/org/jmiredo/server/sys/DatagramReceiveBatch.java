package org.jmiredo.server.sys;

/**
 * The receiving twin of {@link DatagramBatch}: a batch of IPv4 UDP datagrams for one recvmmsg(2), each into
 * a slot of native memory the caller owns ({@link #slot}: set once per buffer, not per call), with the
 * sender read back as two ints. For one event loop's thread; nothing is allocated per datagram or per call.
 */
public final class DatagramReceiveBatch {
    /** MSG_TRUNC in msg_flags (linux/socket.h): the datagram was larger than its slot and was cut. */
    private static final int MSG_TRUNC = 0x20;

    private final MessageHeaders messages;

    public DatagramReceiveBatch(int capacity) {
        this.messages = new MessageHeaders(capacity);
    }

    public int capacity() {
        return messages.capacity();
    }

    /** Points datagram {@code i}'s slot at {@code length} bytes of native memory at {@code address}. */
    public void slot(int i, long address, int length) {
        messages.buffer(i, address, length);
    }

    /**
     * recvmmsg(2) of up to {@code count} datagrams (from the first slot on) from socket {@code fd}, without
     * waiting: how many arrived, or {@code -errno} (EAGAIN: none waiting).
     */
    public int receive(int fd, int count) {
        return Libc.recvmmsg(messages.callState, fd, messages.address(0), count);
    }

    /** The bytes of the {@code i}th datagram received that are in its slot. */
    public int length(int i) {
        return messages.length(i);
    }

    /** True when the {@code i}th datagram was larger than its slot: only {@link #length} of it are there. */
    public boolean truncated(int i) {
        return (messages.flags(i) & MSG_TRUNC) != 0;
    }

    /** The sender of the {@code i}th datagram received, as an int, first octet highest. */
    public int ipv4(int i) {
        return messages.ipv4(i);
    }

    public int port(int i) {
        return messages.port(i);
    }
}
