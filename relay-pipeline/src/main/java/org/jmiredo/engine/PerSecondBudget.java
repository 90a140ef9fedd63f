package org.jmiredo.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed number of events per clock second, shared by any number of event loops without a lock: one instance
 * is the whole relay's (or server's) budget, so what the operator set is the bound whichever loops the packets
 * land on, and a flow that lands on one loop gets all of it. Limits the relay's ICMPv6 errors, its bubbles to
 * unknown peers and to unproved peers over their credit, and the server's router advertisements.
 *
 * <p>One {@link AtomicLong} of state (the window's second in the high half, the events counted in it in the low
 * half) whatever the load: a flood cannot grow it. It is touched only when such a packet is about to be sent,
 * never on the common per-packet path; each event granted is one successful compare-and-set, and a refusal
 * once the second's budget is spent only reads it (no write, so the loops do not fight over its cache line
 * under a flood). A loop whose burst clock still reads the previous second counts in the current window, so
 * loops whose clocks differ by a second cannot each open a window of their own: the events granted in any
 * window never exceed the rate. The rate may change while running (SIGHUP) and applies from the next event.
 */
public final class PerSecondBudget {
    private static final long USED_MASK = 0xFFFF_FFFFL;

    private final AtomicLong window = new AtomicLong();
    private volatile int perSecond;

    /** @param perSecond events per second, 0 (see {@link #tryAcquire} and {@link #tryAcquireOrNone}) */
    public PerSecondBudget(int perSecond) {
        setPerSecond(perSecond);
    }

    /** The share of {@code total} per second for one of {@code parts} event loops, rounded up; 0 stays 0. */
    public static int share(int total, int parts) {
        int p = Math.max(1, parts);
        return total == 0 ? 0 : (int) ((total + (long) p - 1) / p);
    }

    /** A new rate, from the next event on; what was granted this second still counts. */
    public void setPerSecond(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("perSecond must not be negative");
        }
        this.perSecond = perSecond;
    }

    public int perSecond() {
        return perSecond;
    }

    /** True when one more event may happen at second {@code now}; counts it. 0 per second means unlimited. */
    public boolean tryAcquire(int now) {
        int limit = perSecond;
        return limit == 0 || acquire(now, limit);
    }

    /** As {@link #tryAcquire}, but 0 per second means none (the relay's ICMPv6 errors and unknown bubbles). */
    public boolean tryAcquireOrNone(int now) {
        int limit = perSecond;
        return limit != 0 && acquire(now, limit);
    }

    private boolean acquire(int now, int limit) {
        while (true) {
            long state = window.get();
            int second = (int) (state >>> 32);
            if (now - second > 0 || state == 0) { // a later second (the first loop to see it opens its window)
                if (window.compareAndSet(state, ((long) now << 32) | 1)) {
                    return true;
                }
            } else if ((state & USED_MASK) >= limit) {
                return false; // spent: read only
            } else if (window.compareAndSet(state, state + 1)) {
                return true; // this second, or a loop still on the previous one: counted in the current window
            }
        }
    }
}
