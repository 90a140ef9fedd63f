package org.jmiredo.bench.gen;

import org.jmiredo.bench.sys.Libc;
import org.jmiredo.bench.sys.MsgVec;

/**
 * A blocking recvmmsg(2) loop (MSG_WAITFORONE: wake for the first datagram, take what else is queued)
 * with a short SO_RCVTIMEO, so that it notices {@link #stop()} within 100 ms.
 */
abstract class Receiver implements Runnable {
    final int fd;
    final MsgVec vec;
    private volatile boolean running = true;
    volatile Throwable failure;

    Receiver(int fd, int batch, int slotSize) {
        this.fd = fd;
        this.vec = new MsgVec(batch, slotSize);
        Libc.receiveTimeout(fd, 100);
    }

    abstract void handle(int slot, int length, long now);

    /** After each batch (e.g. to send the replies it produced). */
    void batchDone() {}

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        try {
            while (running) {
                int n = Libc.recvmmsg(fd, vec.vector(), vec.count(), Libc.MSG_WAITFORONE);
                if (n <= 0) {
                    continue; // EAGAIN after the timeout, or EINTR
                }
                long now = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    handle(i, vec.received(i), now);
                }
                batchDone();
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            closed();
            vec.close();
        }
    }

    /** On the receiving thread, after the loop: frees what the subclass allocated. */
    void closed() {}
}
