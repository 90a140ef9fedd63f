package org.jmiredo.server.tun.bsd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.Buffer;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 4-byte header in front of every packet a BSD or macOS tunnel carries, both ways: the packet's address family
 * as a 32-bit integer in network byte order (FreeBSD and NetBSD with TUNSIFHEAD, OpenBSD always, macOS utun
 * always). Its value for IPv6 differs per OS ({@link BsdFlavor#afInet6}).
 */
final class AfHeader {
    private AfHeader() {}

    /** The header's length. */
    static final int LENGTH = 4;
    /** The largest IPv6 packet without a jumbo payload: 40-byte header + 65,535. */
    static final int MAX_IPV6_PACKET = 40 + 65_535;

    /**
     * The write side, on the queue's loop: one writev(2) of the header and the packet, which is not copied (a packet
     * handed to the tunnel is a slice of a received datagram, with no room of ours in front of it).
     */
    static final class Writer {
        private static final int IOVEC = 8; // after the header, aligned
        private static final int IOVEC_SIZE = 16; // struct iovec: base pointer, then size_t (LP64)

        private final FileDescriptor fd;
        // The header, then the two-entry iovec; native memory of its own.
        private final ByteBuffer native_;
        private final long address;
        private ByteBuffer scratch;

        Writer(FileDescriptor fd, int family) {
            this.fd = fd;
            this.native_ = ByteBuffer.allocateDirect(IOVEC + 2 * IOVEC_SIZE).order(ByteOrder.nativeOrder());
            this.address = Buffer.memoryAddress(native_);
            native_.order(ByteOrder.BIG_ENDIAN).putInt(0, family).order(ByteOrder.nativeOrder());
            native_.putLong(IOVEC, address);
            native_.putLong(IOVEC + 8, LENGTH);
        }

        /**
         * Writes the readable bytes of {@code packet}, which must be an IPv6 packet (version 6): anything else, an
         * empty or oversized packet, or the kernel's refusal returns false, for the caller to count.
         */
        boolean write(ByteBuf packet) {
            int length = packet.readableBytes();
            if (length == 0 || length > MAX_IPV6_PACKET || (packet.getByte(packet.readerIndex()) & 0xf0) != 0x60) {
                return false;
            }
            try {
                long written;
                if (packet.hasMemoryAddress()) {
                    native_.putLong(IOVEC + IOVEC_SIZE, packet.memoryAddress() + packet.readerIndex());
                    native_.putLong(IOVEC + IOVEC_SIZE + 8, length);
                    written = fd.writevAddresses(address + IOVEC, 2);
                } else {
                    written = writeCopy(packet, length);
                }
                return written == LENGTH + length;
            } catch (IOException e) {
                return false;
            }
        }

        // Heap or composite packets: header and packet copied into one reusable direct buffer.
        private int writeCopy(ByteBuf packet, int length) throws IOException {
            if (scratch == null) {
                scratch = ByteBuffer.allocateDirect(LENGTH + MAX_IPV6_PACKET);
            }
            scratch.clear();
            scratch.put(0, native_, 0, LENGTH).position(LENGTH).limit(LENGTH + length);
            packet.getBytes(packet.readerIndex(), scratch);
            return fd.write(scratch, 0, LENGTH + length);
        }
    }
}
