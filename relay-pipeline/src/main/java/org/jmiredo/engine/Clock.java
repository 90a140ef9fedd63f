package org.jmiredo.engine;

/** The relay's sense of time, injected so that tests are deterministic (see STYLE: boringtun). */
@FunctionalInterface
public interface Clock {
    /**
     * Seconds on a monotonic clock. Never 0 or negative, so that a zero field in the peer table reads
     * as "never". One-second resolution, as Miredo's relay uses.
     */
    int nowSeconds();

    /** The system's monotonic clock ({@link System#nanoTime()}), starting well above zero. */
    static Clock monotonic() {
        long origin = System.nanoTime();
        return () -> 1_000 + (int) ((System.nanoTime() - origin) / 1_000_000_000L);
    }
}
