package org.jmiredo.server.metrics;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many full scrapes the metrics endpoint serves, on its one event loop (plain fields, no locks). A scrape costs
 * about 1.6 ms of CPU: one client pipelining {@code GET /metrics} kept a core busy and cut a saturated relay's
 * forwarding to 0.57-0.74 (BENCHMARKS.md "Sixteenth iteration: outside review of the relay"). Two buckets, each a
 * generic cell rate algorithm (a token bucket kept as the moment it would be full again, {@code tat}):
 * <ul>
 *   <li>the whole endpoint's: {@code metrics.scrapes-per-second}, with one second's worth at once;</li>
 *   <li>each source's (an address, for IPv6 its /64, as {@link MetricsConnections#source}): half of that, at least
 *       one at once. So one source never holds more than half the budget, and with a budget of 2 or more a scraper
 *       from anywhere else always finds a scrape left, whatever one source sends (several sources together can
 *       still take it all: firewall the port).</li>
 * </ul>
 * A scrape is served only when both have room, and only then charged to both. A source's entry is kept while its
 * bucket is not full again (at most a second or two after its last scrape): an entry whose {@code tat} has passed
 * is a full bucket, the same as none, so it is dropped; entries are made only by served scrapes, so they stay few.
 */
final class ScrapeBudget {
    /** Why a scrape was refused; the label of {@code jmiredo_metrics_scrapes_refused_total}. */
    enum Refusal {
        /** The whole endpoint's budget was spent (by several sources). */
        BUDGET("budget"),
        /** The source had spent its share, half of the budget. */
        SOURCE_SHARE("source_share");

        final String label;

        Refusal(String label) {
            this.label = label;
        }
    }

    /** Told of each refusal, with its reason (a counter). */
    interface Refusals {
        void refused(Refusal why);
    }

    private static final long SECOND = 1_000_000_000L;
    /** Sweeping the sources' entries costs their number; sweep only when they doubled since the last sweep. */
    private static final int FIRST_SWEEP = 64;

    private final boolean unlimited;
    private final LongSupplier nanoClock;
    private final Refusals refusals;
    /** The whole budget: one scrape's worth of time, and how far ahead of now its tat may be (burst - 1 scrapes). */
    private final long wholeInterval;

    private final long wholeTolerance;
    private final long sourceInterval;
    private final long sourceTolerance;
    private long wholeTat;
    private final Map<InetAddress, Long> sourceTat = new HashMap<>();
    private int sweepAt = FIRST_SWEEP;

    /**
     * @param perSecond full scrapes a second for the whole endpoint, one second's worth at once; 0 for no limit
     * @param nanoClock the time, as {@link System#nanoTime()}
     */
    ScrapeBudget(int perSecond, LongSupplier nanoClock, Refusals refusals) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("scrapes per second: " + perSecond);
        }
        this.unlimited = perSecond == 0;
        this.nanoClock = nanoClock;
        this.refusals = refusals;
        int rate = Math.max(1, perSecond);
        this.wholeInterval = SECOND / rate;
        this.wholeTolerance = (rate - 1) * wholeInterval;
        // Half the rate, and half the burst (at least one scrape).
        this.sourceInterval = 2 * SECOND / rate;
        this.sourceTolerance = (Math.max(1, rate / 2) - 1) * sourceInterval;
        this.wholeTat = nanoClock.getAsLong();
    }

    /**
     * Charges a scrape from {@code source} to the budget if both buckets have room.
     *
     * @return 0 when the scrape may be served; else the whole seconds to wait (Retry-After, at least 1), the refusal
     *     counted
     */
    long charge(InetAddress source) {
        if (unlimited) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        Long tat = sourceTat.get(source);
        long sourceAhead = tat == null ? 0 : Math.max(0, tat - now);
        long wholeAhead = Math.max(0, wholeTat - now);
        long sourceWait = sourceAhead - sourceTolerance;
        long wholeWait = wholeAhead - wholeTolerance;
        if (sourceWait > 0 || wholeWait > 0) {
            refusals.refused(sourceWait > 0 ? Refusal.SOURCE_SHARE : Refusal.BUDGET);
            return Math.max(1, (Math.max(sourceWait, wholeWait) + SECOND - 1) / SECOND);
        }
        wholeTat = now + wholeAhead + wholeInterval;
        if (tat == null && sourceTat.size() >= sweepAt) {
            sweep(now);
        }
        sourceTat.put(source, now + sourceAhead + sourceInterval);
        return 0;
    }

    /** Drops the entries of sources whose bucket is full again (the same as no entry). */
    private void sweep(long now) {
        for (Iterator<Long> it = sourceTat.values().iterator(); it.hasNext(); ) {
            if (it.next() - now <= 0) {
                it.remove();
            }
        }
        sweepAt = Math.max(FIRST_SWEEP, 2 * sourceTat.size());
    }

    /** The sources with an entry (for tests: the map stays bounded). */
    int trackedSources() {
        return sourceTat.size();
    }
}
