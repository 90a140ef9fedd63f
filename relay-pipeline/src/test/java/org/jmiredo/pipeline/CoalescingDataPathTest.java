package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.pipeline.RelayHarness.RELAY;
import static org.jmiredo.pipeline.RelayHarness.ip;
import static org.jmiredo.pipeline.RelayHarness.teredo;
import static org.jmiredo.pipeline.RelayHarness.v6;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.testing.TrackingAllocator;
import org.jmiredo.tun.MemoryTun;
import org.jmiredo.tun.offload.GroTestPackets;
import org.jmiredo.tun.offload.GroTestPackets.Flow;
import org.jmiredo.tun.offload.GsoOracle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Coalescing through the real relay handlers: Teredo datagrams from one client, decapsulated, reach a
 * {@link MemoryTun} as GSO super-packets when it takes them, and one by one, at once, when it does not.
 */
class CoalescingDataPathTest {
    static final InetSocketAddress CLIENT_MAPPING = new InetSocketAddress(ip("198.51.100.20"), 40000);
    static final Flow FLOW = new Flow(
            bytes(teredo("198.51.100.1", 0, "198.51.100.20", 40000)),
            bytes(v6("2001:db8:6::20")),
            GroTestPackets.TCP,
            50000,
            443,
            0,
            64);

    final TrackingAllocator allocator = new TrackingAllocator();
    final EmbeddedChannel udp = new EmbeddedChannel();
    final MemoryTun tun = new MemoryTun();
    RelayDataPath dataPath;

    void wire(boolean segmented) {
        tun.setSegmentedWrites(segmented);
        udp.config().setAllocator(allocator);
        dataPath = new RelayDataPath(RelaySettings.defaults(), PeerTableSettings.defaults(), () -> 1000);
        dataPath.initUdpChannel(udp, tun);
    }

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
        dataPath.close();
        allocator.assertAllReleased();
    }

    /** {@code n} contiguous 1,000-byte segments of one TCP connection, a ping, then a shorter segment. */
    static List<byte[]> burst(int n) {
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            packets.add(GroTestPackets.tcp(FLOW, 7000 + i * 1000, GroTestPackets.payload(1000, i)));
        }
        packets.add(GroTestPackets.icmp(FLOW, 1));
        packets.add(GroTestPackets.tcp(FLOW, 7000 + n * 1000, GroTestPackets.payload(300, n)));
        return packets;
    }

    DatagramPacket datagram(byte[] ipv6) {
        return new DatagramPacket(GroTestPackets.buffer(allocator, ipv6), RELAY, CLIENT_MAPPING);
    }

    long count(Counter counter) {
        return dataPath.counters().get(0).get(counter);
    }

    @Test
    void aBurstOfOneConnectionReachesTheTunnelAsOneSuperPacket() {
        wire(true);
        List<byte[]> sent = burst(20);
        udp.writeInbound(sent.stream().map(this::datagram).toArray()); // one read burst: reads, then complete

        List<MemoryTun.SuperPacket> supers = tun.drainSuperPackets();
        assertThat(supers).hasSize(1);
        MemoryTun.SuperPacket sp = supers.get(0);
        assertThat(sp.segmentSize()).isEqualTo(1000);
        List<byte[]> seen = new ArrayList<>(GsoOracle.split(sp.bytes(), sp.protocol(), sp.segmentSize()));
        seen.addAll(tun.drainWritten());
        List<byte[]> expected = new ArrayList<>(sent);
        expected.add(expected.remove(20)); // the ping, of another flow, goes after the run
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(count(Counter.TUN_TX_PACKETS)).isEqualTo(22);
        assertThat(count(Counter.TUN_TX_BYTES))
                .isEqualTo(sent.stream().mapToInt(p -> p.length).sum());
        assertThat(count(Counter.TUN_TX_COALESCED_PACKETS)).isEqualTo(21);
        assertThat(count(Counter.TUN_TX_SUPER_PACKETS)).isEqualTo(1);
    }

    @Test
    void withoutSegmentedWritesEachPacketIsWrittenAtOnceAsBefore() {
        wire(false);
        List<byte[]> sent = burst(3);
        for (byte[] p : sent) {
            udp.pipeline().fireChannelRead(datagram(p));
            assertThat(tun.pollWritten()).as("written in channelRead, not held").isEqualTo(p);
        }
        udp.pipeline().fireChannelReadComplete();

        assertThat(tun.drainSuperPackets()).isEmpty();
        assertThat(count(Counter.TUN_TX_PACKETS)).isEqualTo(5);
        assertThat(count(Counter.TUN_TX_COALESCED_PACKETS)).isZero();
    }

    @Test
    void packetsHeldWhenTheSocketClosesAreWrittenNotLeaked() {
        wire(true);
        for (byte[] p : burst(3)) {
            udp.pipeline().fireChannelRead(datagram(p));
        }
        assertThat(tun.writtenCount()).as("held until the burst ends").isZero();

        udp.close();

        assertThat(tun.drainSuperPackets()).hasSize(1);
        assertThat(tun.drainWritten()).hasSize(1);
    }

    @Test
    void aRefusedSuperPacketCountsEachOfItsPacketsAsDropped() {
        wire(true);
        tun.setAccepting(false);
        udp.writeInbound(burst(4).stream().map(this::datagram).toArray());

        assertThat(dataPath.counters().get(0).dropped(DropReason.TUN_WRITE_FAILED))
                .isEqualTo(6);
        assertThat(count(Counter.TUN_TX_PACKETS)).isZero();
    }

    @Test
    void icmpErrorsWrittenBackDuringATunnelBurstLeaveWithIt() {
        wire(true);
        var receiver = dataPath.tunReceiver(udp, tun);
        ByteBuf toNowhere = GroTestPackets.buffer(
                allocator,
                GroTestPackets.icmp(
                        new Flow(bytes(v6("2001:db8:6::20")), bytes(v6("2001:db8:7::1")), 58, 0, 0, 0, 64), 3));
        receiver.packetRead(toNowhere);
        assertThat(tun.writtenCount()).isZero();

        receiver.readComplete();

        assertThat(tun.writtenCount()).as("address unreachable").isEqualTo(1);
        assertThat(count(Counter.ICMP_ERRORS_TX)).isEqualTo(1);
    }

    static byte[] bytes(long[] address) {
        return ByteBuffer.allocate(16).putLong(address[0]).putLong(address[1]).array();
    }
}
