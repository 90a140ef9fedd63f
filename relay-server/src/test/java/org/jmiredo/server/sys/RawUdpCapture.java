package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * For tests that check the outer IPv4 header of what our sockets send: {@code socket(AF_INET, SOCK_RAW,
 * IPPROTO_UDP)} gets a copy of every UDP/IPv4 datagram the host receives, IPv4 header included (raw(7)). A
 * classic BPF filter keeps only those to one UDP port, so that other traffic on a busy host cannot fill the
 * socket's buffer first. Needs CAP_NET_RAW. {@link #next} waits as long as it is told.
 */
public final class RawUdpCapture implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int IPPROTO_UDP = 17;
    /** asm-generic/socket.h. */
    private static final int SO_ATTACH_FILTER = 26;

    private static final int MAX_DATAGRAM = 65_535;
    private final int fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(MAX_DATAGRAM);
    /** struct timeval for SO_RCVTIMEO, and the seconds it was last set to (0: never set, recv would block). */
    private final MemorySegment timeval = arena.allocate(16, 8);

    private int waitSeconds;

    private RawUdpCapture(int fd) {
        this.fd = fd;
    }

    /** Captures the datagrams to UDP port {@code port}. */
    public static RawUdpCapture open(int port) throws NativeException {
        int fd = Libc.socket(AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, IPPROTO_UDP);
        if (fd < 0) {
            throw new NativeException("a raw IPv4 socket needs CAP_NET_RAW", "socket AF_INET SOCK_RAW", -fd);
        }
        RawUdpCapture capture = new RawUdpCapture(fd);
        try {
            capture.set(SO_ATTACH_FILTER, capture.portFilter(port), "setsockopt SO_ATTACH_FILTER");
        } catch (NativeException e) {
            capture.close();
            throw e;
        }
        return capture;
    }

    /**
     * struct sock_fprog for: X = IPv4 header length; A = the UDP destination port; accept when it is {@code port},
     * else drop (linux/filter.h opcodes).
     */
    private MemorySegment portFilter(int port) {
        int[][] program = {
            {0xb1, 0, 0, 0}, // BPF_LDX | BPF_B | BPF_MSH: X = 4 * (byte 0 & 0xf)
            {0x48, 0, 0, 2}, // BPF_LD | BPF_H | BPF_IND: A = the half-word at X + 2
            {0x15, 0, 1, port}, // BPF_JMP | BPF_JEQ | BPF_K
            {0x06, 0, 0, MAX_DATAGRAM}, // BPF_RET | BPF_K: accept
            {0x06, 0, 0, 0}, // drop
        };
        MemorySegment filter = arena.allocate(8L * program.length, 8);
        for (int i = 0; i < program.length; i++) {
            filter.set(JAVA_SHORT, 8L * i, (short) program[i][0]);
            filter.set(JAVA_BYTE, 8L * i + 2, (byte) program[i][1]);
            filter.set(JAVA_BYTE, 8L * i + 3, (byte) program[i][2]);
            filter.set(JAVA_INT, 8L * i + 4, program[i][3]);
        }
        MemorySegment fprog = arena.allocate(16, 8);
        fprog.set(JAVA_SHORT, 0, (short) program.length);
        fprog.set(ADDRESS, 8, filter);
        return fprog;
    }

    private void set(int option, MemorySegment value, String what) throws NativeException {
        int result = Libc.setsockopt(fd, NetlinkSocket.SOL_SOCKET, option, value);
        if (result < 0) {
            throw new NativeException("cannot set up the capture", what, -result);
        }
    }

    /**
     * The next datagram captured, from its IPv4 header on; null when none came within {@code seconds}. A datagram
     * already sent may still be on its way (the kernel's softirq, deferred on a loaded machine): wait long for one
     * that must come, briefly where none may.
     */
    public byte[] next(int seconds) throws NativeException {
        if (seconds < 1) {
            throw new IllegalArgumentException("at least a second, or recv would block: " + seconds);
        }
        if (seconds != waitSeconds) {
            timeval.set(JAVA_LONG, 0, seconds);
            set(NetlinkSocket.SO_RCVTIMEO, timeval, "setsockopt SO_RCVTIMEO");
            waitSeconds = seconds;
        }
        long length = Libc.recv(fd, buffer, 0);
        return length < 0 ? null : buffer.asSlice(0, length).toArray(JAVA_BYTE);
    }

    @Override
    public void close() {
        Libc.close(fd);
        arena.close();
    }
}
