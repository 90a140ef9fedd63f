package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.IntPredicate;

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
    // Per message once the batch grouped (before, message m is datagram m alone): its first datagram and how
    // many follow it.
    private final int[] firsts;
    private final int[] counts;
    // Per datagram, written by ungroup and separate only: its destination before the headers are rewritten.
    private final int[] ipv4s;
    private final int[] ports;
    private int size;
    private int messageCount;
    // The last message's run: its destination, segment size, datagrams and payload bytes. runPort is -1 while it takes
    // no more datagrams (none yet, segmenting off, a size the kernel would refuse, a shorter one ended it),
    // so that one comparison of the destination is all a datagram to another peer costs on top of its header.
    private int runIpv4;
    private int runPort = -1;
    private int runSegment;
    private int runCount;
    private int runBytes;
    /** 0 while segmenting, -1 (no port matches) when not. */
    private int notSegmenting = -1;
    /**
     * A message of this batch carries several datagrams. Until one does, message m is datagram m, whose
     * header is as constructed (own iovec, no control data): nothing of it but the name needs writing, and
     * nothing of it is noted in {@code firsts} and {@code counts}. Once one does, the headers this batch
     * changed are reset by {@link #clear}.
     */
    private boolean grouped;

    public DatagramBatch(int capacity) {
        this.messages = new MessageHeaders(capacity);
        this.firsts = new int[capacity];
        this.counts = new int[capacity];
        this.ipv4s = new int[capacity];
        this.ports = new int[capacity];
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
        notSegmenting = on ? 0 : -1;
        runPort |= notSegmenting;
    }

    /** Adds {@code length} bytes at native {@code address} for {@code ipv4} (as an int, first octet highest). */
    public void add(long address, int length, int ipv4, int port) {
        int i = size++;
        messages.buffer(i, address, length);
        // Two branches, not one per rule: the JIT prunes a branch it never saw taken, and a rule met for the
        // first time later would then cost a deoptimization and a new compilation of the whole burst loop this
        // is inlined into. The first is the destination's, all a burst to many peers ever takes.
        if (((ipv4 ^ runIpv4) | (port ^ runPort)) == 0 && fitsRun(length)) {
            join(length, port);
        } else {
            startMessage(i, length, ipv4, port);
        }
    }

    /** Whether the last message's open run takes {@code length} more bytes: its size or shorter, room left (linux/udp.h). */
    private boolean fitsRun(int length) {
        return ((runSegment - length) | (MAX_SEGMENTS - 1 - runCount) | (MAX_RUN_BYTES - runBytes - length)) >= 0;
    }

    private void join(int length, int port) {
        int m = messageCount - 1;
        if (!grouped) { // the batch's first run: the messages so far were one datagram each
            for (int k = 0; k <= m; k++) {
                firsts[k] = k;
                counts[k] = 1;
            }
            grouped = true;
        }
        runBytes += length;
        runPort = port | (length - runSegment) >> 31; // a shorter datagram is the run's last
        counts[m] = ++runCount;
        messages.iovecCount(m, runCount);
        messages.segmentSize(m, runSegment); // the same values again after the second datagram: no branch
    }

    private void startMessage(int i, int length, int ipv4, int port) {
        int m = messageCount++;
        runIpv4 = ipv4;
        runSegment = length;
        runCount = 1;
        runBytes = length;
        // No run of empty datagrams (a segment size of 0 means none) nor of ones larger than a segment may be.
        runPort = port | notSegmenting | ((length - 1) | (MAX_SEGMENT_SIZE - length)) >> 31;
        if (grouped) { // after a run in this batch: the header still has its own iovec, count 1, no control (clear)
            firsts[m] = i;
            counts[m] = 1;
            messages.iovecsFrom(m, i);
        }
        messages.name(m, ipv4, port);
    }

    /** Messages the datagrams make: as many as datagrams, fewer when runs were joined. */
    public int messages() {
        return messageCount;
    }

    /** The index of message {@code m}'s first datagram. */
    public int firstDatagram(int m) {
        return grouped ? firsts[m] : m;
    }

    /** How many datagrams message {@code m} carries. */
    public int datagrams(int m) {
        return grouped ? counts[m] : 1;
    }

    /** Message {@code m}'s UDP_SEGMENT size, or 0 when it is one datagram sent as such. */
    public int segmentSize(int m) {
        return datagrams(m) > 1 ? messages.bufferLength(firsts[m]) : 0;
    }

    /** The destination of message {@code m} (and of every datagram it carries). */
    public int ipv4(int m) {
        return messages.ipv4(m);
    }

    public int port(int m) {
        return messages.port(m);
    }

    /**
     * Makes every datagram from message {@code m} on a message of its own, as if added without segmenting
     * (after the kernel refused a run); the messages before {@code m} stay as they are.
     */
    public void ungroup(int m) {
        int segmentingWas = notSegmenting;
        notSegmenting = -1; // no run can form: each datagram starts a message
        rebuild(m, ipv4 -> true);
        notSegmenting = segmentingWas;
    }

    /**
     * Makes the datagrams of every run from message {@code m} on whose destination {@code alone} names messages
     * of their own, as if added without segmenting, and joins the others' runs again as {@link #add} did: the
     * destinations the kernel refused runs to (their route's device has a smaller MTU than a segment). Called
     * before the batch is sent, only when there are such destinations; the messages before {@code m} stay.
     */
    public void separate(int m, IntPredicate alone) {
        rebuild(m, alone);
    }

    /** The messages from {@code m} on, again from their datagrams: no run to a destination {@code alone} names. */
    private void rebuild(int m, IntPredicate alone) {
        int from = firstDatagram(m);
        for (int k = m; k < messageCount; k++) { // their destinations first: the headers are rewritten below
            int ipv4 = messages.ipv4(k);
            int port = messages.port(k);
            for (int i = firstDatagram(k); i < firstDatagram(k) + datagrams(k); i++) {
                ipv4s[i] = ipv4;
                ports[i] = port;
            }
            messages.reset(k);
        }
        messageCount = m;
        runPort = -1; // the datagram at from starts a message: it does not join message m - 1's run
        for (int i = from; i < size; i++) {
            int length = messages.bufferLength(i);
            if (((ipv4s[i] ^ runIpv4) | (ports[i] ^ runPort)) == 0 && fitsRun(length) && !alone.test(ipv4s[i])) {
                join(length, ports[i]);
            } else {
                startMessage(i, length, ipv4s[i], ports[i]);
            }
        }
    }

    public void clear() {
        if (grouped) {
            for (int m = 0; m < messageCount; m++) {
                messages.reset(m);
            }
            grouped = false;
        }
        size = 0;
        messageCount = 0;
        runPort = -1;
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
