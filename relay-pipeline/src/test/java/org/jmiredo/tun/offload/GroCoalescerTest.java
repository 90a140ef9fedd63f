package org.jmiredo.tun.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.tun.offload.GroTestPackets.ACK;
import static org.jmiredo.tun.offload.GroTestPackets.FIN;
import static org.jmiredo.tun.offload.GroTestPackets.PSH;
import static org.jmiredo.tun.offload.GroTestPackets.SYN;
import static org.jmiredo.tun.offload.GroTestPackets.TCP;
import static org.jmiredo.tun.offload.GroTestPackets.UDP;
import static org.jmiredo.tun.offload.GroTestPackets.address;
import static org.jmiredo.tun.offload.GroTestPackets.payload;
import static org.jmiredo.tun.offload.GroTestPackets.tcp;
import static org.jmiredo.tun.offload.GroTestPackets.udp;

import java.util.ArrayList;
import java.util.List;
import org.jmiredo.testing.TrackingAllocator;
import org.jmiredo.tun.offload.GroTestPackets.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroCoalescerTest {
    static final Flow A = new Flow(address(1), address(2), TCP, 40000, 443, 0, 64);
    static final Flow B = new Flow(address(1), address(2), TCP, 40001, 443, 0, 64);
    static final Flow U = new Flow(address(3), address(4), UDP, 5000, 4500, 0, 64);
    static final byte[] NONE = new byte[0];
    static final byte[] TIMESTAMPS = {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9};

    final TrackingAllocator allocator = new TrackingAllocator();
    final RecordingOutput output = new RecordingOutput();
    final GroCoalescer coalescer = new GroCoalescer(allocator, output, true);
    final List<byte[]> sent = new ArrayList<>();

    @AfterEach
    void noLeak() {
        allocator.assertAllReleased();
    }

    /** Holds the packets as one burst, flushes, and checks that the kernel would see exactly them. */
    void burst(byte[]... packets) {
        for (byte[] p : packets) {
            sent.add(p);
            coalescer.add(GroTestPackets.buffer(allocator, p));
        }
        coalescer.flush();
        assertThat(coalescer.held()).isZero();
    }

    /** Segments of flow {@code f} with contiguous sequence numbers from 1000, each {@code sizes[i]} bytes. */
    static byte[][] segments(Flow f, int... sizes) {
        byte[][] out = new byte[sizes.length][];
        int seq = 1000;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = tcp(f, seq, payload(sizes[i], i));
            seq += sizes[i];
        }
        return out;
    }

    void assertDeliveredInOrder() {
        assertThat(output.packets()).containsExactlyElementsOf(sent);
    }

    @Test
    void contiguousSegmentsOfOneFlowBecomeOneSuperPacket() {
        burst(segments(A, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100));

        assertThat(output.shape()).containsExactly(10);
        RecordingOutput.Write w = output.writes.get(0);
        assertThat(w.protocol()).isEqualTo(TCP);
        assertThat(w.segmentSize()).isEqualTo(100);
        assertThat(w.bytes()).hasSize(40 + 20 + 1000);
        assertThat(w.originalBytes()).isEqualTo(10 * 160);
        assertDeliveredInOrder();
    }

    @Test
    void aShorterSegmentEndsTheRunAndTheNextStartsAnother() {
        burst(segments(A, 100, 100, 60, 100, 100));

        assertThat(output.shape()).containsExactly(3, 2);
        assertDeliveredInOrder();
    }

    @Test
    void aLongerSegmentDoesNotJoin() {
        burst(segments(A, 100, 100, 120, 120));

        assertThat(output.shape()).containsExactly(2, 2);
        assertDeliveredInOrder();
    }

    @Test
    void pushEndsTheRunAndTheSuperPacketCarriesItOnItsLastSegment() {
        byte[][] s = segments(A, 100, 100, 100, 100);
        s[2] = tcp(A, 1200, 1, ACK | PSH, NONE, payload(100, 2));
        burst(s);

        assertThat(output.shape()).containsExactly(3, 1);
        assertThat(output.writes.get(0).bytes()[53] & PSH).isNotZero();
        assertDeliveredInOrder();
    }

    @Test
    void aSequenceGapAnotherAckOrWindowOrOptionsStartsANewRun() {
        byte[] gap = tcp(A, 1300, payload(100, 9));
        byte[] otherAck = tcp(A, 1400, 2, ACK, NONE, payload(100, 9));
        byte[] otherOptions = tcp(A, 1500, 2, ACK, TIMESTAMPS, payload(100, 9));
        byte[] sameOptions = tcp(A, 1600, 2, ACK, TIMESTAMPS, payload(100, 8));
        burst(tcp(A, 1000, payload(100, 0)), tcp(A, 1100, payload(100, 1)), gap, otherAck, otherOptions, sameOptions);

        assertThat(output.shape()).containsExactly(2, 1, 1, 2);
        assertDeliveredInOrder();
    }

    @Test
    void anotherHopLimitOrTrafficClassDoesNotJoin() {
        Flow otherClass = new Flow(A.src(), A.dst(), TCP, A.srcPort(), A.dstPort(), 0x2e, 64);
        burst(
                tcp(A, 1000, payload(100, 0)),
                tcp(A.withHopLimit(63), 1100, payload(100, 1)),
                tcp(otherClass, 1200, payload(100, 2)));

        assertThat(output.shape()).containsExactly(1, 1, 1);
        assertDeliveredInOrder();
    }

    /**
     * A segment that differs from its run in a field the kernel's segmentation copies from the super-packet
     * into every segment (checksum still right) never joins: it would come out with the run's value.
     */
    @ParameterizedTest(name = "byte {0} ^ {1}")
    @CsvSource({
        "1, 0x10", // traffic class
        "3, 0x01", // flow label
        "7, 0x01", // hop limit
        "52, 0x01", // TCP reserved / AE bit
        "52, 0x10", // data offset
        "53, 0x20", // URG
        "53, 0x04", // RST
        "53, 0x02", // SYN
        "53, 0x01", // FIN
        "53, 0x40", // ECE
        "53, 0x80", // CWR
        "54, 0x01", // window
        "58, 0x01", // urgent pointer
        "59, 0x01", // urgent pointer
        "67, 0x01", // timestamp value
        "71, 0x01", // timestamp echo
    })
    void aSegmentWithAnotherCopiedFieldIsWrittenAsItCame(int offset, int xor) {
        byte[][] s = new byte[3][];
        for (int i = 0; i < 3; i++) {
            s[i] = tcp(A, 1000 + 100 * i, 2, ACK, TIMESTAMPS, payload(100, i));
        }
        s[1][offset] ^= (byte) xor;
        s[1][56] = 0;
        s[1][57] = 0;
        GroTestPackets.withChecksum(s[1], 56);
        burst(s);

        assertThat(output.shape()).doesNotContain(3);
        assertDeliveredInOrder();
    }

    @Test
    void aCorruptSegmentIsNeverMergedAndKeepsItsPlace() {
        byte[][] s = segments(A, 100, 100, 100, 100, 100);
        s[0] = GroTestPackets.corrupt(s[0]);
        s[2] = GroTestPackets.corrupt(s[2]);
        burst(s);

        // 0 fails when 1 arrives; 1 starts a run; 2 fails; 3 starts a run that 2... never joins; 4 joins 3.
        assertThat(output.shape()).containsExactly(1, 1, 1, 2);
        assertThat(output.writes.get(0).bytes()).isEqualTo(s[0]);
        assertThat(output.writes.get(2).bytes())
                .as("written as it came, still corrupt")
                .isEqualTo(s[2]);
        assertDeliveredInOrder();
    }

    @Test
    void controlSegmentsAndPureAcksAreWrittenAsTheyCameInFlowOrder() {
        burst(
                tcp(A, 999, 0, SYN, NONE, NONE),
                tcp(A, 1000, payload(100, 0)),
                tcp(A, 1100, 1, ACK, NONE, NONE),
                tcp(A, 1100, payload(100, 1)),
                tcp(A, 1200, payload(100, 2)),
                tcp(A, 1300, 1, ACK | FIN, NONE, NONE));

        assertThat(output.shape()).containsExactly(1, 1, 1, 2, 1);
        assertDeliveredInOrder();
    }

    @Test
    void interleavedFlowsMergeSeparatelyInTheOrderOfTheirFirstPacket() {
        byte[][] a = segments(A, 100, 100, 100);
        byte[][] b = segments(B, 50, 50);
        burst(a[0], b[0], a[1], b[1], a[2]);

        assertThat(output.shape()).containsExactly(3, 2);
        assertThat(output.packets()).containsExactly(a[0], a[1], a[2], b[0], b[1]);
    }

    @Test
    void anExtensionHeaderBetweenTheSameAddressesClosesTheirRuns() {
        byte[][] a = segments(A, 100, 100, 100, 100);
        byte[] hidden = GroTestPackets.hopByHop(tcp(B, 5, payload(10, 3)));
        byte[][] u = {udp(U, payload(80, 1)), udp(U, payload(80, 2))};
        burst(a[0], u[0], a[1], hidden, a[2], u[1], a[3]);

        assertThat(output.shape())
                .as("the UDP flow has other addresses and goes on")
                .containsExactly(2, 2, 1, 2);
        assertThat(output.packets()).containsExactly(a[0], a[1], u[0], u[1], hidden, a[2], a[3]);
    }

    @Test
    void icmpBetweenTheSameAddressesDoesNotCloseARun() {
        byte[] ping = GroTestPackets.icmp(A, 7);
        byte[][] a = segments(A, 100, 100);
        burst(a[0], ping, a[1]);

        assertThat(output.shape()).containsExactly(2, 1);
        assertThat(output.packets()).containsExactly(a[0], a[1], ping);
    }

    @Test
    void udpDatagramsOfEqualSizeMergeAndAShorterOneIsTheLast() {
        burst(udp(U, payload(200, 0)), udp(U, payload(200, 1)), udp(U, payload(120, 2)), udp(U, payload(200, 3)));

        assertThat(output.shape()).containsExactly(3, 1);
        assertThat(output.writes.get(0).protocol()).isEqualTo(UDP);
        assertDeliveredInOrder();
    }

    /** Without USO (Linux before 6.2) UDP datagrams are written one by one, in their places; TCP still merges. */
    @Test
    void withoutUdpRunsDatagramsAreWrittenAloneAndTcpStillMerges() {
        GroCoalescer tcpOnly = new GroCoalescer(allocator, output, false);
        byte[][] tcp = segments(A, 100, 100, 100);
        byte[][] packets = {
            udp(U, payload(200, 0)), tcp[0], udp(U, payload(200, 1)), tcp[1], tcp[2], udp(U, payload(200, 2))
        };
        for (byte[] p : packets) {
            tcpOnly.add(GroTestPackets.buffer(allocator, p));
        }
        tcpOnly.flush();

        assertThat(output.shape()).containsExactly(1, 3, 1, 1);
        assertThat(output.writes.stream().filter(w -> w.protocol() == UDP)).isEmpty();
        // the TCP run leaves at its first packet's place; each flow keeps its order
        assertThat(output.packets()).containsExactly(packets[0], tcp[0], tcp[1], tcp[2], packets[2], packets[5]);
    }

    @Test
    void udpRunsStopAtSixtyFourSegmentsAsTheKernels() {
        byte[][] d = new byte[70][];
        for (int i = 0; i < d.length; i++) {
            d[i] = udp(U, payload(10, i));
        }
        burst(d);

        assertThat(output.shape()).containsExactly(64, 6);
        assertDeliveredInOrder();
    }

    @Test
    void aZeroUdpChecksumNeverMerges() {
        byte[] zero = GroTestPackets.withChecksumField(udp(U, payload(50, 1)), 0);
        burst(udp(U, payload(50, 0)), zero, udp(U, payload(50, 2)), udp(U, payload(50, 3)));

        assertThat(output.shape()).containsExactly(1, 1, 2);
        assertDeliveredInOrder();
    }

    @Test
    void aSuperPacketStaysWithinSixtyFourKilobytes() {
        int[] sizes = new int[60];
        java.util.Arrays.fill(sizes, 1400);
        burst(segments(A, sizes));

        assertThat(output.shape()).containsExactly(46, 14); // 20 + 46 × 1400 = 64,420 <= 65,535 < 65,820
        assertDeliveredInOrder();
    }

    @Test
    void aBurstOfOneIsWrittenAsItCame() {
        burst(segments(A, 100));

        assertThat(output.shape()).containsExactly(1);
        assertDeliveredInOrder();
    }

    @Test
    void malformedAndNonIpv6PacketsAreWrittenAsTheyCame() {
        byte[] truncated = java.util.Arrays.copyOf(tcp(A, 1, payload(10, 0)), 50);
        byte[] shortTcp = tcp(A, 1, payload(10, 0));
        shortTcp[5] = 10; // payload length 10: less than a TCP header
        shortTcp = java.util.Arrays.copyOf(shortTcp, 50);
        byte[] ipv4 = new byte[28];
        ipv4[0] = 0x45;
        burst(truncated, shortTcp, ipv4, new byte[0]);

        assertThat(output.shape()).containsExactly(1, 1, 1, 1);
        assertDeliveredInOrder();
    }

    @Test
    void noMoreThanMaxHeldPacketsAreEverHeld() {
        int count = GroCoalescer.MAX_HELD * 2 + 5;
        int maxHeld = 0;
        for (int i = 0; i < count; i++) {
            Flow f = new Flow(address(i % 200), address(300), TCP, 1000 + i, 80, 0, 64);
            byte[] p = tcp(f, 1, payload(20, i));
            sent.add(p);
            coalescer.add(GroTestPackets.buffer(allocator, p));
            maxHeld = Math.max(maxHeld, coalescer.held());
        }
        assertThat(maxHeld).isEqualTo(GroCoalescer.MAX_HELD);
        assertThat(output.writes).hasSize(GroCoalescer.MAX_HELD * 2);
        coalescer.flush();
        assertDeliveredInOrder();
    }

    /** An output whose single writes throw after releasing the packet (a device gone mid-burst). */
    static GroOutput singlesFail() {
        return new GroOutput() {
            @Override
            public void single(io.netty.buffer.ByteBuf packet) {
                packet.release();
                throw new IllegalStateException("device gone");
            }

            @Override
            public void segmented(io.netty.buffer.ByteBuf superPacket, int protocol, int size, int n, int bytes) {
                superPacket.release();
            }
        };
    }

    @Test
    void anOutputThatThrowsStillLetsEveryHeldPacketGo() {
        GroCoalescer throwing = new GroCoalescer(allocator, singlesFail(), true);
        throwing.add(GroTestPackets.buffer(allocator, GroTestPackets.icmp(A, 1))); // the first write throws
        for (byte[] p : segments(B, 10, 10, 5, 10, 10, 10)) {
            throwing.add(GroTestPackets.buffer(allocator, p));
        }
        try {
            throwing.flush();
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessage("device gone");
        }
        assertThat(throwing.held()).isZero();
    }

    @Test
    void aPacketWhoseAddFlushesIntoAThrowingOutputIsReleasedToo() {
        GroCoalescer throwing = new GroCoalescer(allocator, singlesFail(), true);
        for (int i = 0; i < GroCoalescer.MAX_HELD; i++) {
            throwing.add(GroTestPackets.buffer(allocator, GroTestPackets.icmp(A, i)));
        }
        io.netty.buffer.ByteBuf last = GroTestPackets.buffer(allocator, GroTestPackets.icmp(A, 999));
        try {
            throwing.add(last); // holds MAX_HELD already: flushes first, and that throws
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessage("device gone");
        }
        assertThat(last.refCnt()).as("the packet add took ownership of").isZero();
        assertThat(throwing.held()).isZero();
    }
}
