package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.tun.TunReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Both paths of a loop read the rules' clock once per burst, and afresh in the next one. */
class BurstClockWiringTest {
    private static final int PEER_IPV4 = Ipv4.of(203, 0, 113, 7);
    private static final int PEER_PORT = 40_000;
    private static final long PEER_HI = TeredoAddress.hi(Teredo.PREFIX, Ipv4.of(198, 51, 100, 1));
    private static final long PEER_LO = TeredoAddress.lo(0, PEER_PORT, PEER_IPV4);
    private static final long NATIVE_HI = 0x2001_0db8_0006_0000L;

    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger seconds = new AtomicInteger(1_000);
    private final RelayDataPath path = new RelayDataPath(RelaySettings.defaults(), PeerTableSettings.defaults(), () -> {
        reads.incrementAndGet();
        return seconds.get();
    });
    private final EmbeddedChannel udp = frozen(new EmbeddedChannel());
    private final UdpIngress ingress = path.initUdpChannel(udp, packet -> {
        packet.release();
        return true;
    });
    private final TunReceiver tun = path.tunReceiver(udp, packet -> {
        packet.release();
        return true;
    });
    private final DataPathCounters counters = path.counters().getFirst();

    /**
     * The channel's scheduled tasks never come due: the path's expiry slice (every 100 ms, run by the embedded
     * loop whenever a write runs its pending tasks) reads the clock too, and a slow test on a loaded machine
     * counted its read as one of the burst's.
     */
    private static EmbeddedChannel frozen(EmbeddedChannel channel) {
        channel.freezeTime();
        return channel;
    }

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
        path.close();
    }

    private static ByteBuf packet(long srcHi, long srcLo, long dstHi, long dstLo) {
        ByteBuf buf = Unpooled.directBuffer(80);
        Ipv6.writeHeader(buf, 0, 40, 17, 64, srcHi, srcLo, dstHi, dstLo);
        return buf.writerIndex(80);
    }

    @Test
    void aUdpBurstReadsTheClockOnceAndTheNextBurstReadsItAgain() {
        int before = reads.get();
        for (int i = 0; i < 3; i++) {
            ingress.receive(packet(PEER_HI, PEER_LO, NATIVE_HI, 0x20), PEER_IPV4, PEER_PORT);
        }
        ingress.burstEnd();
        assertThat(counters.get(Counter.TUN_TX_PACKETS)).isEqualTo(3);
        assertThat(reads.get() - before).as("clock reads in one burst of three").isEqualTo(1);

        seconds.set(1_040); // the peer's 30 s of trust lapse while the loop is idle
        tun.packetRead(packet(NATIVE_HI, 0x20, PEER_HI, PEER_LO));
        tun.readComplete();
        assertThat(reads.get() - before)
                .as("the tunnel's burst reads it afresh")
                .isEqualTo(2);
        assertThat(counters.get(Counter.QUEUED_PACKETS))
                .as("trust lapsed at the fresh second: queued, bubbled")
                .isEqualTo(1);
        assertThat(counters.get(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(1);
        assertThat(counters.get(Counter.UDP_TX_PACKETS)).as("the bubble only").isEqualTo(1);
    }

    @Test
    void aTunnelBurstToATrustedPeerUsesOneReadForAllItsPackets() {
        ingress.receive(packet(PEER_HI, PEER_LO, NATIVE_HI, 0x20), PEER_IPV4, PEER_PORT); // trusts the peer
        ingress.burstEnd();
        int before = reads.get();
        for (int i = 0; i < 4; i++) {
            tun.packetRead(packet(NATIVE_HI, 0x20, PEER_HI, PEER_LO));
        }
        tun.readComplete();
        assertThat(reads.get() - before).isEqualTo(1);
        assertThat(counters.get(Counter.UDP_TX_PACKETS)).isEqualTo(4);
    }
}
