package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.pipeline.RelayHarness.teredo;
import static org.jmiredo.pipeline.RelayHarness.v6;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.CoalescingDataPathPropertiesTest.Run;
import org.jmiredo.proto.Checksum;
import org.jmiredo.tun.offload.GroOrder;
import org.jmiredo.tun.offload.GroTraffic;

/**
 * Hostile inner packets from trusted Teredo clients, in the middle of valid same-flow TCP and UDP runs, in
 * read bursts, through the real data path with and without coalescing: header fields the kernel copies to
 * every segment changed (traffic class, flow label, hop limit, TCP flags, urgent pointer, data offset,
 * options, window), lengths that lie (IPv6 payload length, UDP length), truncated, padded and random
 * packets, bit flips with and without a checksum that still verifies. Nothing may throw or leak (the
 * {@link Run} checks the allocator), and after the test's model of the kernel's segmentation the tunnel
 * must see exactly what it sees without coalescing, byte for byte and in flow order, with the same counts
 * and the same drops by reason.
 */
class HostileCoalescingPropertiesTest {
    /** Offsets of the fields the kernel copies from a super-packet's headers into every segment. */
    private static final int[] COPIED_FIELDS = {
        0, 1, 2, 3, 7, 40 + 12, 40 + 13, 40 + 14, 40 + 15, 40 + 18, 40 + 19, 40 + 20, 40 + 27, 40 + 4, 40 + 5, 4, 5, 6
    };

    /**
     * Found by the property: without USO a UDP packet too short for its header (42 bytes) was written alone
     * without closing the TCP runs between its addresses, so a later segment overtook it.
     */
    @Example
    void aTruncatedUdpPacketWithoutUsoKeepsItsPlace() {
        hostilePacketsChangeNothingTheKernelSees(54, 160, false);
    }

    @Property(tries = 200)
    void hostilePacketsChangeNothingTheKernelSees(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int count, @ForAll boolean uso) {
        Random random = new Random(seed);
        byte[][] sources = new byte[CoalescingDataPathPropertiesTest.CLIENTS][];
        for (int c = 0; c < sources.length; c++) {
            sources[c] = CoalescingDataPathTest.bytes(teredo("198.51.100.1", 0, "198.51.100.2" + c, 40000 + c));
        }
        List<byte[]> packets = new ArrayList<>();
        for (byte[] p :
                new GroTraffic(random, sources, CoalescingDataPathTest.bytes(v6("2001:db8:6::20"))).packets(count)) {
            packets.add(random.nextInt(4) == 0 ? hostile(random, p) : p);
        }
        int[] bursts = random.ints(count, 1, 80).toArray();

        Run direct = new Run(false, packets, bursts, sources);
        Run coalesced = new Run(true, uso, packets, bursts, sources); // without USO, UDP is never merged

        GroOrder.assertSamePacketsInFlowOrder(direct.tun.seen, coalesced.tun.seen);
        for (Counter c : Counter.values()) {
            if (c != Counter.TUN_TX_SUPER_PACKETS && c != Counter.TUN_TX_COALESCED_PACKETS) {
                assertThat(coalesced.counts[c.ordinal()]).as(c.name()).isEqualTo(direct.counts[c.ordinal()]);
            }
        }
        for (DropReason r : DropReason.values()) {
            assertThat(coalesced.drops[r.ordinal()]).as(r.name()).isEqualTo(direct.drops[r.ordinal()]);
        }
        assertThat(coalesced.drops[DropReason.INTERNAL_ERROR.ordinal()])
                .as("exceptions caught")
                .isZero();
        assertThat(coalesced.counts[Counter.TUN_TX_PACKETS.ordinal()]).isEqualTo(coalesced.tun.seen.size());
        assertThat(coalesced.counts[Counter.TUN_TX_SUPER_PACKETS.ordinal()]).isEqualTo(coalesced.tun.superPackets);
        // Not vacuous: most tries merge something among the hostile packets.
        Statistics.label("merged").collect(coalesced.tun.superPackets > 0);
        Statistics.label("merged").coverage(c -> c.check(true).percentage(p -> p > 50));
    }

    /** A hostile variant of a valid packet. */
    static byte[] hostile(Random random, byte[] valid) {
        byte[] p = valid.clone();
        switch (random.nextInt(7)) {
            case 0, 1, 2 -> { // one field the kernel copies to every segment, checksum still right
                int at = COPIED_FIELDS[random.nextInt(COPIED_FIELDS.length)];
                if (at < p.length) {
                    p[at] ^= (byte) (1 << random.nextInt(8));
                }
                return withValidChecksum(p);
            }
            case 3 -> { // bit flips anywhere but the source, checksum fixed or not
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    int at = random.nextInt(p.length);
                    if (at < 8 || at >= 24) {
                        p[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                return random.nextBoolean() ? withValidChecksum(p) : p;
            }
            case 4 -> { // truncated, or padded with a trailer, length fields untouched
                int length = random.nextBoolean() ? random.nextInt(p.length + 1) : p.length + 1 + random.nextInt(9);
                byte[] q = Arrays.copyOf(p, length);
                return random.nextBoolean() ? withValidChecksum(q) : q;
            }
            case 5 -> { // random bytes after the trusted source
                byte[] q = new byte[24 + random.nextInt(120)];
                random.nextBytes(q);
                System.arraycopy(p, 0, q, 0, 24);
                return random.nextBoolean() ? withValidChecksum(q) : q;
            }
            default -> { // a payload length that agrees with a shorter packet: lengths that lie but verify
                int l4 = Math.max(0, p.length - 40 - 1 - random.nextInt(8));
                byte[] q = Arrays.copyOf(p, 40 + l4);
                q[4] = (byte) (l4 >>> 8);
                q[5] = (byte) l4;
                return withValidChecksum(q);
            }
        }
    }

    /** Recomputes a TCP or UDP checksum when the header is complete and the IPv6 payload length agrees. */
    static byte[] withValidChecksum(byte[] p) {
        if (p.length < 48 || ((p[4] & 0xFF) << 8 | p[5] & 0xFF) != p.length - 40) {
            return p;
        }
        int at;
        if (p[6] == 6 && p.length >= 60) {
            at = 40 + 16;
        } else if (p[6] == 17) {
            at = 40 + 6;
        } else {
            return p;
        }
        p[at] = 0;
        p[at + 1] = 0;
        int sum = Checksum.upperLayer(Unpooled.wrappedBuffer(p), 0);
        if (sum == 0 && p[6] == 17) {
            sum = 0xFFFF;
        }
        p[at] = (byte) (sum >>> 8);
        p[at + 1] = (byte) sum;
        return p;
    }
}
