package org.jmiredo.engine;

/**
 * One event loop's clock, read once per read burst: the first {@link #nowSeconds} of a burst asks the
 * source (System.nanoTime(), about 25 ns here, a fifth of the Teredo→IPv6 Java per packet: DataPathBench),
 * the others get the same second, and {@link #burstEnd} makes the next call ask again. A burst lasts
 * microseconds against the rules' one-second resolution (RFC 4380's 30 s of trust, Miredo's whole seconds).
 * The loop's paths call {@link #burstEnd} at the end of every burst that asked (UDP: the ingress's burst end;
 * tunnel: its read's completion); nothing else on the loop may ask, or a later burst would start from a
 * stale second. Loop thread only.
 */
public final class BurstClock implements Clock {
    private final Clock source;
    /** The burst's second; 0 (which no {@link Clock} returns) when the next call must ask the source. */
    private int now;

    public BurstClock(Clock source) {
        this.source = source;
    }

    @Override
    public int nowSeconds() {
        int seconds = now;
        if (seconds == 0) {
            seconds = source.nowSeconds();
            now = seconds;
        }
        return seconds;
    }

    /** Ends the burst: the next {@link #nowSeconds} asks the source again. */
    public void burstEnd() {
        now = 0;
    }
}
