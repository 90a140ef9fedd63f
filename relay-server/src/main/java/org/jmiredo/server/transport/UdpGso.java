package org.jmiredo.server.transport;

import java.util.concurrent.atomic.AtomicBoolean;
import org.jmiredo.server.sys.DatagramBatch;
import org.jmiredo.server.sys.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the relay's senders send runs of datagrams with UDP GSO ({@link DatagramBatch}), shared by every
 * loop's senders. {@code auto} starts on, and turns off for good, with one INFO line, the first time the
 * kernel refuses it: a socket that does not know UDP_SEGMENT (before Linux 4.18), or a send the egress path
 * refuses (EIO without checksum offload or through IPsec, EINVAL or EMSGSIZE for a segment larger than the
 * device's MTU). The senders read the state once per batch (a volatile read per sendmmsg).
 */
public final class UdpGso {
    private static final Logger LOG = LoggerFactory.getLogger(UdpGso.class);

    private final UdpGsoMode mode;
    private final AtomicBoolean inUse;

    public UdpGso(UdpGsoMode mode) {
        this.mode = mode;
        this.inUse = new AtomicBoolean(mode == UdpGsoMode.AUTO);
    }

    public UdpGsoMode mode() {
        return mode;
    }

    /** True while the senders group runs; never true again once false. */
    public boolean inUse() {
        return inUse.get();
    }

    /** Asks socket {@code fd} whether it knows UDP_SEGMENT; turns GSO off for good if not. Start-up only. */
    void probe(int fd) {
        if (inUse()) {
            int result = DatagramBatch.probeSegmentation(fd);
            if (result < 0) {
                refused(-result, "setsockopt UDP_SEGMENT");
            }
        }
    }

    /** The kernel refused GSO with {@code errno} where a plain send of the same datagram went: off for good. */
    void refused(int errno, String where) {
        if (inUse.compareAndSet(true, false)) {
            LOG.info("UDP GSO off: the kernel refused it ({}: {}, {}); datagrams leave one by one",
                    where, Errno.name(errno), Errno.text(errno));
        }
    }
}
