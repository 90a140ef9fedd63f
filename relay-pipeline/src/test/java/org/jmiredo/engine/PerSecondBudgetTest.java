package org.jmiredo.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jmiredo.testing.AllAtOnce;
import org.junit.jupiter.api.Test;

class PerSecondBudgetTest {

    @Test
    void allowsTheBudgetPerSecondThenRefusesUntilTheNextSecond() {
        PerSecondBudget budget = new PerSecondBudget(3);
        assertThat(budget.tryAcquire(10)).isTrue();
        assertThat(budget.tryAcquire(10)).isTrue();
        assertThat(budget.tryAcquire(10)).isTrue();
        assertThat(budget.tryAcquire(10)).isFalse();
        assertThat(budget.tryAcquire(10)).isFalse();
        assertThat(budget.tryAcquire(11)).isTrue();
    }

    @Test
    void zeroIsUnlimited() {
        PerSecondBudget budget = new PerSecondBudget(0);
        for (int i = 0; i < 100_000; i++) {
            assertThat(budget.tryAcquire(1)).isTrue();
        }
        assertThatThrownBy(() -> new PerSecondBudget(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shareRoundsUpAndKeepsUnlimited() {
        assertThat(PerSecondBudget.share(0, 4)).isZero();
        assertThat(PerSecondBudget.share(10, 4)).isEqualTo(3);
        assertThat(PerSecondBudget.share(1, 8)).isEqualTo(1);
        assertThat(PerSecondBudget.share(100, 0)).isEqualTo(100);
        assertThat(PerSecondBudget.share(Integer.MAX_VALUE, 2)).isPositive();
    }

    @Property
    void neverMoreThanTheBudgetInAnySecond(
            @ForAll @IntRange(min = 1, max = 50) int perSecond, @ForAll @IntRange(min = 1, max = 500) int attempts) {
        PerSecondBudget budget = new PerSecondBudget(perSecond);
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (budget.tryAcquire(5)) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(Math.min(perSecond, attempts));
    }

    /** One budget for every event loop: threads racing for it in one second get exactly the rate between them. */
    @Test
    void threadsSharingTheBudgetGetExactlyTheRateBetweenThem() throws InterruptedException {
        for (int round = 0; round < 20; round++) {
            PerSecondBudget budget = new PerSecondBudget(1_000);
            AtomicInteger granted = new AtomicInteger();
            AllAtOnce.run(4, () -> {
                int mine = 0;
                for (int i = 0; i < 2_000; i++) {
                    if (budget.tryAcquire(7)) {
                        mine++;
                    }
                }
                granted.addAndGet(mine);
            });
            assertThat(granted.get()).as("round %d", round).isEqualTo(1_000);
        }
    }

    /** A loop whose burst clock still reads the previous second counts in the current window: no second window. */
    @Test
    void aLaggingClockCountsInTheCurrentWindow() {
        PerSecondBudget budget = new PerSecondBudget(2);
        assertThat(budget.tryAcquire(11)).isTrue();
        assertThat(budget.tryAcquire(10)).isTrue();
        assertThat(budget.tryAcquire(10))
                .as("the loop still on second 10 opens no window of its own")
                .isFalse();
        assertThat(budget.tryAcquire(11)).isFalse();
        assertThat(budget.tryAcquire(12)).isTrue();
    }

    @Test
    void aNewRateAppliesFromTheNextEventAndZeroMeansNoneOrUnlimited() {
        PerSecondBudget budget = new PerSecondBudget(1);
        assertThat(budget.tryAcquireOrNone(10)).isTrue();
        assertThat(budget.tryAcquireOrNone(10)).isFalse();
        budget.setPerSecond(3);
        assertThat(budget.tryAcquireOrNone(10))
                .as("what was granted this second still counts")
                .isTrue();
        assertThat(budget.tryAcquireOrNone(10)).isTrue();
        assertThat(budget.tryAcquireOrNone(10)).isFalse();
        budget.setPerSecond(0);
        assertThat(budget.tryAcquireOrNone(11)).as("0: none").isFalse();
        assertThat(budget.tryAcquire(11)).as("0: unlimited").isTrue();
        assertThatThrownBy(() -> budget.setPerSecond(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
