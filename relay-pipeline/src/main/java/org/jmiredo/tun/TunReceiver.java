package org.jmiredo.tun;

import io.netty.buffer.ByteBuf;
import org.jmiredo.tun.offload.OffloadDrop;

/** What a {@link TunQueue} hands the packets it reads to, on its event loop's thread. */
public interface TunReceiver {
    /**
     * One IPv6 packet read from the tunnel; the receiver owns {@code packet} and must release it. It may
     * hold it until {@link #readComplete}, with which every burst of reads ends, to handle the burst's
     * packets together.
     */
    void packetRead(ByteBuf packet);

    /**
     * The end of one read burst: the moment to finish the packets held and flush what the burst wrote (one
     * sendmmsg).
     */
    void readComplete();

    /** A packet too large for the queue's buffers was read and dropped (the device's MTU above ours). */
    default void oversizedPacketDropped() {}

    /**
     * A read that was not an IPv6 packet and was dropped: a BSD tunnel's address-family header named another
     * family (IPv4 routed into the device), or the read was shorter than that header.
     */
    default void notIpv6Dropped() {}

    /** A packet read with offload metadata (a virtio header) that could not be delivered, and why. */
    default void offloadDropped(OffloadDrop reason) {}
}
