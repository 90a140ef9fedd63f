package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.junit.jupiter.api.Test;

/** The reader-side events every role's ingress counts alike (the relay's through its data path: UdpIngressTest). */
class CountingUdpIngressTest {
    private final DataPathCounters counters = new DataPathCounters();
    private final CountingUdpIngress ingress = new CountingUdpIngress(counters) {
        @Override
        public void receive(ByteBuf datagram, int srcIpv4, int srcPort) {
            throw new AssertionError("no datagram in this test");
        }

        @Override
        public void burstEnd() {}
    };

    @Test
    void aCutDatagramIsReceivedThenDroppedAsTruncated() {
        ingress.truncated(1500);
        ingress.truncated(9000);

        assertThat(counters.get(Counter.UDP_RX_PACKETS)).isEqualTo(2);
        assertThat(counters.get(Counter.UDP_RX_BYTES)).isEqualTo(10_500);
        assertThat(counters.dropped(DropReason.UDP_TRUNCATED)).isEqualTo(2);
        assertThat(counters.get(Counter.UDP_RX_ERRORS)).isZero();
    }

    @Test
    void aFailedReadIsAReceiveErrorAndNoPacket() {
        ingress.receiveFailed();

        assertThat(counters.get(Counter.UDP_RX_ERRORS)).isEqualTo(1);
        assertThat(counters.get(Counter.UDP_RX_PACKETS)).isZero();
        assertThat(counters.dropped(DropReason.UDP_TRUNCATED)).isZero();
    }

    @Test
    void aPipelineFailureIsAFailedWriteWhenItIsIoElseAnInternalError() {
        ingress.failed(new IOException("sendmmsg refused"));
        ingress.failed(new IllegalStateException("a bug"));
        ingress.failed(new IOException("again"));

        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(2);
        assertThat(counters.dropped(DropReason.INTERNAL_ERROR)).isEqualTo(1);
    }
}
