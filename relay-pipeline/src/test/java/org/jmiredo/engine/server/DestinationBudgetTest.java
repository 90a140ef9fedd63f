package org.jmiredo.engine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.testing.AllAtOnce;
import org.junit.jupiter.api.Test;

class DestinationBudgetTest {
    private static final int VICTIM = Ipv4.of(198, 51, 100, 7);
    private static final int CLIENT = Ipv4.of(203, 0, 113, 9);

    private static DestinationBudget budget(int perSecond, int slots, long seed) {
        return new DestinationBudget(perSecond, slots, new SplittableRandom(seed));
    }

    private static int granted(DestinationBudget budget, int ipv4, int now, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            n += budget.tryAcquire(ipv4, now) ? 1 : 0;
        }
        return n;
    }

    @Test
    void oneDestinationGetsItsBudgetPerSecondAndOthersAreNotCharged() {
        DestinationBudget budget = budget(3, 1024, 1);
        assertThat(granted(budget, VICTIM, 1_000, 100)).isEqualTo(3);
        assertThat(granted(budget, CLIENT, 1_000, 2))
                .as("another address, same second")
                .isEqualTo(2);
        assertThat(granted(budget, VICTIM, 1_001, 100))
                .as("a new second, a new budget")
                .isEqualTo(3);
        assertThat(granted(budget, VICTIM, 1_005, 100)).as("after a gap too").isEqualTo(3);
    }

    /**
     * One table for the whole server, its event loops taking from it at once: four threads asking for eight victims
     * in one second get exactly each victim's budget between them, never more (the raise of a victim's counters
     * is a compare-and-set from what the estimate was read from). Before, a table was one loop's, plain writes.
     */
    @Test
    void threadsSharingTheTableGetExactlyEachVictimsBudgetBetweenThem() throws InterruptedException {
        for (int round = 0; round < 20; round++) {
            DestinationBudget budget = budget(500, 1 << 16, round);
            AtomicIntegerArray granted = new AtomicIntegerArray(8);
            AllAtOnce.run(4, () -> {
                for (int i = 0; i < 8_000; i++) {
                    if (budget.tryAcquire(VICTIM + (i & 7), 7)) {
                        granted.incrementAndGet(i & 7);
                    }
                }
            });
            for (int v = 0; v < 8; v++) {
                assertThat(granted.get(v)).as("round %d, victim %d", round, v).isEqualTo(500);
            }
        }
    }

    /** A loop whose burst clock still reads the previous second counts in the later window: no second window. */
    @Test
    void aLaggingClockCountsInTheLaterWindow() {
        DestinationBudget budget = budget(2, 1024, 3);
        assertThat(budget.tryAcquire(VICTIM, 11)).isTrue();
        assertThat(budget.tryAcquire(VICTIM, 10)).isTrue();
        assertThat(budget.tryAcquire(VICTIM, 10))
                .as("the loop still on second 10 opens no window of its own")
                .isFalse();
        assertThat(budget.tryAcquire(VICTIM, 11)).isFalse();
        assertThat(budget.tryAcquire(VICTIM, 12)).isTrue();
    }

    @Test
    void zeroIsUnlimitedWithoutATable() {
        DestinationBudget budget = budget(0, 1 << 20, 1);
        assertThat(granted(budget, VICTIM, 1_000, 10_000)).isEqualTo(10_000);
        assertThat(budget.slots()).isZero();
    }

    @Test
    void theTableHasTheGivenSizeWhateverTheNumberOfSources() {
        DestinationBudget budget = budget(2, 1024, 7);
        for (int source = 0; source < 100_000; source++) {
            budget.tryAcquire(Ipv4.of(100, 64, 0, 0) + source, 1_000);
        }
        assertThat(budget.slots()).isEqualTo(1024);
    }

    @Test
    void slotsMustBeAPowerOfTwoAndTheBudgetNotNegative() {
        assertThatThrownBy(() -> budget(1, 1000, 1)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> budget(1, 1, 1)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> budget(-1, 1024, 1)).hasMessageContaining("negative");
    }

    /**
     * Whatever the collisions, no address ever gets more than its budget in a second (count-min never
     * under-counts): checked with a table so small that most of 2,000 addresses share counters.
     */
    @Test
    void collisionsNeverLetAnAddressExceedItsBudget() {
        DestinationBudget budget = budget(4, 16, 3);
        SplittableRandom order = new SplittableRandom(5);
        for (int second = 1_000; second < 1_010; second++) {
            int[] got = new int[2_000];
            for (int i = 0; i < 20_000; i++) {
                int a = order.nextInt(got.length);
                if (budget.tryAcquire(Ipv4.of(192, 0, 2, 0) + a, second)) {
                    got[a]++;
                }
            }
            assertThat(Arrays.stream(got).max().orElseThrow())
                    .as("the most any address got")
                    .isBetween(1, 4);
        }
    }

    /**
     * A flood aimed at many victims shares counters with real clients, but with two rows a client is
     * refused only when both of its counters are used up: with 64 flooded addresses in 1,024 slots, all
     * but a few of 1,000 other addresses keep their full budget.
     */
    @Test
    void aFloodOnManyVictimsSparesAlmostEveryOtherAddress() {
        DestinationBudget budget = budget(4, 1024, 11);
        for (int round = 0; round < 100; round++) {
            for (int v = 0; v < 64; v++) {
                budget.tryAcquire(Ipv4.of(198, 18, 0, 0) + v, 1_000);
            }
        }
        int refused = 0;
        for (int c = 0; c < 1_000; c++) {
            refused += granted(budget, Ipv4.of(203, 0, 113, 0) + c * 7919, 1_000, 1) == 0 ? 1 : 0;
        }
        // Expected about 1,000 x (64/1024)^2 = 4 refused; one row alone would refuse about 62.
        assertThat(refused).isLessThan(20);
    }

    /** The hash is keyed: two addresses that share both counters under one secret do not under another. */
    @Test
    void whichAddressesShareCountersDependsOnTheSecret() {
        int a = Ipv4.of(198, 51, 100, 1);
        int b = a;
        DestinationBudget first;
        do { // about 1 in 256 addresses shares both counters with a in a table of 16
            b++;
            first = budget(1, 16, 42);
            first.tryAcquire(a, 1_000);
        } while (first.tryAcquire(b, 1_000));
        DestinationBudget second = budget(1, 16, 43);
        second.tryAcquire(a, 1_000);
        assertThat(second.tryAcquire(b, 1_000))
                .as("%s shares a's counters under the first secret only", Ipv4.toString(b))
                .isTrue();
    }
}
