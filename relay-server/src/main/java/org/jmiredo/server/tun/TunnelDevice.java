package org.jmiredo.server.tun;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.Future;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;

/**
 * The tunnel as the transport sees it, whatever the OS: queues it writes to and registers on its event loops, and
 * a life (stop reading, close). A Linux multi-queue TUN ({@code tun.linux.LinuxTunDevice}, one queue per loop) or a
 * BSD/macOS tun or utun ({@code tun.bsd.BsdTunDevice}, one queue). Start-up and shutdown only: the data path holds
 * the {@link TunQueue} itself, so a packet never passes through this interface.
 */
public interface TunnelDevice extends AutoCloseable {
    /** The interface name the kernel gave ("teredo", "tun0", "utun3"). */
    String name();

    /** The offloads the device was opened with, as the log and metrics spell them ("none" where there are none). */
    String offloadsLabel();

    /** The queues (fds), one per event loop that serves the tunnel. */
    int queueCount();

    /** Queue {@code index}, written by the loop it is registered on. */
    TunQueue queue(int index);

    /**
     * Registers queue {@code index} on {@code loop} and starts reading: every packet read goes to {@code receiver}
     * in a pooled direct buffer from {@code allocator} (the paired UDP channel's).
     *
     * @return completes once reading is armed
     */
    Future<Void> register(int index, IoEventLoop loop, TunReceiver receiver, ByteBufAllocator allocator);

    /** True once a read failed on an open queue: the device was deleted under the daemon. */
    boolean gone();

    /** Stops reading on every queue (each on its own loop); the fds stay open. */
    void stopReading();

    /** Closes every queue and waits; the kernel then removes the device unless something keeps it. */
    @Override
    void close();
}
