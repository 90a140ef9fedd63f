package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import org.jmiredo.server.sys.ScatterRead;
import org.jmiredo.tun.TunReceiver;
import org.jmiredo.tun.offload.OffloadDrop;
import org.jmiredo.tun.offload.VirtioNetHeader;
import org.jmiredo.tun.offload.VirtioReader;

/**
 * The read side of a queue opened with offloads: one readv(2) per read into three parts, the virtio header,
 * then a pooled buffer (after its headroom, the MTU's worth), then a 64-KiB overflow area of the queue's
 * own. A plain packet, almost every read, lands whole in its pooled buffer and is handed on there, no copy;
 * only a GSO super-packet spills into the overflow, where its first MTU bytes are copied back in front of
 * the rest so that {@link VirtioReader} cuts one contiguous packet. A plain packet longer than the pooled
 * buffer (the device's MTU raised above {@code tun.mtu}) is carried the same way, copied, and the pooled
 * buffers grow to fit it (twice their size at least), so that the next ones land in place again. Loop thread
 * only.
 */
final class OffloadedReader implements AutoCloseable {
    private final ByteBufAllocator allocator;
    private final int headroom;
    /** The packet bytes a pooled buffer holds: tun.mtu, grown by plain packets longer than it. */
    private int mtu;

    private final VirtioReader virtio;
    private final ScatterRead readv;
    // [virtio header | a gap of mtu bytes | the rest of a super-packet]: the gap takes the copied-back start.
    private final ByteBuf overflow;
    private ByteBuf next; // where the next read's packet goes; ours until handed on

    OffloadedReader(int fd, ByteBufAllocator allocator, int headroom, int mtu) {
        this.allocator = allocator;
        this.headroom = headroom;
        this.mtu = mtu;
        this.virtio = new VirtioReader(allocator, headroom, TunReadSlots.LARGEST_READ);
        this.overflow = allocator.directBuffer(VirtioNetHeader.LENGTH + TunQueueOptions.MAX_IPV6_PACKET);
        this.readv = new ScatterRead(fd, 3);
        long base = overflow.memoryAddress();
        readv.part(0, base, VirtioNetHeader.LENGTH);
        pointOverflow();
    }

    private void pointOverflow() {
        readv.part(2, overflow.memoryAddress() + VirtioNetHeader.LENGTH + mtu, TunQueueOptions.MAX_IPV6_PACKET - mtu);
    }

    /**
     * Reads one packet or super-packet and hands on what it holds.
     *
     * @return the packets handled (delivered or dropped), 0 when the queue is empty
     */
    int read(TunReceiver sink) throws IOException {
        if (next == null) {
            next = allocator.directBuffer(headroom + mtu);
            readv.part(1, next.memoryAddress() + headroom, mtu);
        }
        long n = readv.read();
        if (n <= 0) {
            if (n < 0) {
                throw new IOException("read returned end of file");
            }
            return 0;
        }
        int packetLength = (int) n - VirtioNetHeader.LENGTH;
        if (packetLength < 0) {
            sink.offloadDropped(OffloadDrop.MALFORMED); // the kernel always writes a whole header
            return 1;
        }
        if (packetLength <= mtu && virtio.fitsInPlace(overflow, 0, packetLength)) {
            next.setIndex(headroom, headroom + packetLength);
            if (virtio.deliverInPlace(overflow, 0, next, sink)) {
                next = null;
            }
            return 1;
        }
        if (n > overflow.capacity()) {
            sink.oversizedPacketDropped(); // a kernel reporting more than IPv6 without jumbograms carries
            return 1;
        }
        overflow.setBytes(VirtioNetHeader.LENGTH, next, headroom, Math.min(packetLength, mtu));
        int packets = virtio.deliver(overflow, 0, (int) n, sink);
        if (packetLength > mtu
                && (VirtioNetHeader.gsoType(overflow, 0) & ~VirtioNetHeader.GSO_ECN) == VirtioNetHeader.GSO_NONE) {
            grow(packetLength);
        }
        return packets;
    }

    // The next read allocates its pooled buffer at the new size.
    private void grow(int packetLength) {
        mtu = Math.min(TunReadSlots.LARGEST_READ, Math.max(packetLength, 2 * mtu));
        next.release();
        next = null;
        pointOverflow();
    }

    /** Frees the buffers and the readv memory; no read may follow. */
    @Override
    public void close() {
        if (next != null) {
            next.release();
            next = null;
        }
        overflow.release();
        readv.close();
    }
}
