package org.jmiredo.server.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a send batch groups runs of datagrams into UDP GSO messages (no system call). */
class DatagramBatchTest {
    private static final int A = 0xC6336401;
    private static final int B = 0xCB007101;

    /** Message m as "datagrams x segment size" (size 0: sent as a plain datagram). */
    private static List<String> layout(DatagramBatch batch) {
        List<String> messages = new ArrayList<>();
        for (int m = 0; m < batch.messages(); m++) {
            messages.add(batch.firstDatagram(m) + ":" + batch.datagrams(m) + "x" + batch.segmentSize(m));
        }
        return messages;
    }

    private static DatagramBatch segmenting(int capacity) {
        DatagramBatch batch = new DatagramBatch(capacity);
        batch.segmenting(true);
        return batch;
    }

    @Test
    void aRunToOneDestinationIsOneMessageWhoseLastDatagramMayBeShorter() {
        DatagramBatch batch = segmenting(8);
        batch.add(0, 100, A, 3544);
        batch.add(0, 100, A, 3544);
        batch.add(0, 100, A, 3544);
        batch.add(0, 60, A, 3544); // shorter: ends the run
        batch.add(0, 60, A, 3544); // a new run: only the last of one may be shorter
        batch.add(0, 100, A, 3544); // longer than the run's size: a new one

        assertThat(layout(batch)).containsExactly("0:4x100", "4:1x0", "5:1x0");
        assertThat(batch.size()).isEqualTo(6);
    }

    @Test
    void anotherDestinationOrPortEndsTheRunAndOrderIsKept() {
        DatagramBatch batch = segmenting(8);
        batch.add(0, 80, A, 3544);
        batch.add(0, 80, A, 3544);
        batch.add(0, 80, B, 3544);
        batch.add(0, 80, A, 3544); // A again, but not consecutive: its own message
        batch.add(0, 80, A, 3545);
        batch.add(0, 80, A, 3545);

        assertThat(layout(batch)).containsExactly("0:2x80", "2:1x0", "3:1x0", "4:2x80");
        assertThat(batch.ipv4(1)).as("message 1: datagram 2").isEqualTo(B);
        assertThat(batch.ipv4(2)).isEqualTo(A);
        assertThat(batch.port(3)).as("message 3: datagrams 4 and 5").isEqualTo(3545);
    }

    @Test
    void aRunStopsAtTheKernelsSegmentCountAndAtSixtyFourKibibytes() {
        DatagramBatch small = segmenting(128);
        for (int i = 0; i < 100; i++) {
            small.add(0, 80, A, 3544);
        }
        assertThat(layout(small)).containsExactly("0:64x80", "64:36x80");

        DatagramBatch large = segmenting(128);
        for (int i = 0; i < 60; i++) {
            large.add(0, 1288, A, 3544);
        }
        int perRun = DatagramBatch.MAX_RUN_BYTES / 1288; // 50 datagrams, 64,400 bytes
        assertThat(layout(large)).containsExactly("0:" + perRun + "x1288", perRun + ":" + (60 - perRun) + "x1288");
    }

    @Test
    void datagramsLargerThanAnEthernetSegmentAreSentAlone() {
        DatagramBatch batch = segmenting(4);
        batch.add(0, DatagramBatch.MAX_SEGMENT_SIZE + 1, A, 3544);
        batch.add(0, DatagramBatch.MAX_SEGMENT_SIZE + 1, A, 3544);
        batch.add(0, DatagramBatch.MAX_SEGMENT_SIZE, A, 3544);
        batch.add(0, DatagramBatch.MAX_SEGMENT_SIZE, A, 3544);

        assertThat(layout(batch)).containsExactly("0:1x0", "1:1x0", "2:2x1472");

        DatagramBatch empty = segmenting(2);
        empty.add(0, 0, A, 3544);
        empty.add(0, 0, A, 3544);
        assertThat(layout(empty))
                .as("a segment size of 0 would mean no segmentation")
                .containsExactly("0:1x0", "1:1x0");
    }

    @Test
    void withoutSegmentingEveryDatagramIsAMessage() {
        DatagramBatch batch = new DatagramBatch(4);
        for (int i = 0; i < 4; i++) {
            batch.add(0, 80, A, 3544);
        }
        assertThat(layout(batch)).containsExactly("0:1x0", "1:1x0", "2:1x0", "3:1x0");
        assertThat(batch.isFull()).isTrue();
    }

    @Test
    void ungroupingSplitsTheRunsFromAMessageOnAndKeepsTheOnesBefore() {
        DatagramBatch batch = segmenting(8);
        batch.add(0, 80, A, 3544);
        batch.add(0, 80, A, 3544);
        batch.add(0, 90, B, 3544);
        batch.add(0, 90, B, 3544);
        batch.add(0, 90, B, 3544);
        batch.add(0, 70, A, 3545); // message 2, whose header the ungrouped datagrams take over

        batch.ungroup(1);

        assertThat(layout(batch)).containsExactly("0:2x80", "2:1x0", "3:1x0", "4:1x0", "5:1x0");
        assertThat(batch.ipv4(0)).isEqualTo(A);
        for (int m = 1; m < 4; m++) {
            assertThat(batch.ipv4(m)).as("message %d", m).isEqualTo(B);
            assertThat(batch.port(m)).isEqualTo(3544);
        }
        assertThat(batch.ipv4(4)).isEqualTo(A);
        assertThat(batch.port(4)).isEqualTo(3545);
        batch.clear();
        assertThat(batch.size()).isZero();
        assertThat(batch.messages()).isZero();
        batch.add(0, 80, A, 3544);
        batch.add(0, 80, A, 3544);
        assertThat(layout(batch)).as("a cleared batch groups again").containsExactly("0:2x80");
    }

    /** A destination the kernel refused runs to: its run becomes one message per datagram, the runs around it stay. */
    @Test
    void separatingSplitsTheRunsToOneDestinationAndKeepsTheOthersGrouped() {
        DatagramBatch batch = segmenting(16);
        int c = 0xCB007102;
        batch.add(0, 80, A, 3544);
        batch.add(0, 80, A, 3544);
        batch.add(0, 90, B, 3544);
        batch.add(0, 90, B, 3544);
        batch.add(0, 90, B, 3544);
        batch.add(0, 70, c, 3544);
        batch.add(0, 70, c, 3544);
        batch.add(0, 60, B, 3545);
        batch.add(0, 60, B, 3545);
        assertThat(layout(batch)).containsExactly("0:2x80", "2:3x90", "5:2x70", "7:2x60");

        batch.separate(1, ipv4 -> ipv4 == B);

        assertThat(layout(batch)).containsExactly("0:2x80", "2:1x0", "3:1x0", "4:1x0", "5:2x70", "7:1x0", "8:1x0");
        assertThat(batch.ipv4(4)).isEqualTo(c);
        assertThat(batch.port(6)).isEqualTo(3545);
        batch.clear();
        batch.add(0, 90, B, 3544);
        batch.add(0, 90, B, 3544);
        assertThat(layout(batch)).as("the batch itself remembers nothing").containsExactly("0:2x90");
    }
}
