package org.jmiredo.tun;

import io.netty.buffer.ByteBuf;

/**
 * One queue of a tunnel device, owned by one event loop: every call comes from that loop's thread.
 * Reading is push-style: the queue calls its {@link TunReceiver} when packets arrive.
 */
public interface TunQueue {
    /**
     * Writes one IPv6 packet (the readable bytes of {@code packet}). Never blocks. Returns false when the
     * device refused it (full or down); the caller counts the drop. Does not release {@code packet}.
     */
    boolean write(ByteBuf packet);
}
