package org.jmiredo.engine.server;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.random.RandomGenerator;
import org.jmiredo.proto.SipHash;

/**
 * At most {@code perSecond} Router Advertisements per clock second towards any one IPv4 address, the
 * would-be victim of a reflection with spoofed Router Solicitations, while other addresses are answered
 * normally. One instance for the whole server, shared by every socket of every event loop without a lock, so
 * the operator's number is the bound whichever loops and sockets a victim's spoofed packets reach (an RS with the
 * cone bit is answered from the other address, and a victim's ports spread over the loops). Until this release
 * each loop had a table with its share, rounded up, and each of a loop's two sockets drew on it: with two loops a
 * value of 1 let a victim get 2 a second.
 *
 * <p>A count-min sketch of two rows of {@code slots} counters, each counter a long (clock second in the
 * high half, count in the low half): memory is fixed at construction, nothing is allocated per packet,
 * and a flood from any number of sources cannot grow it. An address's count is the smaller of its two
 * counters, which is never below its true count, so a victim never receives more than the budget.
 * Addresses sharing both counters with a flooded one share its budget; the row indexes come from a
 * SipHash keyed by a secret drawn at start, so an attacker cannot choose addresses that collide with a
 * real client's, and with two rows a client is refused only if both of its counters are exhausted.
 *
 * <p>Shared exactly: each counter is raised by a compare-and-set from the value the estimate was read from, and an
 * event is granted only once every counter at the estimate was raised, so two events never both take the same
 * last unit of a victim's budget (the loser reads again). A refusal only reads. A counter is touched only when
 * such a packet is about to be sent. The window is the clock second, as {@link org.jmiredo.engine.PerSecondBudget}
 * (a counter stamped with a later second than the reader's clock counts in that later window, so loops whose
 * clocks differ by a second cannot each open one): a burst of up to twice the budget can straddle a second's
 * boundary. {@code 0} per second means unlimited (no table).
 */
public final class DestinationBudget {
    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    private final int perSecond;
    private final int slots;
    private final AtomicLongArray counters;
    private final long k0;
    private final long k1;

    /**
     * @param perSecond RAs per second per destination, 0 for no limit
     * @param slots counters per row, a power of two from 2 (ignored when unlimited)
     * @param secrets where the hash's key comes from: {@link SecureRandom} in production, seeded in tests
     */
    DestinationBudget(int perSecond, int slots, RandomGenerator secrets) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("perSecond must not be negative");
        }
        if (perSecond > 0 && (slots < 2 || Integer.bitCount(slots) != 1)) {
            throw new IllegalArgumentException("slots must be a power of two from 2, got " + slots);
        }
        this.perSecond = perSecond;
        this.slots = perSecond == 0 ? 0 : slots;
        this.counters = new AtomicLongArray(2 * this.slots);
        this.k0 = secrets.nextLong();
        this.k1 = secrets.nextLong();
    }

    /** As {@link #DestinationBudget(int, int, RandomGenerator)} with a secret key. */
    public static DestinationBudget withSecretKey(int perSecond, int slots) {
        return new DestinationBudget(perSecond, slots, new SecureRandom());
    }

    /** True when one more packet may go to {@code ipv4} at second {@code now}; counts it. Any thread. */
    boolean tryAcquire(int ipv4, int now) {
        if (perSecond == 0) {
            return true;
        }
        // One keyed hash, two indexes: its low half for the first row, its high half for the second.
        long hash = SipHash.hashShort(k0, k1, ipv4 & COUNT_MASK, Integer.BYTES);
        int i = (int) hash & (slots - 1);
        int j = slots + ((int) (hash >>> 32) & (slots - 1));
        while (true) {
            long ci = counters.get(i);
            long cj = counters.get(j);
            int a = count(ci, now);
            int b = count(cj, now);
            int estimate = Math.min(a, b);
            if (estimate >= perSecond) {
                return false;
            }
            // Conservative update: raise only the counters at the estimate, so that an address sharing one
            // counter with a flooded address is not charged for it in its other counter. Granted only if each
            // was still what was read; else another loop counted meanwhile: read again.
            if ((a != estimate || counters.compareAndSet(i, ci, raised(ci, now, estimate)))
                    && (b != estimate || counters.compareAndSet(j, cj, raised(cj, now, estimate)))) {
                return true;
            }
        }
    }

    /** Counters per row; 0 when unlimited. */
    int slots() {
        return slots;
    }

    /** The counter's count at second {@code now}: 0 if stamped earlier; counted if stamped now or later. */
    private static int count(long counter, int now) {
        return now - (int) (counter >>> 32) > 0 ? 0 : (int) (counter & COUNT_MASK);
    }

    /** {@code counter} raised from {@code estimate} by one, in its window if later than {@code now}'s. */
    private static long raised(long counter, int now, int estimate) {
        int second = (int) (counter >>> 32);
        long stamp = (long) (now - second > 0 ? now : second) << 32;
        return stamp | (estimate + 1);
    }
}
