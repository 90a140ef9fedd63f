package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalAddressIndexesTest {
    @Test
    void eachAddressKeepsItsIndexAndIndexesStartAtOne() {
        LocalAddressIndexes indexes = new LocalAddressIndexes(255);
        assertThat(indexes.assign(0xC633_6403)).isEqualTo(1);
        assertThat(indexes.assign(0xC633_6404)).isEqualTo(2);
        assertThat(indexes.assign(0xC633_6403)).as("asked again").isEqualTo(1);
    }

    @Test
    void aReleasedIndexIsTakenAgainOnlyAfterEveryOtherFreeOne() {
        LocalAddressIndexes indexes = new LocalAddressIndexes(3);
        indexes.assign(10);
        indexes.assign(11);
        indexes.release(10);
        assertThat(indexes.assign(12)).as("the never-used one first").isEqualTo(3);
        assertThat(indexes.assign(13)).as("then the released one").isEqualTo(1);
        assertThat(indexes.assign(14)).as("all taken").isZero();
        indexes.release(11);
        assertThat(indexes.assign(14)).isEqualTo(2);
    }

    @Test
    void releasingAnUnknownAddressChangesNothing() {
        LocalAddressIndexes indexes = new LocalAddressIndexes(1);
        indexes.release(7);
        assertThat(indexes.assign(8)).isEqualTo(1);
        assertThat(indexes.assign(9)).isZero();
    }
}
