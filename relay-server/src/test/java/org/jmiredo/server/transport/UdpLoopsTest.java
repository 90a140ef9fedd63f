package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.Test;

/**
 * The server's and the mire's I/O without a TUN device: channel i of every address on loop i, so that a
 * server's primary and secondary channels of one loop form a pair (ServerDataPath.initChannels).
 */
class UdpLoopsTest {
    @Test
    void channelIOfEachAddressRunsOnLoopIAndCloseStopsEverything() throws Exception {
        Privileges.assumeEpoll();
        TransportSettings settings = TransportSettings.defaults().withEventLoops(2);
        UdpLoops loops = UdpLoops.start(settings);
        List<Integer> setUp = new ArrayList<>();
        try {
            assertThat(loops.kind()).isEqualTo(TransportKind.EPOLL);
            assertThat(loops.channelsPerAddress()).isEqualTo(2);
            List<Channel> first = loops.bindOnEveryLoop(loopback("127.0.0.1"), (ch, i) -> setUp.add(i));
            List<Channel> second = loops.bindOnEveryLoop(loopback("127.0.0.2"), (ch, i) -> setUp.add(10 + i));

            assertThat(setUp).containsExactly(0, 1, 10, 11);
            for (int i = 0; i < 2; i++) {
                assertThat(first.get(i).eventLoop()).isSameAs(loops.eventLoops().get(i));
                assertThat(second.get(i).eventLoop()).isSameAs(first.get(i).eventLoop());
                assertThat(first.get(i).isActive()).isTrue();
            }
            int port = ((InetSocketAddress) first.get(0).localAddress()).getPort();
            assertThat(((InetSocketAddress) first.get(1).localAddress()).getPort())
                    .as("SO_REUSEPORT")
                    .isEqualTo(port);

            loops.close();
            assertThat(first).noneMatch(Channel::isOpen);
            assertThat(second).noneMatch(Channel::isOpen);
            assertThat(loops.eventLoops()).allMatch(loop -> loop.isShutdown());
            assertThatThrownBy(() -> loops.bindOnEveryLoop(loopback("127.0.0.1"), (ch, i) -> {}))
                    .isInstanceOf(TransportException.class);
        } finally {
            loops.close();
        }
    }

    @Test
    void aPortInUseIsReportedInOneLine() throws Exception {
        Privileges.assumeEpoll();
        try (UdpLoops loops = UdpLoops.start(TransportSettings.defaults().withEventLoops(1));
                java.net.DatagramSocket taken = new java.net.DatagramSocket(loopback("127.0.0.1"))) {
            InetSocketAddress busy = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            assertThatThrownBy(() -> loops.bindOnEveryLoop(busy, (ch, i) -> {}))
                    .isInstanceOf(TransportException.class)
                    .hasMessage("UDP 127.0.0.1:" + taken.getLocalPort() + " is in use");
        }
    }

    private static InetSocketAddress loopback(String address) throws Exception {
        return new InetSocketAddress((Inet4Address) InetAddress.getByName(address), 0);
    }
}
