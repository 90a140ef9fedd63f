package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The outer IPv4 header of every Teredo datagram, as the relay's UDP sockets set it. */
class OuterHeaderTest {
    @Test
    void noDontFragmentAndNoEcn_R_5_1_2_df_R9601_6_1_3_ecn() throws Exception {
        TransportKind kind = TransportKind.detect();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, kind.ioHandlerFactory());
        try {
            Bootstrap bootstrap = new Bootstrap().group(group).channelFactory(kind.datagramChannelFactory())
                    .handler(new ChannelInboundHandlerAdapter());
            DatagramOptions.apply(bootstrap, kind, TransportSettings.defaults());
            Channel channel = bootstrap.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

            // RFC 9601 §6.1.3: an encapsulator that does not propagate ECN zeroes the outer ECN bits; we never
            // copy the inner traffic class out, and the socket's TOS (DSCP and ECN) stays 0.
            assertThat(channel.config().getOption(ChannelOption.IP_TOS)).isZero();
            if (kind == TransportKind.EPOLL) {
                // RFC 4380 §5.1.2: IP_PMTUDISC_DONT, so the kernel never sets DF.
                assertThat(channel.config().getOption(DatagramOptions.IP_MTU_DISCOVER)).isEqualTo(DatagramOptions.IP_PMTUDISC_DONT);
            }
            channel.close().sync();
        } finally {
            group.shutdownGracefully().sync();
        }
    }
}
