package org.jmiredo.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProofCreditsTest {
    private final ProofCredits credits = new ProofCredits();

    @Test
    void aPeerMaySendThreeTimesWhatItSentAndNoMore() {
        credits.start(42, 100);
        assertThat(credits.spend(42, 301)).isFalse();
        assertThat(credits.credit(42)).as("a refused send takes nothing").isEqualTo(300);
        assertThat(credits.spend(42, 200)).isTrue();
        assertThat(credits.spend(42, 101)).isFalse();
        credits.grant(42, 50);
        assertThat(credits.spend(42, 250)).isTrue();
        assertThat(credits.credit(42)).isZero();
    }

    @Test
    void creditIsCappedSoThatEarlierDatagramsBuyNoLargeBurstLater() {
        for (int i = 0; i < 1000; i++) {
            credits.grant(42, 1400);
        }
        assertThat(credits.credit(42)).isEqualTo(ProofCredits.MAX_CREDIT);
    }

    @Test
    void aPeerWhoseSlotAnotherTookHasNoCreditLeft() {
        credits.start(42, 100);
        credits.start(42 + ProofCredits.SLOTS, 10); // the same slot
        assertThat(credits.spend(42, 1)).as("waits for its proof instead").isFalse();
        assertThat(credits.credit(42 + ProofCredits.SLOTS)).isEqualTo(30);
        credits.forget(42);
        assertThat(credits.credit(42 + ProofCredits.SLOTS))
                .as("forgetting another's slot changes nothing")
                .isEqualTo(30);
        credits.forget(42 + ProofCredits.SLOTS);
        assertThat(credits.credit(42 + ProofCredits.SLOTS)).isZero();
    }
}
