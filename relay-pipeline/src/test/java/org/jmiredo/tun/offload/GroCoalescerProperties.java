package org.jmiredo.tun.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.tun.offload.GroTestPackets.ACK;
import static org.jmiredo.tun.offload.GroTestPackets.FIN;
import static org.jmiredo.tun.offload.GroTestPackets.PSH;
import static org.jmiredo.tun.offload.GroTestPackets.SYN;
import static org.jmiredo.tun.offload.GroTestPackets.TCP;
import static org.jmiredo.tun.offload.GroTestPackets.UDP;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jmiredo.testing.TrackingAllocator;
import org.jmiredo.tun.offload.GroTestPackets.Flow;

/**
 * Random bursts of mixed traffic (several TCP and UDP flows, some sharing addresses; gaps, short and long
 * segments, PSH, other ACKs, other options, other hop limits, corrupt checksums, control segments, ICMPv6,
 * extension headers, retransmissions) through the coalescer, then through the test's own model of the
 * kernel's segmentation: the kernel must see exactly the packets sent, each flow in its order.
 */
class GroCoalescerProperties {
    @Property(tries = 400)
    void theKernelSeesExactlyThePacketsSentEachFlowInOrder(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 300) int count) {
        Random random = new Random(seed);
        List<byte[]> sent = new Traffic(random).packets(count);
        TrackingAllocator allocator = new TrackingAllocator();
        RecordingOutput output = new RecordingOutput();
        GroCoalescer coalescer = new GroCoalescer(allocator, output);
        for (int i = 0; i < sent.size(); ) {
            int burst = 1 + random.nextInt(100);
            for (int end = Math.min(sent.size(), i + burst); i < end; i++) {
                coalescer.add(GroTestPackets.buffer(allocator, sent.get(i)));
            }
            coalescer.flush();
        }
        allocator.assertAllReleased();

        List<byte[]> seen = output.packets();
        assertThat(seen).hasSameSizeAs(sent);
        int[] position = positions(sent, seen);
        for (int i = 0; i < sent.size(); i++) {
            for (int j = i + 1; j < sent.size(); j++) {
                if (mustKeepOrder(sent.get(i), sent.get(j))) {
                    assertThat(position[i]).as("packet %d before %d: %s", i, j, GsoOracle.describe(sent.get(i)))
                            .isLessThan(position[j]);
                }
            }
        }
        for (RecordingOutput.Write w : output.writes) {
            if (w.superPacket()) {
                assertThat(w.packets()).hasSize(w.segments()).allMatch(GroTestPackets::verifies);
                assertThat(w.originalBytes()).isEqualTo(w.packets().stream().mapToInt(p -> p.length).sum());
                assertThat(w.segments()).isLessThanOrEqualTo(w.protocol() == UDP ? 64 : GroCoalescer.MAX_HELD);
            }
        }
    }

    /** Where each sent packet was seen (equal packets matched in order); fails if one was never seen. */
    private static int[] positions(List<byte[]> sent, List<byte[]> seen) {
        Map<ByteBuffer, ArrayDeque<Integer>> where = new HashMap<>();
        for (int i = 0; i < seen.size(); i++) {
            where.computeIfAbsent(ByteBuffer.wrap(seen.get(i)), k -> new ArrayDeque<>()).add(i);
        }
        int[] position = new int[sent.size()];
        for (int i = 0; i < sent.size(); i++) {
            ArrayDeque<Integer> at = where.get(ByteBuffer.wrap(sent.get(i)));
            assertThat(at).as("sent packet %d reached the kernel unchanged: %s", i, GsoOracle.describe(sent.get(i)))
                    .isNotNull().isNotEmpty();
            position[i] = at.poll();
        }
        return position;
    }

    /**
     * Two packets whose order must hold: same addresses, and the same TCP or UDP flow, or one of them hides
     * its upper layer (extension header, malformed) so it might belong to any flow between those addresses.
     */
    private static boolean mustKeepOrder(byte[] a, byte[] b) {
        if (!Arrays.equals(a, 8, 40, b, 8, 40)) {
            return false;
        }
        boolean flowA = a[6] == TCP || a[6] == UDP;
        boolean flowB = b[6] == TCP || b[6] == UDP;
        if (flowA && flowB) {
            return a[6] == b[6] && Arrays.equals(a, 40, 44, b, 40, 44);
        }
        return !flowA && !flowB || a[6] != 58 && b[6] != 58;
    }

    /** A few flows and their state; each call to {@link #next} sends on one of them, mostly in good order. */
    private static final class Traffic {
        final Random random;
        final Flow[] flows;
        final int[] segment;
        final int[] seq;
        final int[] ack;
        final byte[][] options;
        byte[] previous;

        Traffic(Random random) {
            this.random = random;
            int n = 1 + random.nextInt(6);
            flows = new Flow[n];
            segment = new int[n];
            seq = new int[n];
            ack = new int[n];
            options = new byte[n][];
            for (int f = 0; f < n; f++) {
                int protocol = random.nextBoolean() ? TCP : UDP;
                // Few addresses, so that flows share address pairs with each other and with extension headers.
                flows[f] = new Flow(GroTestPackets.address(random.nextInt(3)), GroTestPackets.address(10), protocol,
                        1000 + random.nextInt(3), 443, random.nextInt(4) == 0 ? 0x2e : 0, 64);
                segment[f] = random.nextInt(8) == 0 ? 1200 + random.nextInt(200) : 1 + random.nextInt(200);
                seq[f] = random.nextInt();
                ack[f] = random.nextInt();
                options[f] = random.nextBoolean() ? new byte[0] : new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
            }
        }

        List<byte[]> packets(int count) {
            List<byte[]> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                previous = random.nextInt(50) == 0 && previous != null ? previous : next(random.nextInt(flows.length));
                out.add(previous);
            }
            return out;
        }

        byte[] next(int f) {
            Flow flow = flows[f];
            int size = segment[f];
            int flags = ACK;
            int dice = random.nextInt(100);
            if (dice < 8) {
                size = random.nextInt(size); // shorter, or empty
            } else if (dice < 12) {
                size += 1 + random.nextInt(20);
            } else if (dice < 16) {
                flags |= PSH;
            } else if (dice < 20) {
                seq[f] += 1 + random.nextInt(1000);
            } else if (dice < 23) {
                ack[f] += 1 + random.nextInt(3000);
            } else if (dice < 26) {
                flow = flow.withHopLimit(63);
            } else if (dice < 29) {
                flags = new int[] {SYN, ACK | FIN, SYN | ACK}[random.nextInt(3)];
            } else if (dice < 32) {
                options[f] = options[f].length == 0 ? options[f] : changedTimestamp(options[f]);
            } else if (dice < 35) {
                return GroTestPackets.icmp(flow, random.nextInt(0x10000));
            }
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            byte[] p = flow.protocol() == TCP ? GroTestPackets.tcp(flow, seq[f], ack[f], flags, options[f], payload)
                    : GroTestPackets.udp(flow, payload);
            seq[f] += size;
            int damage = random.nextInt(100);
            if (damage < 4 && size > 0) {
                return GroTestPackets.corrupt(p);
            } else if (damage < 6 && flow.protocol() == UDP) {
                return GroTestPackets.withChecksumField(p, 0);
            } else if (damage < 9) {
                return GroTestPackets.hopByHop(p);
            }
            return p;
        }

        byte[] changedTimestamp(byte[] old) {
            byte[] o = old.clone();
            o[7]++;
            return o;
        }
    }
}
