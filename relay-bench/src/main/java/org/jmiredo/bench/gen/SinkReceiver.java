package org.jmiredo.bench.gen;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jmiredo.bench.sys.Libc;
import org.jmiredo.bench.sys.SockAddr;

/**
 * The receiving end of Teredo to IPv6: a UDP socket on the native host counting the probes that arrive.
 * With {@code probeOffset} 48 it is the trivial UDP sink of the self-test, whose payload is the whole
 * Teredo packet (IPv6 and UDP headers, then the probe).
 */
final class SinkReceiver extends Receiver {
    private final int probeOffset;
    private final int headerBytes;
    final Delivery delivery = new Delivery();

    SinkReceiver(int fd, int probeOffset) {
        super(fd, 64, 2048);
        this.probeOffset = probeOffset;
        // Bytes counted per packet are IPv6 bytes: payload plus the IPv6 and UDP headers the socket strips.
        this.headerBytes = probeOffset == 0 ? Wire.IPV6_HEADER + Wire.UDP_HEADER : 0;
    }

    /** A UDP socket bound to {@code ipv4:port} in the current namespace, with a large receive buffer. */
    static int openIpv4(int ipv4, int port) {
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM, 0);
        Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, 32 << 20);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SockAddr.IN_LENGTH, 8);
            SockAddr.in(addr, ipv4, port);
            Libc.bind(fd, addr);
        }
        return fd;
    }

    @Override
    void handle(int slot, int length, long now) {
        if (length < probeOffset + Wire.PROBE) {
            return;
        }
        MemorySegment b = vec.buffer(slot);
        if (b.get(Wire.INT, probeOffset) != Wire.MAGIC_DATA) {
            return;
        }
        delivery.record(length + headerBytes, b.get(Wire.LONG, probeOffset + 16), now);
    }
}
