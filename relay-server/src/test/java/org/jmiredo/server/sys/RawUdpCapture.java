package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * For tests that check the outer IPv4 header of what our sockets send: {@code socket(AF_INET, SOCK_RAW,
 * IPPROTO_UDP)} gets a copy of every UDP/IPv4 datagram the host receives, IPv4 header included (raw(7)).
 * Needs CAP_NET_RAW. {@link #next} waits at most a second per read.
 */
public final class RawUdpCapture implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int IPPROTO_UDP = 17;
    private static final int MAX_DATAGRAM = 65_535;
    private final int fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(MAX_DATAGRAM);

    private RawUdpCapture(int fd) {
        this.fd = fd;
    }

    public static RawUdpCapture open() throws NativeException {
        int fd = Libc.socket(AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, IPPROTO_UDP);
        if (fd < 0) {
            throw new NativeException("a raw IPv4 socket needs CAP_NET_RAW", "socket AF_INET SOCK_RAW", -fd);
        }
        RawUdpCapture capture = new RawUdpCapture(fd);
        MemorySegment timeval = capture.arena.allocate(16, 8);
        timeval.set(JAVA_LONG, 0, 1);
        int result = Libc.setsockopt(fd, NetlinkSocket.SOL_SOCKET, NetlinkSocket.SO_RCVTIMEO, timeval);
        if (result < 0) {
            capture.close();
            throw new NativeException("cannot set a receive timeout", "setsockopt SO_RCVTIMEO", -result);
        }
        return capture;
    }

    /**
     * The next datagram to UDP port {@code port}, from its IPv4 header on; null when none came within a second
     * of the last datagram read.
     */
    public byte[] next(int port) {
        while (true) {
            long length = Libc.recv(fd, buffer, 0);
            if (length < 0) {
                return null;
            }
            int headerLength = (buffer.get(JAVA_BYTE, 0) & 0x0F) * 4;
            byte[] datagram = buffer.asSlice(0, length).toArray(JAVA_BYTE);
            if (length >= headerLength + 8
                    && ((datagram[headerLength + 2] & 0xFF) << 8 | datagram[headerLength + 3] & 0xFF) == port) {
                return datagram;
            }
        }
    }

    @Override
    public void close() {
        Libc.close(fd);
        arena.close();
    }
}
