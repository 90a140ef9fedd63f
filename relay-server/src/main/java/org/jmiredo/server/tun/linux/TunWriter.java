package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.unix.Buffer;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jmiredo.tun.offload.GsoSplitter;
import org.jmiredo.tun.offload.VirtioNetHeader;

/**
 * The write side of one TUN queue, on its loop's thread: one write(2) per packet, or with offloads one
 * writev(2) of a virtio header and the packet (the packet is not copied: a packet handed to the TUN is a
 * slice of a received datagram with no room in front of it for the header).
 */
final class TunWriter {
    // writeHeaders layout: the all-zero header of a plain packet, a super-packet's header, the iovec array.
    private static final int PLAIN_HEADER = 0;
    private static final int SEGMENTED_HEADER = 16;
    private static final int IOVEC = 32;
    private static final int IOVEC_SIZE = 16; // struct iovec: base pointer, then size_t length (64-bit)

    private final FileDescriptor fd;
    private final String deviceName;
    private final TunOffloads offloads;
    // The virtio headers a write puts in front of its packet, and the two-entry iovec of that writev(2);
    // native memory of its own, as writes may come before the queue is registered with an allocator.
    private final ByteBuffer writeHeaders;
    private final ByteBuf writeHeadersView;
    private final long writeHeadersAddress;
    private ByteBuffer scratch;

    TunWriter(FileDescriptor fd, String deviceName, TunOffloads offloads) {
        this.fd = fd;
        this.deviceName = deviceName;
        this.offloads = offloads;
        this.writeHeaders = ByteBuffer.allocateDirect(IOVEC + 2 * IOVEC_SIZE).order(ByteOrder.nativeOrder());
        this.writeHeadersView = Unpooled.wrappedBuffer(writeHeaders);
        this.writeHeadersAddress = Buffer.memoryAddress(writeHeaders);
        writeHeaders.putLong(IOVEC + 8, VirtioNetHeader.LENGTH); // the first iovec is always a header
    }

    /** Whether the kernel segments UDP super-packets (USO). */
    boolean udpSegmentation() {
        return offloads.udpSegmentation();
    }

    /** {@link TunQueueHandle#write}: one packet, with an all-zero virtio header when the device has offloads. */
    boolean write(ByteBuf packet) {
        return offloads.vnetHeader() ? writeWithHeader(packet, PLAIN_HEADER) : writePlain(packet);
    }

    /**
     * Writes one GSO super-packet ({@link TunQueue#writeSegmented}): one writev(2) of its virtio header and
     * the packet, which the kernel segments. A UDP super-packet on a kernel without USO (before Linux 6.2)
     * is refused: the coalescer builds none there ({@link #udpSegmentation}).
     */
    boolean writeSegmented(ByteBuf superPacket, int protocol, int segmentSize) {
        if (!offloads.vnetHeader()) {
            throw new UnsupportedOperationException("TUN " + deviceName + " was opened without offloads");
        }
        int at = superPacket.readerIndex();
        int length = superPacket.readableBytes();
        if (protocol == GsoSplitter.UDP && !offloads.udpSegmentation()) {
            return false;
        }
        return VirtioNetHeader.setSegmented(
                        writeHeadersView, SEGMENTED_HEADER, superPacket, at, length, protocol, segmentSize)
                && writeWithHeader(superPacket, SEGMENTED_HEADER);
    }

    private boolean writePlain(ByteBuf packet) {
        int length = packet.readableBytes();
        if (length == 0 || length > TunQueueOptions.MAX_IPV6_PACKET) {
            return false;
        }
        try {
            int written = packet.hasMemoryAddress()
                    ? fd.writeAddress(packet.memoryAddress(), packet.readerIndex(), packet.writerIndex())
                    : writeCopy(packet, length, -1);
            return written == length;
        } catch (IOException e) {
            return false;
        }
    }

    // The virtio header at writeHeaders[header] and the packet, gathered by one writev(2) without a copy.
    private boolean writeWithHeader(ByteBuf packet, int header) {
        int length = packet.readableBytes();
        if (length == 0 || length > TunQueueOptions.MAX_IPV6_PACKET) {
            return false;
        }
        try {
            long written;
            if (packet.hasMemoryAddress()) {
                writeHeaders.putLong(IOVEC, writeHeadersAddress + header);
                writeHeaders.putLong(IOVEC + IOVEC_SIZE, packet.memoryAddress() + packet.readerIndex());
                writeHeaders.putLong(IOVEC + IOVEC_SIZE + 8, length);
                written = fd.writevAddresses(writeHeadersAddress + IOVEC, 2);
            } else {
                written = writeCopy(packet, length, header);
            }
            return written == VirtioNetHeader.LENGTH + length;
        } catch (IOException e) {
            return false;
        }
    }

    // Heap or composite packets: copy into one reusable direct buffer (the syscall needs one native range),
    // after the virtio header at writeHeaders[header] unless header is negative.
    private int writeCopy(ByteBuf packet, int length, int header) throws IOException {
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + TunQueueOptions.MAX_IPV6_PACKET);
        }
        scratch.clear();
        if (header >= 0) {
            scratch.put(0, writeHeaders, header, VirtioNetHeader.LENGTH).position(VirtioNetHeader.LENGTH);
        }
        int total = scratch.position() + length;
        scratch.limit(total);
        packet.getBytes(packet.readerIndex(), scratch);
        return fd.write(scratch, 0, total);
    }
}
