package org.jmiredo.server.tun.linux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Where a TUN queue reads its packets without an allocation per packet: one pooled direct buffer cut into
 * slots, each packet handed over as a reused view of its slot holding one reference to the buffer (the
 * allocator's get and give-back cost about twice the rest of the IPv6→Teredo Java, DataPathBench). A
 * slot is used again only once every view was released, which a burst's end normally brings (the UDP
 * flush sends and releases the burst's packets); while any is still held, the next read goes into a fresh
 * buffer and the old one is freed with its last view. Loop thread only.
 *
 * <p>Slots are sized for the configured MTU, but the device's MTU may be raised by hand above it ({@code ip
 * link set teredo mtu 1480}, as operators of Miredo do), and a TUN read cuts a packet to the buffer it is
 * given (tun_chr_read_iter). So a read may run on past its slot, over the slots after it (not handed out in
 * this pass over the buffer) and a tail of {@link #LARGEST_READ} bytes behind the last one: every read may
 * take {@link #readLimit} bytes and no packet is ever cut. A packet that ran past its slot is handed over
 * whole, in place, as a view of the slots it covers (an allocation, this once), and the slots grow to fit
 * the next ones (twice their size at least): a raised MTU costs a few growths per queue, not a copy or an
 * allocation per packet. Slots never shrink.
 *
 * <p>Also the BSD tunnel's read slots ({@code tun.bsd.AfFramedQueue}), whose reads start 4 bytes before the headroom's
 * end (the address-family header) so that the packet itself lands where a Linux read puts it.
 */
public final class TunReadSlots {
    /**
     * The longest packet a TUN read hands over: a TUN's largest MTU (tun.c sets max_mtu to MAX_MTU, 65,535, for a
     * layer-3 device).
     */
    public static final int LARGEST_READ = 65_535;
    /** Slots start on a cache line each. */
    private static final int ALIGN = 64;
    /** The slots' bytes at most, when a large MTU makes the slots large (at least one slot, though). */
    private static final int MAX_BYTES = 1 << 20;

    private final ByteBufAllocator allocator;
    private final int headroom;
    private final int budget;
    private int slotSize;
    private ByteBuf[] views;
    private ByteBuf buffer;
    private int next;

    /**
     * {@code count} slots (fewer if they would pass 1 MiB) of {@code headroom + size} bytes each.
     *
     * @param headroom the bytes free in front of each packet ({@link #take}'s reader index)
     * @param size the packets the slots are sized for at first (the MTU); longer ones make them grow
     */
    public TunReadSlots(ByteBufAllocator allocator, int headroom, int size, int count) {
        this.allocator = allocator;
        this.headroom = headroom;
        this.budget = count;
        resize(headroom + Math.min(size, LARGEST_READ));
    }

    private void resize(int size) {
        slotSize = (size + ALIGN - 1) & -ALIGN;
        views = new ByteBuf[Math.max(1, Math.min(budget, MAX_BYTES / slotSize))];
        next = views.length; // the next read takes a fresh buffer
    }

    /** The bytes a read at {@link #nextAddress} may fill after the headroom: always the longest TUN packet. */
    public static int readLimit() {
        return LARGEST_READ;
    }

    /** The packet bytes a slot holds after its headroom: longer packets take more than one (see the class). */
    public int packetCapacity() {
        return slotSize - headroom;
    }

    /** Starts a read burst: back to the first slot if every view was released (a cache-warm working set). */
    public void rewind() {
        if (buffer != null && buffer.refCnt() == 1) {
            next = 0;
        }
    }

    /**
     * The native address of the slot the next read goes into (its headroom first, then up to {@link #readLimit}
     * bytes); the slot, and what a long packet runs over, stays ours until {@link #take}.
     */
    public long nextAddress() {
        if (buffer == null || next >= views.length) {
            if (buffer == null || buffer.refCnt() != 1) {
                renew();
            }
            next = 0;
        }
        return buffer.memoryAddress() + (long) next * slotSize;
    }

    /**
     * Hands over the packet read at {@link #nextAddress}, its indexes set to it. A packet longer than a slot is
     * handed over in place as a view of the slots it covers, and the slots then grow for the next ones.
     */
    public ByteBuf take(int readerIndex, int writerIndex) {
        if (writerIndex <= slotSize) {
            ByteBuf view = views[next++];
            buffer.retain(); // the view's own reference, released by whoever ends the packet's way
            return view.setIndex(readerIndex, writerIndex);
        }
        ByteBuf whole = buffer.retainedSlice(next * slotSize, writerIndex).setIndex(readerIndex, writerIndex);
        close(); // the long packet's view keeps the buffer; the next read takes a fresh one, of larger slots
        resize(Math.min(headroom + LARGEST_READ, Math.max(writerIndex, 2 * slotSize)));
        return whole;
    }

    /** Gives the buffer back (views still held keep it until their release). */
    public void close() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    private void renew() {
        close(); // never read into a buffer given back, even if the allocation below fails
        ByteBuf fresh = allocator.directBuffer(slotSize * views.length + LARGEST_READ);
        for (int i = 0; i < views.length; i++) {
            views[i] = fresh.slice(i * slotSize, slotSize);
        }
        buffer = fresh;
    }
}
