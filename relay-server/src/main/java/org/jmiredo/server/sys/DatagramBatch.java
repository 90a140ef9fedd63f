package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A batch of IPv4 UDP datagrams for one sendmmsg(2), in native memory of its own ({@link MessageHeaders}),
 * reused batch after batch: each datagram's iovec points at the caller's payload (not copied: it must stay
 * put until {@link #send} returns). For one event loop's thread; nothing is allocated per datagram or per call.
 *
 * <p>With {@link #segmenting} on, a run of consecutive datagrams to one destination, all of one size but the
 * last (which may be shorter), becomes one message: its iovecs are the datagrams' and a UDP_SEGMENT control
 * message gives the size (UDP GSO, Linux 4.18, commit bec1f6f69736 "udp: generate gso with UDP_SEGMENT"). The
 * kernel walks its UDP/IP path once for the run and cuts it late: at the device, or only in the receiver's
 * socket when the path (veth, bridge, loopback) carries it whole. A receiver without UDP_GRO gets every
 * datagram as sent. Otherwise each datagram is a message of its own.
 */
public final class DatagramBatch {
    /**
     * Datagrams in one GSO message at most: UDP_MAX_SEGMENTS (linux/udp.h) was 64 (1 << 6) from Linux 4.18 and
     * became 128 in 2024 ("net: change maximum number of UDP segments to 128", also in stable kernels); a longer
     * run is refused with EINVAL, so the older bound holds everywhere.
     */
    public static final int MAX_SEGMENTS = 64;
    /** The payload of a GSO message is one IPv4 UDP datagram's at most: 65,535 less 20 + 8 header bytes. */
    public static final int MAX_RUN_BYTES = 65_507;
    /**
     * Larger datagrams are sent one by one: a segment must fit the device's MTU with its headers (else EINVAL,
     * EMSGSIZE on kernels since 2024), where a plain datagram is fragmented by IP (the relay sends without DF). 1,472 bytes
     * fill a 1,500-byte Ethernet frame; Teredo datagrams of a 1,280-byte tunnel are at most 1,288 + 13 (auth).
     */
    public static final int MAX_SEGMENT_SIZE = 1_472;

    private final MessageHeaders messages;
    // Per datagram, in the order added.
    private final int[] lengths;
    private final int[] ipv4s;
    private final int[] ports;
    // Per message: its first datagram and how many follow it.
    private final int[] firsts;
    private final int[] counts;
    private int size;
    private int messageCount;
    /** Payload bytes of the last message. */
    private int lastBytes;
    private boolean segmenting;

    public DatagramBatch(int capacity) {
        this.messages = new MessageHeaders(capacity);
        this.lengths = new int[capacity];
        this.ipv4s = new int[capacity];
        this.ports = new int[capacity];
        this.firsts = new int[capacity];
        this.counts = new int[capacity];
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

    /** Whether the datagrams added from now on may join runs (see the class comment); off at first. */
    public void segmenting(boolean on) {
        segmenting = on;
    }

    /** Adds {@code length} bytes at native {@code address} for {@code ipv4} (as an int, first octet highest). */
    public void add(long address, int length, int ipv4, int port) {
        int i = size++;
        messages.buffer(i, address, length);
        lengths[i] = length;
        ipv4s[i] = ipv4;
        ports[i] = port;
        if (segmenting && joinsLastMessage(i)) {
            int m = messageCount - 1;
            lastBytes += length;
            messages.iovecCount(m, ++counts[m]);
            messages.segmentSize(m, lengths[firsts[m]]); // the same value again after the second: no branch
        } else {
            startMessage(i);
        }
    }

    /**
     * Datagram {@code i} continues the last message's run: same destination, the run's size or shorter after
     * one of that size, room left (linux/udp.h). Two branches, not one per rule: the JIT prunes a branch it
     * never saw taken, and a rule met for the first time later would then cost a deoptimization and a new
     * compilation of the whole burst loop this is inlined into.
     */
    private boolean joinsLastMessage(int i) {
        if (messageCount == 0) {
            return false;
        }
        int m = messageCount - 1;
        int first = firsts[m];
        int segment = lengths[first];
        int differs = (ipv4s[i] ^ ipv4s[first]) | (ports[i] ^ ports[first]) | (lengths[i - 1] ^ segment);
        int room = (segment - lengths[i]) | (segment - 1) | (MAX_SEGMENT_SIZE - segment)
                | (MAX_SEGMENTS - 1 - counts[m]) | (MAX_RUN_BYTES - lastBytes - lengths[i]); // negative when any is
        return (differs | room >>> 31) == 0;
    }

    private void startMessage(int i) {
        int m = messageCount++;
        firsts[m] = i;
        counts[m] = 1;
        lastBytes = lengths[i];
        messages.iovecs(m, i, 1);
        messages.noSegments(m);
        messages.name(m, ipv4s[i], ports[i]);
    }

    /** Messages the datagrams make: as many as datagrams, fewer when runs were joined. */
    public int messages() {
        return messageCount;
    }

    /** The index of message {@code m}'s first datagram. */
    public int firstDatagram(int m) {
        return firsts[m];
    }

    /** How many datagrams message {@code m} carries. */
    public int datagrams(int m) {
        return counts[m];
    }

    /** Message {@code m}'s UDP_SEGMENT size, or 0 when it is one datagram sent as such. */
    public int segmentSize(int m) {
        return counts[m] > 1 ? lengths[firsts[m]] : 0;
    }

    /**
     * Makes every datagram from message {@code m} on a message of its own, as if added without segmenting
     * (after the kernel refused a run); the messages before {@code m} stay as they are.
     */
    public void ungroup(int m) {
        int from = firsts[m];
        messageCount = m;
        for (int i = from; i < size; i++) {
            startMessage(i);
        }
    }

    /** The destination of the {@code i}th datagram added. */
    public int ipv4(int i) {
        return ipv4s[i];
    }

    public int port(int i) {
        return ports[i];
    }

    public void clear() {
        size = 0;
        messageCount = 0;
    }

    /**
     * sendmmsg(2) of {@code count} messages from the {@code from}th on socket {@code fd}: how many messages
     * left (at least one; the kernel stops at the first that fails, and reports that one's error on the next
     * call that starts with it), or {@code -errno} when the first one failed.
     */
    public int send(int fd, int from, int count) {
        return Libc.sendmmsg(messages.callState, fd, messages.address(from), count);
    }

    /**
     * Whether the kernel knows UDP_SEGMENT on socket {@code fd}: setsockopt of a segment size of 0 (the
     * default: no segmentation) returns 0, or {@code -errno} (ENOPROTOOPT before Linux 4.18). Start-up only.
     */
    public static int probeSegmentation(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zero = arena.allocate(JAVA_INT);
            return Libc.setsockopt(fd, MessageHeaders.SOL_UDP, MessageHeaders.UDP_SEGMENT, zero);
        }
    }
}
