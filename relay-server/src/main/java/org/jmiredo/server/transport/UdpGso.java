package org.jmiredo.server.transport;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.sys.DatagramBatch;
import org.jmiredo.server.sys.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the relay's senders send runs of datagrams with UDP GSO ({@link DatagramBatch}), shared by every
 * loop's senders. {@code auto} starts on. A socket that does not know UDP_SEGMENT (before Linux 4.18) turns it
 * off for good. A send the egress path refuses (EINVAL or EMSGSIZE for a segment larger than the MTU of the
 * device the route takes, EIO without checksum offload or through IPsec) while the same datagram alone goes
 * depends on the route, so it turns GSO off only towards that destination: its datagrams leave one by one from
 * then on, while runs to every other destination keep GSO. Before, one such destination (a relay bound to 0.0.0.0
 * whose route to one peer takes a device with an MTU below 1,308) turned it off for every peer, for good.
 *
 * <p>Bounded: at most {@value #MAX_REFUSED_DESTINATIONS} destinations are remembered (a fixed table of {@value
 * #SLOTS} ints, never removed from); when the kernel refuses runs to more, the cause is likely not one route but
 * the host's egress path as a whole (a socket option, every device without checksum offload), and GSO turns off
 * for every destination, for good, as before. Each refusal costs one failed sendmmsg, whose datagrams are then
 * sent one by one: none is lost. An INFO line per destination (at most {@value #MAX_REFUSED_DESTINATIONS}) and one
 * when GSO turns off. Lock-free: the senders read the state and the count of refused destinations once per batch
 * (volatile reads per sendmmsg), and only while that count is not 0 the table, once per run of the batch (an array
 * read or two); nothing per datagram. Only a refusal writes.
 */
public final class UdpGso {
    /** Destinations refused before GSO turns off everywhere. */
    static final int MAX_REFUSED_DESTINATIONS = 64;
    /** Open addressing at most a quarter full: a lookup of a destination not refused reads one slot or two. */
    private static final int SLOTS = 256;
    private static final Logger LOG = LoggerFactory.getLogger(UdpGso.class);

    private final UdpGsoMode mode;
    private final AtomicBoolean inUse;
    /** The refused destinations' IPv4 addresses (0: an empty slot; 0.0.0.0 is never a destination). */
    private final AtomicIntegerArray refused = new AtomicIntegerArray(SLOTS);
    private final AtomicInteger refusedCount = new AtomicInteger();

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

    /** How many destinations the kernel refused runs to, each sent one datagram at a time since. */
    public int refusedDestinations() {
        return Math.min(refusedCount.get(), MAX_REFUSED_DESTINATIONS);
    }

    /** Whether runs to {@code ipv4} were refused: its datagrams leave one by one. Any thread; reads only. */
    public boolean refusedTowards(int ipv4) {
        for (int i = slot(ipv4), n = 0; n < SLOTS; i = (i + 1) & (SLOTS - 1), n++) {
            int at = refused.get(i);
            if (at == ipv4) {
                return true;
            }
            if (at == 0) {
                return false;
            }
        }
        return false;
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

    /**
     * The kernel refused a run to {@code ipv4} with {@code errno} where a plain send of its first datagram went:
     * off towards that destination, or everywhere once more than {@value #MAX_REFUSED_DESTINATIONS} were.
     */
    void refused(int errno, int ipv4) {
        if (!inUse() || ipv4 == 0) {
            return;
        }
        for (int i = slot(ipv4), n = 0; n < SLOTS; i = (i + 1) & (SLOTS - 1), n++) {
            int at = refused.get(i);
            if (at == ipv4) {
                return; // another loop's sender was refused too, and noted it first
            }
            if (at == 0) {
                if (refusedCount.incrementAndGet() > MAX_REFUSED_DESTINATIONS) {
                    refused(errno, "sendmmsg, to more than " + MAX_REFUSED_DESTINATIONS + " destinations");
                    return;
                }
                if (refused.compareAndSet(i, 0, ipv4)) {
                    LOG.info("UDP GSO off towards {}: the kernel refused it (sendmmsg: {}, {}), not the datagrams "
                            + "alone; they leave one by one, other destinations keep it", Ipv4.toString(ipv4),
                            Errno.name(errno), Errno.text(errno));
                    return;
                }
                refusedCount.decrementAndGet(); // another loop took the slot meanwhile: look at it again
                i = (i - 1) & (SLOTS - 1);
                n--;
            }
        }
    }

    /** The kernel refused GSO with {@code errno} in a way no destination explains: off for good, everywhere. */
    void refused(int errno, String where) {
        if (inUse.compareAndSet(true, false)) {
            LOG.info("UDP GSO off: the kernel refused it ({}: {}, {}); datagrams leave one by one",
                    where, Errno.name(errno), Errno.text(errno));
        }
    }

    private static int slot(int ipv4) {
        return (ipv4 * 0x9E37_79B9) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(SLOTS));
    }
}
