package org.jmiredo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.pipeline.RelayHarness.bubble;
import static org.jmiredo.pipeline.RelayHarness.ipv6;
import static org.jmiredo.pipeline.RelayRulesTest.CLIENT;
import static org.jmiredo.pipeline.RelayRulesTest.NATIVE;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Ipv6;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A datagram the socket refuses (its send queue above the high-water mark, or the kernel at the flush) is
 * counted once, as the drop {@code udp_write_failed}, never also as sent, a bubble sent or a queued packet released.
 */
class RefusedSendsTest {
    private final RelayHarness relay = new RelayHarness();

    @AfterEach
    void close() {
        relay.close();
    }

    private void fillTheSocket() {
        relay.udp.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 8));
        relay.udp.write(Unpooled.buffer(16).writeZero(16)); // held unflushed: the channel is unwritable
        assertThat(relay.udp.isWritable()).isFalse();
    }

    /** As the kernel refuses a datagram in sendmmsg (a firewall's EPERM): its write fails at the flush. */
    private void refuseWritesToPort(int port) {
        relay.udp.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof DatagramPacket p && p.recipient().getPort() == port) {
                    p.release();
                    promise.setFailure(new IOException("sendmmsg: Operation not permitted"));
                } else {
                    ctx.write(msg, promise);
                }
            }
        });
    }

    @Test
    void aBubbleTheKernelRefusesCountsOnceAsWriteFailed() {
        refuseWritesToPort(3544);
        relay.readTun(ipv6(NATIVE, CLIENT, 16)); // a new peer: its packet is queued, a bubble goes to its server

        assertThat(relay.allSentUdp()).as("the bubble did not leave").isEmpty();
        assertThat(relay.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(1);
        assertThat(relay.count(Counter.UDP_TX_PACKETS)).as("datagrams sent").isZero();
        assertThat(relay.count(Counter.UDP_TX_BYTES)).isZero();
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).as("bubbles sent").isZero();
    }

    @Test
    void aBubbleTheKernelTakesCountsOnceAsSent() {
        relay.readTun(ipv6(NATIVE, CLIENT, 16));

        relay.allSentUdp().forEach(DatagramPacket::release);
        assertThat(relay.count(Counter.UDP_TX_PACKETS)).isEqualTo(1);
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).isEqualTo(1);
        assertThat(relay.dropped(DropReason.UDP_WRITE_FAILED)).isZero();
    }

    @Test
    void aRefusedBubbleIsNotCountedAsSent() {
        fillTheSocket();
        relay.readTun(ipv6(NATIVE, CLIENT, 16)); // a new peer: its packet is queued, a bubble goes to its server

        assertThat(relay.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(1);
        assertThat(relay.count(Counter.BUBBLES_TX_INDIRECT)).as("bubbles sent").isZero();
        assertThat(relay.count(Counter.QUEUED_PACKETS)).isEqualTo(1);
    }

    @Test
    void aRefusedReleaseIsNotCountedAsReleased_R_5_4_1_dequeue() {
        relay.readTun(ipv6(NATIVE, CLIENT, 16));
        DatagramPacket indirect = relay.sentUdp();
        long[] ours = {Ipv6.srcHi(indirect.content(), 0), Ipv6.srcLo(indirect.content(), 0)};
        indirect.release();
        fillTheSocket();

        relay.receiveUdp(bubble(CLIENT, ours), "198.51.100.20", 40000); // trusted: its queue is released

        assertThat(relay.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(1);
        assertThat(relay.count(Counter.QUEUE_RELEASED_PACKETS))
                .as("released packets sent")
                .isZero();
    }
}
