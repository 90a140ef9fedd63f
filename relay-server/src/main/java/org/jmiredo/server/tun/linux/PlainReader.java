package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import org.jmiredo.tun.TunReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of a queue opened without offloads: one read(2) per packet straight into a slot of the queue's
 * {@link TunReadSlots}, after the headroom: no copy, no allocation. The read may fill the longest packet a TUN
 * hands over, running past its slot ({@link TunReadSlots}): a packet longer than the configured MTU (the
 * device's MTU raised above {@code tun.mtu} by hand) is read whole and carried; a read(2) limited to the slot
 * returned it cut (tun_chr_read_iter), and the data path dropped it as malformed. Each such packet makes the
 * slots grow, logged at INFO: a few lines per queue, not one per packet. Loop thread only.
 */
final class PlainReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunQueueHandle.class);

    private final FileDescriptor fd;
    private final String queueName;
    private final int headroom;
    private final TunReadSlots slots;

    /**
     * @param mtu the packets the first slots are sized for (tun.mtu); longer ones make them grow
     * @param budget the slots per buffer (the queue's read budget: a burst's worth)
     */
    PlainReader(FileDescriptor fd, String queueName, ByteBufAllocator allocator, int headroom, int mtu, int budget) {
        this.fd = fd;
        this.queueName = queueName;
        this.headroom = headroom;
        this.slots = new TunReadSlots(allocator, headroom, mtu, budget);
    }

    /** Starts a read burst (see {@link TunReadSlots#rewind}). */
    void rewind() {
        slots.rewind();
    }

    /**
     * Reads one packet and hands it to {@code sink}.
     *
     * @return 1 when a packet was handled, 0 when the queue is empty
     */
    int read(TunReceiver sink) throws IOException {
        int n = fd.readAddress(slots.nextAddress(), headroom, headroom + TunReadSlots.readLimit());
        if (n <= 0) {
            if (n < 0) {
                throw new IOException("read returned end of file");
            }
            return 0;
        }
        int capacity = slots.packetCapacity();
        ByteBuf packet = slots.take(headroom, headroom + n);
        if (n > capacity) {
            LOG.info(
                    "TUN {}: a packet of {} bytes, longer than the {} the read slots held (the device's MTU was "
                            + "raised above tun.mtu): they now hold {}",
                    queueName,
                    n,
                    capacity,
                    slots.packetCapacity());
        }
        sink.packetRead(packet);
        return 1;
    }

    /** Gives the slots' buffer back (packets still held keep it until their release); no read may follow. */
    @Override
    public void close() {
        slots.close();
    }
}
