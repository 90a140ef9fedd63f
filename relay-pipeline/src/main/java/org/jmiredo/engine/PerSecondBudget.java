package org.jmiredo.engine;

/**
 * A fixed number of events per clock second, for one event loop's thread only (no synchronisation).
 * Two ints of state whatever the load: a flood cannot grow it. {@code 0} per second means unlimited.
 * Limits the relay's ICMPv6 errors, its bubbles to unknown peers and the server's router advertisements.
 */
public final class PerSecondBudget {
    private final int perSecond;
    private int second;
    private int used;

    public PerSecondBudget(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("perSecond must not be negative");
        }
        this.perSecond = perSecond;
    }

    /** The share of {@code total} per second for one of {@code parts} event loops, rounded up; 0 stays 0. */
    public static int share(int total, int parts) {
        int p = Math.max(1, parts);
        return total == 0 ? 0 : (int) ((total + (long) p - 1) / p);
    }

    /** True when one more event may happen at second {@code now}; counts it. */
    public boolean tryAcquire(int now) {
        if (perSecond == 0) {
            return true;
        }
        if (now != second) {
            second = now;
            used = 0;
        }
        if (used >= perSecond) {
            return false;
        }
        used++;
        return true;
    }
}
