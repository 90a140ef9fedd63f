package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.jmiredo.engine.BurstClock;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.engine.TunnelRules;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.tun.TunQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The end of a tunnel read burst: whatever happens to the tunnel's held packets, the UDP side is flushed. */
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
        assertThat(sent).as("the burst's datagram left with the burst, not with some later one").isNotNull();
        assertThat(sent.content().readableBytes()).isEqualTo(64);
        sent.release();
    }
}
