package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.pipeline.RelayHarness.RELAY;
import static org.jmiredo.pipeline.RelayHarness.teredo;
import static org.jmiredo.pipeline.RelayHarness.v6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.testing.TrackingAllocator;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.offload.GroOrder;
import org.jmiredo.tun.offload.GroTraffic;
import org.jmiredo.tun.offload.GsoOracle;

/**
 * The same random Teredo traffic from three clients, in the same read bursts, through two relay data
 * paths: one whose tunnel takes no super-packets (each packet written at once, as before offloads) and one
 * whose tunnel takes them. After the test's model of the kernel's segmentation, the second tunnel must see
 * exactly the packets the first saw, each flow in its order, with the same counts.
 */
class CoalescingDataPathPropertiesTest {
    static final int CLIENTS = 3;

    @Property(tries = 150)
    void coalescingChangesNothingTheKernelSees(@ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int count) {
        Random random = new Random(seed);
        byte[][] sources = new byte[CLIENTS][];
        for (int c = 0; c < CLIENTS; c++) {
            sources[c] = CoalescingDataPathTest.bytes(teredo("198.51.100.1", 0, "198.51.100.2" + c, 40000 + c));
        }
        List<byte[]> packets =
                new GroTraffic(random, sources, CoalescingDataPathTest.bytes(v6("2001:db8:6::20"))).packets(count);
        int[] bursts = random.ints(count, 1, 80).toArray();

        Run direct = new Run(false, packets, bursts, sources);
        Run coalesced = new Run(true, packets, bursts, sources);

        GroOrder.assertSamePacketsInFlowOrder(direct.tun.seen, coalesced.tun.seen);
        assertThat(direct.tun.superPackets).isZero();
        for (Counter c : List.of(Counter.TUN_TX_PACKETS, Counter.TUN_TX_BYTES, Counter.UDP_RX_PACKETS)) {
            assertThat(coalesced.counts[c.ordinal()]).as(c.name()).isEqualTo(direct.counts[c.ordinal()]);
        }
        assertThat(coalesced.counts[Counter.TUN_TX_SUPER_PACKETS.ordinal()]).isEqualTo(coalesced.tun.superPackets);
    }

    /** One relay event loop fed the datagrams in the given bursts; what its tunnel saw, and its counters. */
    static final class Run {
        final RecordingTun tun;
        final long[] counts = new long[Counter.values().length];
        final long[] drops = new long[DropReason.values().length];

        Run(boolean segmented, List<byte[]> packets, int[] bursts, byte[][] sources) {
            this(segmented, segmented, packets, bursts, sources);
        }

        /** {@code udpSegmented}: the queue takes UDP super-packets too (a kernel with USO). */
        Run(boolean segmented, boolean udpSegmented, List<byte[]> packets, int[] bursts, byte[][] sources) {
            tun = new RecordingTun(segmented, udpSegmented);
            TrackingAllocator allocator = new TrackingAllocator();
            EmbeddedChannel udp = new EmbeddedChannel();
            udp.config().setAllocator(allocator);
            RelayDataPath path = new RelayDataPath(RelaySettings.defaults(), PeerTableSettings.defaults(), () -> 1000);
            try {
                path.initUdpChannel(udp, tun);
                for (int i = 0, b = 0; i < packets.size(); b++) {
                    int end = Math.min(packets.size(), i + bursts[b]);
                    List<Object> burst = new ArrayList<>();
                    for (; i < end; i++) {
                        burst.add(datagram(allocator, packets.get(i), sources));
                    }
                    udp.writeInbound(burst.toArray());
                }
                for (Counter c : Counter.values()) {
                    counts[c.ordinal()] = path.counters().get(0).get(c);
                }
                for (DropReason r : DropReason.values()) {
                    drops[r.ordinal()] = path.counters().get(0).dropped(r);
                }
            } finally {
                udp.finishAndReleaseAll();
                path.close();
            }
            allocator.assertAllReleased();
        }

        /**
         * The packet in a datagram from the client whose Teredo address is its source (the mapping it embeds);
         * from the last client when no source matches (a spoofed or truncated packet, which the relay drops).
         */
        static DatagramPacket datagram(TrackingAllocator allocator, byte[] ipv6, byte[][] sources) {
            int client = 0;
            while (client < sources.length - 1
                    && (ipv6.length < 24 || !Arrays.equals(ipv6, 8, 24, sources[client], 0, 16))) {
                client++;
            }
            ByteBuf content = allocator.directBuffer(ipv6.length).writeBytes(ipv6);
            return new DatagramPacket(
                    content, RELAY, new InetSocketAddress(RelayHarness.ip("198.51.100.2" + client), 40000 + client));
        }
    }

    /** A tunnel that records what the kernel would see: packets, and the segments of each super-packet. */
    static final class RecordingTun implements TunQueue {
        final boolean segmented;
        final boolean udpSegmented;
        final List<byte[]> seen = new ArrayList<>();
        int superPackets;

        RecordingTun(boolean segmented, boolean udpSegmented) {
            this.segmented = segmented;
            this.udpSegmented = udpSegmented;
        }

        @Override
        public boolean write(ByteBuf packet) {
            seen.add(ByteBufUtil.getBytes(packet));
            return true;
        }

        @Override
        public boolean segmentedWrites() {
            return segmented;
        }

        @Override
        public boolean segmentedUdpWrites() {
            return udpSegmented;
        }

        @Override
        public boolean writeSegmented(ByteBuf superPacket, int protocol, int segmentSize) {
            superPackets++;
            seen.addAll(GsoOracle.split(ByteBufUtil.getBytes(superPacket), protocol, segmentSize));
            return true;
        }
    }
}
