package org.jmiredo.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
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
    void neverMoreThanTheBudgetInAnySecond(@ForAll @IntRange(min = 1, max = 50) int perSecond,
            @ForAll @IntRange(min = 1, max = 500) int attempts) {
        PerSecondBudget budget = new PerSecondBudget(perSecond);
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (budget.tryAcquire(5)) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(Math.min(perSecond, attempts));
    }
}
