package org.jmiredo.bench.gen;

import org.jmiredo.bench.sys.Libc;
import org.jmiredo.bench.sys.MsgVec;

/**
 * A paced sendmmsg(2) loop over one socket: fills up to a batch of messages, waits until the batch is
 * due, sends it, and stops at the packet count or the deadline, whichever comes first. Blocking sockets:
 * a full send buffer holds the loop back instead of dropping (the pacer then catches up, bounded by the
 * count). Packets the kernel refuses (ENOBUFS etc.) are counted as errors, not as offered.
 */
abstract class BatchSender implements Runnable {
    final int fd;
    final MsgVec vec;
    private final PeerOrder order;
    private final long count;
    private final double rate;
    private final long durationNanos;
    volatile long sent;
    volatile long errors;
    volatile long startNanos;
    volatile long endNanos;

    BatchSender(int fd, MsgVec vec, PeerOrder order, long count, double rate, long durationNanos) {
        this.fd = fd;
        this.vec = vec;
        this.order = order;
        this.count = count;
        this.rate = rate;
        this.durationNanos = durationNanos;
    }

    /** Writes message {@code slot} of the batch: packet number {@code k} for {@code peer}. */
    abstract void fill(int slot, long k, int peer, long nanos);

    @Override
    public void run() {
        long start = System.nanoTime();
        startNanos = start;
        long deadline = start + durationNanos;
        Pacer pacer = new Pacer(rate, start);
        long k = 0;
        long ok = 0;
        long failed = 0;
        int batch = vec.count();
        while (k < count) {
            int n = (int) Math.min(batch, count - k);
            pacer.awaitDue(k + n - 1);
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                fill(i, k + i, order.peer(k + i), now);
            }
            int done = 0;
            while (done < n) {
                int r = Libc.sendmmsg(fd, vec.vectorFrom(done), n - done);
                if (r > 0) {
                    done += r;
                } else if (r == -Libc.EINTR) {
                    continue;
                } else {
                    failed += n - done; // ENOBUFS, EPERM...: not offered
                    break;
                }
            }
            ok += done;
            k += n;
            sent = ok;
        }
        errors = failed;
        sent = ok;
        endNanos = System.nanoTime();
    }
}
