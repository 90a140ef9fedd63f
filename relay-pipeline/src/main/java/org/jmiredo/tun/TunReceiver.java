package org.jmiredo.tun;

import io.netty.buffer.ByteBuf;

/** What a {@link TunQueue} hands the packets it reads to, on its event loop's thread. */
public interface TunReceiver {
    /** One IPv6 packet read from the tunnel; the receiver owns {@code packet} and must release it. */
    void packetRead(ByteBuf packet);

    /** The end of one read burst: the moment to flush what the burst wrote (one sendmmsg). */
    void readComplete();
}
