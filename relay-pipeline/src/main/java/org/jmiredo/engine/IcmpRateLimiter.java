package org.jmiredo.engine;

/**
 * A per-second budget of ICMPv6 errors (Miredo: about 10 per second, relay.c). One instance per event
 * loop, used only by that loop's thread, so it needs no synchronisation; the configured rate is split
 * between the loops.
 */
final class IcmpRateLimiter {
    private final int perSecond;
    private int second;
    private int used;

    IcmpRateLimiter(int perSecond) {
        this.perSecond = perSecond;
    }

    /** True when one more error may be sent at {@code now}; counts it. */
    boolean tryAcquire(int now) {
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
