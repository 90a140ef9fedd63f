package org.jmiredo.server.tun.linux;

/**
 * How a {@link TunQueueHandle} reads.
 *
 * @param readBudget most packets read per epoll wake-up; the fd is level-triggered, so what is left is read
 *     on the next turn of the loop, after the loop's UDP socket had its turn (fairness between the two)
 * @param headroom bytes left free in front of each packet read, so a header can be prepended without a copy
 * @param maxPacketSize the packets the read buffers are sized for at first (the interface MTU, tun.mtu); a longer
 *     packet (the device's MTU raised by hand) is still read whole, up to the largest TUN MTU, and the buffers
 *     grow to fit it ({@link PlainReader}, {@link OffloadedReader})
 */
public record TunQueueOptions(int readBudget, int headroom, int maxPacketSize) {
    /** 64 packets per wake-up, 8 bytes of headroom (a Teredo origin indication), packets up to 1280 bytes. */
    public static final TunQueueOptions DEFAULTS = new TunQueueOptions(64, 8, 1280);

    /** The largest IPv6 packet without a jumbo payload: 40-byte header + 65535. */
    static final int MAX_IPV6_PACKET = 40 + 65_535;

    public TunQueueOptions {
        if (readBudget < 1) {
            throw new IllegalArgumentException("readBudget must be at least 1, not " + readBudget);
        }
        if (headroom < 0 || headroom > 256) {
            throw new IllegalArgumentException("headroom must be 0 to 256, not " + headroom);
        }
        if (maxPacketSize < 1280 || maxPacketSize > MAX_IPV6_PACKET) {
            throw new IllegalArgumentException("maxPacketSize must be 1280 (the IPv6 minimum MTU) to " + MAX_IPV6_PACKET
                    + ", not " + maxPacketSize);
        }
    }

    public TunQueueOptions withMaxPacketSize(int size) {
        return new TunQueueOptions(readBudget, headroom, size);
    }
}
