package org.jmiredo.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmiredo.server.metrics.ScrapeBudget.Refusal;
import org.junit.jupiter.api.Test;

/** The metrics endpoint's scrape budget, on an injected clock: exact counts, no waiting. */
class ScrapeBudgetTest {
    long now = 5_000_000_000L; // any start: the clock's origin is arbitrary
    final List<Refusal> refusals = new ArrayList<>();

    ScrapeBudget budget(int perSecond) {
        return new ScrapeBudget(perSecond, () -> now, refusals::add);
    }

    static InetAddress source(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 198, 51, (byte) (100 + (i >> 8)), (byte) i});
        } catch (UnknownHostException cannot) {
            throw new AssertionError(cannot);
        }
    }

    void advanceMillis(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void theWholeBudgetServesASecondsWorthAtOnceThenItsRate() {
        ScrapeBudget budget = budget(10);
        for (int i = 0; i < 10; i++) { // five sources, two each: within every share
            assertThat(budget.charge(source(i % 5))).as("scrape %d", i).isZero();
        }
        assertThat(budget.charge(source(6)))
                .as("the eleventh, from a sixth source")
                .isEqualTo(1);
        assertThat(refusals).containsExactly(Refusal.BUDGET);
        advanceMillis(99);
        assertThat(budget.charge(source(7))).isEqualTo(1);
        advanceMillis(1); // a tenth of a second: one scrape's worth
        assertThat(budget.charge(source(7))).isZero();
        assertThat(budget.charge(source(8))).isEqualTo(1);
        assertThat(refusals).containsExactly(Refusal.BUDGET, Refusal.BUDGET, Refusal.BUDGET);
    }

    @Test
    void oneSourceGetsHalfTheBudgetAndRetryAfterIsWhenItHasAScrapeAgain() {
        ScrapeBudget budget = budget(10);
        for (int i = 0; i < 5; i++) {
            assertThat(budget.charge(source(1))).isZero();
        }
        assertThat(budget.charge(source(1))).isEqualTo(1);
        assertThat(refusals).containsExactly(Refusal.SOURCE_SHARE);
        advanceMillis(199);
        assertThat(budget.charge(source(1))).isEqualTo(1);
        advanceMillis(1); // its rate is 5 a second
        assertThat(budget.charge(source(1))).isZero();
        // A refusal is not charged: the source is where it was.
        advanceMillis(200);
        assertThat(budget.charge(source(1))).isZero();
        assertThat(budget.charge(source(1))).isEqualTo(1);
    }

    @Test
    void retryAfterCoversTheWaitInWholeSeconds() {
        ScrapeBudget budget = budget(2); // a source's share: one at once, one a second
        assertThat(budget.charge(source(1))).isZero();
        assertThat(budget.charge(source(1))).isEqualTo(1);
        advanceMillis(999);
        assertThat(budget.charge(source(1))).isEqualTo(1); // 1 ms left: still a whole second
        advanceMillis(1);
        assertThat(budget.charge(source(1))).isZero();
    }

    /**
     * The property the share is for: whatever one source sends (here a request every millisecond for a minute), a
     * scraper from another address is served every time, and the flooder gets no more than its half.
     */
    @Test
    void oneSourceFloodingCannotKeepAScraperFromElsewhereOut() {
        for (int perSecond : new int[] {2, 3, 10, 100}) {
            now = 0;
            refusals.clear();
            ScrapeBudget budget = budget(perSecond);
            int flooderServed = 0;
            int scraperServed = 0;
            int scraperTries = 0;
            for (int ms = 0; ms < 60_000; ms++) {
                flooderServed += budget.charge(source(1)) == 0 ? 1 : 0;
                if (ms % 1_000 == 137) { // a scraper once a second, well within its own share
                    scraperTries++;
                    scraperServed += budget.charge(source(2)) == 0 ? 1 : 0;
                }
                advanceMillis(1);
            }
            assertThat(scraperServed)
                    .as("budget %d", perSecond)
                    .isEqualTo(scraperTries)
                    .isEqualTo(60);
            // Its share: half the burst (at least one) and half the rate.
            assertThat(flooderServed)
                    .as("budget %d", perSecond)
                    .isBetween(perSecond * 60 / 2 - 1, Math.max(1, perSecond / 2) + perSecond * 60 / 2);
            assertThat(refusals).as("budget %d", perSecond).containsOnly(Refusal.SOURCE_SHARE);
        }
    }

    @Test
    void zeroMeansNoLimit() {
        ScrapeBudget budget = budget(0);
        for (int i = 0; i < 100_000; i++) {
            assertThat(budget.charge(source(1))).isZero();
        }
        assertThat(refusals).isEmpty();
        assertThat(budget.trackedSources()).isZero();
    }

    /** Entries are made by served scrapes only and dropped once their bucket is full again: they stay few. */
    @Test
    void sourcesAreForgottenOnceTheirShareIsWholeAgain() {
        ScrapeBudget budget = budget(10);
        int most = 0;
        for (int i = 0; i < 60_000; i++) { // a new source every millisecond for a minute
            budget.charge(source(i % 60_000));
            most = Math.max(most, budget.trackedSources());
            advanceMillis(1);
        }
        assertThat(most).isLessThanOrEqualTo(64 + 2 * 10);
        // A source forgotten starts with its whole share again, as one never seen.
        advanceMillis(10_000);
        for (int i = 0; i < 5; i++) {
            assertThat(budget.charge(source(3))).isZero();
        }
    }
}
