package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTableSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's UDP ingress as a transport reading the socket itself calls it (the rules themselves are
 * tested through the pipeline by RelayRulesTest and the others), and its thin Netty handler's other duties.
 */
class UdpIngressTest {
    private final RelayDataPath path =
            new RelayDataPath(RelaySettings.defaults(), PeerTableSettings.defaults(), () -> 1_000);
    private final EmbeddedChannel udp = new EmbeddedChannel();
    private final UdpIngress ingress = path.initUdpChannel(udp, packet -> true);
    private final DataPathCounters counters = path.counters().getFirst();

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
        path.close();
    }

    @Test
    void aDatagramFromANonGlobalSourceIsDroppedReleasedAndCounted() {
        ByteBuf datagram = Unpooled.directBuffer(80).writeZero(80);
        ingress.receive(datagram, 0x7F000001, 3544);
        ingress.burstEnd();

        assertThat(datagram.refCnt()).isZero();
        assertThat(counters.get(Counter.UDP_RX_PACKETS)).isEqualTo(1);
        assertThat(counters.get(Counter.UDP_RX_BYTES)).isEqualTo(80);
        assertThat(counters.dropped(DropReason.NON_GLOBAL_SOURCE)).isEqualTo(1);
    }

    @Test
    void garbageFromAGlobalSourceIsNotTeredo() {
        ByteBuf datagram = Unpooled.directBuffer(8).writeLong(-1L);
        ingress.receive(datagram, 0xCB007101, 3544); // 203.0.113.1

        assertThat(datagram.refCnt()).isZero();
        assertThat(counters.dropped(DropReason.NOT_TEREDO)).isEqualTo(1);
    }

    @Test
    void aTruncatedDatagramIsReceivedAndDropped() {
        ingress.truncated(1500);

        assertThat(counters.get(Counter.UDP_RX_PACKETS)).isEqualTo(1);
        assertThat(counters.get(Counter.UDP_RX_BYTES)).isEqualTo(1500);
        assertThat(counters.dropped(DropReason.UDP_TRUNCATED)).isEqualTo(1);
    }

    @Test
    void aFailedReadIsCountedAsAnError() {
        ingress.receiveFailed();

        assertThat(counters.get(Counter.UDP_RX_ERRORS)).isEqualTo(1);
        assertThat(counters.get(Counter.UDP_RX_PACKETS)).isZero();
    }

    @Test
    void thePipelinesFailuresAreCountedAndEndThere() {
        udp.pipeline().fireExceptionCaught(new IOException("sendmmsg refused"));
        udp.pipeline().fireExceptionCaught(new IllegalStateException("a bug"));
        udp.checkException(); // nothing reached the pipeline's end

        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(1);
        assertThat(counters.dropped(DropReason.INTERNAL_ERROR)).isEqualTo(1);
    }

    @Test
    void anythingButADatagramIsReleasedByTheHandler() {
        ByteBuf stray = Unpooled.buffer(4).writeInt(1);
        udp.writeInbound(stray);

        assertThat(stray.refCnt()).isZero();
        assertThat(counters.get(Counter.UDP_RX_PACKETS)).isZero();
    }
}
