package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import org.jmiredo.server.sys.ScatterRead;
import org.jmiredo.tun.TunReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of a queue opened without offloads: one readv(2) per packet into two parts, a slot of the
 * queue's {@link TunReadSlots} (after its headroom, sized for the configured MTU) and a spill area of the
 * queue's own that takes whatever a longer packet has beyond the slot. Almost every read lands whole in its
 * slot and is handed on there, no copy. A longer packet means someone raised the device's MTU above
 * {@code tun.mtu} ({@code ip link set teredo mtu 1480}, as operators of Miredo do): a read(2) into the slot
 * alone would return it cut to the slot (tun_chr_read_iter clamps the length it returns to the buffer), and
 * the data path would drop it as malformed. Here it is read whole, copied into a slot of a new set of slots
 * grown to fit it (twice the old size at least, so a raised MTU costs a few growths per queue, not one per
 * packet), and every later packet of that size lands in place again. Slots never shrink; they take at most
 * 1 MiB per queue whatever their size ({@link TunReadSlots}). Loop thread only.
 */
final class PlainReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunQueueHandle.class);
    /**
     * The largest packet a TUN device hands over: its largest MTU (tun.c sets max_mtu to MAX_MTU, 65,535, for a
     * layer-3 device). A read can never be longer, so no packet is cut.
     */
    static final int LARGEST_READ = 65_535;

    private final ByteBufAllocator allocator;
    private final String queueName;
    private final int headroom;
    private final int budget;
    private final ScatterRead readv;
    // [the start of a long packet, copied back from its slot | the rest of it, as read]: one contiguous packet.
    private final ByteBuf spill;
    private TunReadSlots slots;
    /** The packet bytes a slot holds after its headroom. */
    private int slotCapacity;

    /**
     * @param mtu the packets the first slots are sized for (tun.mtu); longer ones make them grow
     * @param budget the slots per buffer (the queue's read budget: a burst's worth)
     */
    PlainReader(int fd, String queueName, ByteBufAllocator allocator, int headroom, int mtu, int budget) {
        this.allocator = allocator;
        this.queueName = queueName;
        this.headroom = headroom;
        this.budget = budget;
        this.spill = allocator.directBuffer(LARGEST_READ);
        this.readv = new ScatterRead(fd, 2);
        int capacity = Math.min(mtu, LARGEST_READ); // no read is longer: a larger slot would only waste memory
        this.slots = new TunReadSlots(allocator, headroom + capacity, budget);
        setCapacity(capacity);
    }

    private void setCapacity(int capacity) {
        slotCapacity = capacity;
        readv.part(1, spill.memoryAddress() + capacity, LARGEST_READ - capacity);
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
        long slot = slots.nextAddress();
        readv.part(0, slot + headroom, slotCapacity);
        long n = readv.read();
        if (n <= 0) {
            if (n < 0) {
                throw new IOException("read returned end of file");
            }
            return 0;
        }
        int length = (int) n;
        if (length <= slotCapacity) {
            sink.packetRead(slots.take(headroom, headroom + length));
        } else {
            sink.packetRead(regrown(length));
        }
        return 1;
    }

    // The packet's start, in its slot, goes in front of its rest, in the spill; the whole into a grown slot.
    private ByteBuf regrown(int length) {
        ByteBuf start = slots.take(headroom, headroom + slotCapacity);
        try {
            spill.setBytes(0, start, headroom, slotCapacity);
        } finally {
            start.release();
        }
        grow(length);
        slots.nextAddress();
        ByteBuf packet = slots.take(headroom, headroom + length);
        packet.setBytes(headroom, spill, 0, length);
        return packet;
    }

    // Views still held keep the old slots' buffer until their release; the next read goes into the new slots.
    private void grow(int length) {
        int capacity = Math.min(LARGEST_READ, Math.max(length, 2 * slotCapacity));
        TunReadSlots grown = new TunReadSlots(allocator, headroom + capacity, budget);
        slots.close();
        slots = grown;
        LOG.info("TUN {}: a packet of {} bytes, longer than the {} the read buffers held (the device's MTU was "
                + "raised above tun.mtu): they now hold {}", queueName, length, slotCapacity, capacity);
        setCapacity(capacity);
    }

    /** Frees the buffers and the readv memory; no read may follow. */
    @Override
    public void close() {
        slots.close();
        spill.release();
        readv.close();
    }
}
