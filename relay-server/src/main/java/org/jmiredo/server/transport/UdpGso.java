package org.jmiredo.server.transport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
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
 * depends on the route, so it turns GSO off only towards that destination: its datagrams leave one by one, while
 * runs to every other destination keep GSO. Routes change (a link repaired, a tunnel's MTU raised), so a
 * refusal is remembered for {@code transport.udp-gso-retry} ({@link #DEFAULT_RETRY_SECONDS} seconds by default:
 * the kernel's own path MTU exceptions last as long, {@code net.ipv4.route.mtu_expires}); the destination's next
 * run after that is tried with GSO again, which costs one refused sendmmsg, its datagrams then sent one by one,
 * if the route still refuses it. Before, a refusal lasted until restart.
 *
 * <p>Bounded: at most {@value #MAX_REFUSED_DESTINATIONS} destinations are remembered at once (a fixed table of
 * as many longs, each the address and the second its refusal ends); when the kernel refuses runs to more, the
 * cause is likely not one route but the host's egress path as a whole (a socket option, every device without
 * checksum offload), and GSO turns off for every destination for as long, then is tried again (until restart,
 * before). Each refusal costs one failed sendmmsg, whose datagrams are then sent one by one: none is lost. An
 * INFO line per refusal and one per return (at most one per destination per period). Lock-free: the senders read
 * the state and the count of refused destinations once per batch (volatile reads per sendmmsg, as before), and
 * only while that count is not 0 the clock and the table's used part, once per run of the batch; nothing per
 * datagram. Only a refusal, and the expiry of one (looked for at most once a second while there are some),
 * writes.
 */
public final class UdpGso {
    /** Destinations refused at once before GSO turns off everywhere. */
    static final int MAX_REFUSED_DESTINATIONS = 64;
    /** How long a refusal lasts by default, towards one destination or everywhere: the kernel's mtu_expires. */
    static final int DEFAULT_RETRY_SECONDS = 600;
    /** {@link #offUntil}: GSO in use. */
    private static final long ON = 0;
    /** {@link #offUntil}: off for good (mode off, or a socket without UDP_SEGMENT). */
    private static final long FOR_GOOD = Long.MAX_VALUE;

    private static final long SECOND_MASK = 0xFFFF_FFFFL;
    private static final Logger LOG = LoggerFactory.getLogger(UdpGso.class);

    private final UdpGsoMode mode;
    private final LongSupplier nanoTime;
    private final long start;
    private final int retrySeconds;
    /** {@link #ON}, {@link #FOR_GOOD}, or the second ({@link #second()}) from which GSO is tried again. */
    private final AtomicLong offUntil;
    /**
     * The refused destinations: the IPv4 address in the high half, in the low half the second their refusal ends
     * ({@link #second()}, from 1), or 0 once that was seen and the slot may be reused (a whole 0: never used).
     */
    private final AtomicLongArray refused = new AtomicLongArray(MAX_REFUSED_DESTINATIONS);
    /** Slots ever used, from the first: lookups read no further. */
    private final AtomicInteger used = new AtomicInteger();
    /** Slots holding a refusal not yet seen ended (its low half not 0). */
    private final AtomicInteger refusedCount = new AtomicInteger();
    /** The second from which the next look for ended refusals is due. */
    private final AtomicLong nextExpiry = new AtomicLong();

    public UdpGso(UdpGsoMode mode) {
        this(mode, System::nanoTime, DEFAULT_RETRY_SECONDS);
    }

    /** @param retry how long a refusal lasts ({@code transport.udp-gso-retry}), whole seconds from 1 */
    public UdpGso(UdpGsoMode mode, Duration retry) {
        this(mode, System::nanoTime, (int) Math.clamp(retry.toSeconds(), 1, Integer.MAX_VALUE / 2));
    }

    /** @param nanoTime the clock ({@link System#nanoTime} but in tests); @param retrySeconds from 1 */
    UdpGso(UdpGsoMode mode, LongSupplier nanoTime, int retrySeconds) {
        this.mode = mode;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
        this.retrySeconds = retrySeconds;
        this.offUntil = new AtomicLong(mode == UdpGsoMode.AUTO ? ON : FOR_GOOD);
    }

    public UdpGsoMode mode() {
        return mode;
    }

    /**
     * True while the senders group runs. Off for good, never true again; off everywhere for a while, true again
     * from the first call once it is over (a clock read per call meanwhile).
     */
    public boolean inUse() {
        long off = offUntil.get();
        if (off == ON) {
            return true;
        }
        if (off == FOR_GOOD || second() < off) {
            return false;
        }
        if (offUntil.compareAndSet(off, ON)) {
            LOG.info("UDP GSO on again: tried again {} s after the kernel refused it", retrySeconds);
        }
        return offUntil.get() == ON;
    }

    /** How many destinations the kernel refused runs to, each sent one datagram at a time until its refusal ends. */
    public int refusedDestinations() {
        if (refusedCount.get() > 0) {
            expire(true);
        }
        return refusedCount.get();
    }

    /**
     * While any destination is refused (a volatile read, for the senders once per batch holding a run): true,
     * having ended the refusals that are over (looked for at most once a second).
     */
    boolean anyRefused() {
        if (refusedCount.get() == 0) {
            return false;
        }
        expire(false);
        return refusedCount.get() > 0;
    }

    /** Whether runs to {@code ipv4} are refused: its datagrams leave one by one. Any thread; reads only. */
    public boolean refusedTowards(int ipv4) {
        long now = second();
        for (int i = 0, n = used.get(); i < n; i++) {
            long at = refused.get(i);
            if ((int) (at >>> 32) == ipv4 && now < (at & SECOND_MASK)) {
                return true;
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
     * off towards that destination for a while, or everywhere once more than {@value #MAX_REFUSED_DESTINATIONS}
     * are at once.
     */
    void refused(int errno, int ipv4) {
        if (!inUse() || ipv4 == 0) {
            return;
        }
        long now = second();
        long entry = ((long) ipv4 << 32) | (now + retrySeconds);
        boolean expired = false;
        while (true) {
            int n = used.get();
            int free = -1;
            long freeWas = 0;
            int same = -1;
            long sameWas = 0;
            for (int i = 0; i < n && same < 0; i++) {
                long at = refused.get(i);
                if ((at & SECOND_MASK) == 0) {
                    if (free < 0) {
                        free = i;
                        freeWas = at;
                    }
                } else if ((int) (at >>> 32) == ipv4) {
                    same = i;
                    sameWas = at;
                }
            }
            if (same >= 0) { // noted by another loop's sender, or over and not yet seen so: refused again
                if ((sameWas & SECOND_MASK) > now || refused.compareAndSet(same, sameWas, entry)) {
                    return;
                }
            } else if (free >= 0) {
                if (refused.compareAndSet(free, freeWas, entry)) {
                    noted(errno, ipv4);
                    return;
                }
            } else if (n < MAX_REFUSED_DESTINATIONS) {
                boolean mine = refused.compareAndSet(n, 0, entry);
                used.compareAndSet(n, n + 1); // or another loop's sender took slot n and has not said so yet
                if (mine) {
                    noted(errno, ipv4);
                    return;
                }
            } else if (!expired) {
                expire(true); // full: first end the refusals that are over
                expired = true;
            } else {
                offEverywhere(errno, now);
                return;
            }
        }
    }

    private void noted(int errno, int ipv4) {
        refusedCount.incrementAndGet();
        LOG.info(
                "UDP GSO off towards {} for {} s: the kernel refused it (sendmmsg: {}, {}), not the datagrams "
                        + "alone; they leave one by one, other destinations keep it",
                Ipv4.toString(ipv4),
                retrySeconds,
                Errno.name(errno),
                Errno.text(errno));
    }

    /** The kernel refused GSO with {@code errno} in a way no destination explains: off for good, everywhere. */
    void refused(int errno, String where) {
        long off = offUntil.get();
        if (off != FOR_GOOD && offUntil.compareAndSet(off, FOR_GOOD)) {
            LOG.info(
                    "UDP GSO off: the kernel refused it ({}: {}, {}); datagrams leave one by one",
                    where,
                    Errno.name(errno),
                    Errno.text(errno));
        }
    }

    /** Runs to more than the table holds were refused: the host's path, off everywhere for a while. */
    private void offEverywhere(int errno, long now) {
        if (offUntil.compareAndSet(ON, now + retrySeconds)) {
            LOG.info(
                    "UDP GSO off for {} s: the kernel refused it (sendmmsg, to more than {} destinations: {}, {}); "
                            + "datagrams leave one by one",
                    retrySeconds,
                    MAX_REFUSED_DESTINATIONS,
                    Errno.name(errno),
                    Errno.text(errno));
        }
    }

    /** Marks the refusals that are over as ended (their slots free); at most once a second unless {@code now}. */
    private void expire(boolean whenever) {
        long now = second();
        long due = nextExpiry.get();
        if (!whenever && (now < due || !nextExpiry.compareAndSet(due, now + 1))) {
            return;
        }
        for (int i = 0, n = used.get(); i < n; i++) {
            long at = refused.get(i);
            long until = at & SECOND_MASK;
            if (until != 0 && until <= now && refused.compareAndSet(i, at, at & ~SECOND_MASK)) {
                refusedCount.decrementAndGet();
                LOG.info(
                        "UDP GSO towards {} tried again, {} s after the kernel refused it",
                        Ipv4.toString((int) (at >>> 32)),
                        retrySeconds);
            }
        }
    }

    /** Seconds since this was made, from 1 (so that 0 in a slot means no refusal). */
    private long second() {
        return TimeUnit.NANOSECONDS.toSeconds(nanoTime.getAsLong() - start) + 1;
    }
}
