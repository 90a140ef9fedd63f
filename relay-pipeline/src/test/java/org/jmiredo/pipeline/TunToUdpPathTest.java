package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.BurstClock;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.engine.TunnelRules;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerLookups;
import org.jmiredo.tun.MemoryTun;
import org.jmiredo.tun.TunQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The end of a tunnel read burst: whatever happens to the tunnel's held packets or in the rules, the UDP side is
 * flushed, the clock's burst ends and no packet stays held.
 */
class TunToUdpPathTest {
    private final EmbeddedChannel udp = new EmbeddedChannel();

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
    }

    @Test
    void aFailedTunnelFlushStillSendsTheBurstsDatagrams() {
        // A tunnel that takes super-packets holds what the burst writes into it (ICMPv6 errors) until the
        // burst's end; here its write throws, as a bug or an allocation failure would.
        TunQueue failing = new TunQueue() {
            @Override
            public boolean write(ByteBuf packet) {
                throw new IllegalStateException("tunnel write bug");
            }

            @Override
            public boolean segmentedWrites() {
                return true;
            }
        };
        DataPathCounters counters = new DataPathCounters();
        UdpTunOutput output = new UdpTunOutput(udp, ChannelUdpSender::new, failing, counters);
        TunnelRules rules = new TunnelRules() {
            @Override
            public void fromTunnel(ByteBuf packet, RelayOutput out) {
                out.toTun(Unpooled.directBuffer(48).writeZero(48)); // held by the coalescer until flushTun
                out.toUdp(packet, 0xC633_6414, 40000, RelayOutput.ANY_LOCAL, null); // queued until flush
            }
        };
        TunToUdpPath path = new TunToUdpPath(rules, output, counters, new BurstClock(() -> 1000));

        path.packetRead(Unpooled.directBuffer(64).writeZero(64));
        assertThatThrownBy(path::readComplete).hasMessage("tunnel write bug");

        DatagramPacket sent = udp.readOutbound();
        assertThat(sent)
                .as("the burst's datagram left with the burst, not with some later one")
                .isNotNull();
        assertThat(sent.content().readableBytes()).isEqualTo(64);
        sent.release();
    }

    /**
     * Rules that throw an Error (a bug past RuntimeException) on the second packet of a held run: the Error
     * reaches the reader, but the burst still ends: the first packet's datagram leaves, the third packet is
     * dropped and counted rather than held, and the next burst reads the clock afresh.
     */
    @Test
    void anErrorMidRunStillEndsTheBurst() {
        DataPathCounters counters = new DataPathCounters();
        UdpTunOutput output = new UdpTunOutput(udp, ChannelUdpSender::new, new MemoryTun(), counters);
        int[] clockReads = {0};
        BurstClock clock = new BurstClock(() -> 1000 + clockReads[0]++);
        TunnelRules rules = new TunnelRules() {
            @Override
            public void fromTunnel(ByteBuf packet, RelayOutput out) {
                clock.nowSeconds();
                if (packet.readableBytes() == 65) {
                    packet.release();
                    throw new AssertionError("rules bug");
                }
                out.toUdp(packet, 0xC633_6414, 40000, RelayOutput.ANY_LOCAL, null);
            }
        };
        TunToUdpPath path = new TunToUdpPath(rules, output, counters, clock);
        ByteBuf third = Unpooled.directBuffer(66).writeZero(66);

        path.packetRead(Unpooled.directBuffer(64).writeZero(64));
        path.packetRead(Unpooled.directBuffer(65).writeZero(65));
        path.packetRead(third);
        assertThatThrownBy(path::readComplete)
                .isInstanceOf(AssertionError.class)
                .hasMessage("rules bug");

        DatagramPacket sent = udp.readOutbound();
        assertThat(sent).as("the burst's datagram left with the burst").isNotNull();
        sent.release();
        assertThat(third.refCnt())
                .as("the rest of the run is not held for the next one")
                .isZero();
        assertThat(counters.dropped(DropReason.INTERNAL_ERROR)).isEqualTo(1);
        assertThat(clockReads[0]).isEqualTo(1);
        path.packetRead(Unpooled.directBuffer(64).writeZero(64));
        path.readComplete();
        assertThat(clockReads[0]).as("the next burst asked the clock again").isEqualTo(2);
        ((DatagramPacket) udp.readOutbound()).release();
    }

    /** The same when the run fills while reading: the Error leaves through packetRead, nothing stays held. */
    @Test
    void anErrorInAFullRunDropsItsRest() {
        DataPathCounters counters = new DataPathCounters();
        UdpTunOutput output = new UdpTunOutput(udp, ChannelUdpSender::new, new MemoryTun(), counters);
        TunnelRules rules = (packet, out) -> {
            packet.release();
            throw new AssertionError("rules bug");
        };
        TunToUdpPath path = new TunToUdpPath(rules, output, counters, new BurstClock(() -> 1000));
        List<ByteBuf> run = new ArrayList<>();
        for (int i = 0; i < PeerLookups.MAX - 1; i++) {
            ByteBuf p = Unpooled.directBuffer(64).writeZero(64);
            run.add(p);
            path.packetRead(p);
        }
        ByteBuf last = Unpooled.directBuffer(64).writeZero(64);
        run.add(last);
        assertThatThrownBy(() -> path.packetRead(last)).isInstanceOf(AssertionError.class);

        assertThat(run).allMatch(p -> p.refCnt() == 0);
        assertThat(counters.dropped(DropReason.INTERNAL_ERROR)).isEqualTo(PeerLookups.MAX - 1);
        path.readComplete(); // nothing held: no packet of the failed run reaches the rules again
    }

    /**
     * A tunnel whose MTU was raised above what one datagram holds (65,507 bytes of UDP payload over IPv4): such a
     * packet is dropped and counted as {@code tun_oversized}, never handed to the rules (a send would fail); one of
     * exactly 65,507 bytes leaves.
     */
    @Test
    void aPacketNoDatagramHoldsIsDroppedAsOversized() {
        DataPathCounters counters = new DataPathCounters();
        UdpTunOutput output = new UdpTunOutput(udp, ChannelUdpSender::new, new MemoryTun(), counters);
        TunnelRules rules = (packet, out) -> out.toUdp(packet, 0xC633_6414, 40000, RelayOutput.ANY_LOCAL, null);
        TunToUdpPath path = new TunToUdpPath(rules, output, counters, new BurstClock(() -> 1000));
        ByteBuf tooLong = Unpooled.directBuffer(65_508).writeZero(65_508);

        path.packetRead(tooLong);
        path.packetRead(Unpooled.directBuffer(65_507).writeZero(65_507));
        path.readComplete();

        assertThat(tooLong.refCnt()).isZero();
        assertThat(counters.dropped(DropReason.TUN_OVERSIZED)).isEqualTo(1);
        DatagramPacket sent = udp.readOutbound();
        assertThat(sent.content().readableBytes()).isEqualTo(65_507);
        sent.release();
        assertThat((Object) udp.readOutbound()).isNull();
    }
}
