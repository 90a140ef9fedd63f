package org.jmiredo.tun.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.tun.offload.GroTestPackets.UDP;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jmiredo.testing.TrackingAllocator;

/**
 * Random bursts of mixed traffic (several TCP and UDP flows, some sharing addresses; gaps, short and long
 * segments, PSH, other ACKs, other options, other hop limits, corrupt checksums, control segments, ICMPv6,
 * extension headers, retransmissions) through the coalescer, then through the test's own model of the
 * kernel's segmentation: the kernel must see exactly the packets sent, each flow in its order.
 */
class GroCoalescerPropertiesTest {
    /** Few addresses, so that flows share address pairs with each other and with extension headers. */
    static final byte[][] SOURCES = {GroTestPackets.address(0), GroTestPackets.address(1), GroTestPackets.address(2)};

    @Property(tries = 400)
    void theKernelSeesExactlyThePacketsSentEachFlowInOrder(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int count) {
        Random random = new Random(seed);
        List<byte[]> sent = new GroTraffic(random, SOURCES, GroTestPackets.address(10)).packets(count);
        TrackingAllocator allocator = new TrackingAllocator();
        RecordingOutput output = new RecordingOutput();
        GroCoalescer coalescer = new GroCoalescer(allocator, output, true);
        for (int i = 0; i < sent.size(); ) {
            int burst = 1 + random.nextInt(100);
            for (int end = Math.min(sent.size(), i + burst); i < end; i++) {
                coalescer.add(GroTestPackets.buffer(allocator, sent.get(i)));
            }
            coalescer.flush();
        }
        allocator.assertAllReleased();

        GroOrder.assertSamePacketsInFlowOrder(sent, output.packets());
        for (RecordingOutput.Write w : output.writes) {
            if (w.superPacket()) {
                assertThat(w.packets()).hasSize(w.segments()).allMatch(GroTestPackets::verifies);
                assertThat(w.originalBytes())
                        .isEqualTo(w.packets().stream().mapToInt(p -> p.length).sum());
                assertThat(w.segments()).isLessThanOrEqualTo(w.protocol() == UDP ? 64 : GroCoalescer.MAX_HELD);
            }
        }
    }
}
