package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay's UDP sockets on loopback: one per loop on one port, their options, and bind errors. */
class UdpBinderTest {
    private MultiThreadIoEventLoopGroup group;
    private final List<IoEventLoop> loops = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private TransportSettings settings;

    @BeforeEach
    void twoEpollLoops() throws Exception {
        Privileges.assumeEpoll();
        group = Transport.newGroup(TransportKind.EPOLL, 2);
        group.forEach(e -> loops.add((IoEventLoop) e));
        settings = TransportSettings.defaults()
                .withEventLoops(2)
                .withBind((Inet4Address) InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stop() {
        channels.forEach(c -> c.close().awaitUninterruptibly());
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void oneSocketPerLoopOnOnePortAndThePeersSpreadOverThem() throws Exception {
        EchoWiring wiring = new EchoWiring();
        channels.addAll(UdpBinder.bind(
                TransportKind.EPOLL,
                loops,
                settings.bindSocketAddress(),
                settings,
                new SocketBuffers(TransportKind.EPOLL, settings),
                (ch, i) -> wiring.initUdpChannel(ch, null)));

        assertThat(channels).hasSize(2);
        assertThat(channels.get(0).eventLoop()).isSameAs(loops.get(0));
        assertThat(channels.get(1).eventLoop()).isSameAs(loops.get(1));
        int port = ((InetSocketAddress) channels.get(0).localAddress()).getPort();
        assertThat(((InetSocketAddress) channels.get(1).localAddress()).getPort())
                .isEqualTo(port);
        assertThat(wiring.activeAtInit).as("pipelines are built before bind").containsOnly(false);

        // SO_REUSEPORT hashes the 4-tuple: with 24 source ports, both sockets get some (chance of not: 2^-23).
        UdpEchoClients.roundTrip(new InetSocketAddress("127.0.0.1", port), 24);
        List<EchoWiring.Hit> hits = new ArrayList<>(wiring.hits);
        assertThat(hits).hasSize(24).allMatch(EchoWiring.Hit::onChannelLoop);
        Set<Channel> used = hits.stream().map(EchoWiring.Hit::channel).collect(Collectors.toSet());
        assertThat(used).containsExactlyInAnyOrderElementsOf(channels);
    }

    @Test
    void socketsHaveReusePortRecvmmsgAndNoDontFragment() throws Exception {
        channels.addAll(bindPlain());
        for (Channel channel : channels) {
            assertThat(channel.config().getOption(UnixChannelOption.SO_REUSEPORT))
                    .isTrue();
            assertThat(channel.config().getOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE))
                    .isEqualTo(1500);
            // RFC 4380 §5.1.2, CONFORMANCE R-5.1.2-df: getsockopt(IP_MTU_DISCOVER) reads IP_PMTUDISC_OMIT back
            // (no DF, and no learned path MTU).
            assertThat(channel.config().getOption(DatagramOptions.IP_MTU_DISCOVER))
                    .isEqualTo(DatagramOptions.IP_PMTUDISC_OMIT);
            MaxMessagesRecvByteBufAllocator recv = channel.config().getRecvByteBufAllocator();
            assertThat(recv).isInstanceOf(FixedRecvByteBufAllocator.class);
            assertThat(recv.maxMessagesPerRead()).isEqualTo(settings.maxMessagesPerRead());
        }
    }

    private List<Channel> bindPlain() throws TransportException {
        return UdpBinder.bind(
                TransportKind.EPOLL,
                loops,
                settings.bindSocketAddress(),
                settings,
                new SocketBuffers(TransportKind.EPOLL, settings),
                (ch, i) -> {});
    }

    @Test
    void aPortHeldByAnotherSocketIsAOneLineError() throws Exception {
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = other.getLocalPort();
            assertThatThrownBy(() -> UdpBinder.bind(
                            TransportKind.EPOLL,
                            loops,
                            new InetSocketAddress("127.0.0.1", port),
                            settings,
                            new SocketBuffers(TransportKind.EPOLL, settings),
                            (ch, i) -> {}))
                    .isInstanceOf(TransportException.class)
                    .hasMessage("UDP 127.0.0.1:" + port + " is in use");
        }
    }

    @Test
    void aPortHeldByAnotherReusePortGroupIsInUseToo() throws Exception {
        // Another relay of the same user would otherwise silently join the group (same-UID SO_REUSEPORT).
        List<Channel> first = bindPlain();
        channels.addAll(first);
        int port = ((InetSocketAddress) first.getFirst().localAddress()).getPort();
        assertThatThrownBy(() -> UdpBinder.bind(
                        TransportKind.EPOLL,
                        loops,
                        new InetSocketAddress("127.0.0.1", port),
                        settings,
                        new SocketBuffers(TransportKind.EPOLL, settings),
                        (ch, i) -> {}))
                .isInstanceOf(TransportException.class)
                .hasMessage("UDP 127.0.0.1:" + port + " is in use");
    }

    @Test
    void aFailingPipelineSetupIsReportedWithItsCause() {
        assertThatThrownBy(() -> UdpBinder.bind(
                        TransportKind.EPOLL,
                        loops,
                        settings.bindSocketAddress(),
                        settings,
                        new SocketBuffers(TransportKind.EPOLL, settings),
                        (ch, i) -> {
                            throw new IllegalStateException("no peer table");
                        }))
                .isInstanceOf(TransportException.class)
                .hasMessage("cannot set up the UDP channel's pipeline: java.lang.IllegalStateException: no peer table");
    }

    @Test
    void anAddressNotOnThisHostIsNamed() {
        InetSocketAddress foreign = new InetSocketAddress("198.51.100.77", 3544);
        assertThatThrownBy(() -> UdpBinder.bind(
                        TransportKind.EPOLL,
                        loops,
                        foreign,
                        settings,
                        new SocketBuffers(TransportKind.EPOLL, settings),
                        (ch, i) -> {}))
                .isInstanceOf(TransportException.class)
                .hasMessage("UDP 198.51.100.77:3544: 198.51.100.77 is not an address of this host");
    }
}
