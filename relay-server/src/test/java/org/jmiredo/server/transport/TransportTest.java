package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jmiredo.server.tun.linux.EchoPackets.ECHO_REPLY;
import static org.jmiredo.server.tun.linux.EchoPackets.v6;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.jmiredo.server.sys.Privileges;
import org.jmiredo.server.tun.linux.EchoPackets;
import org.jmiredo.server.tun.linux.LinuxTunDevice;
import org.jmiredo.server.tun.linux.RecordingReceiver;
import org.jmiredo.server.tun.linux.TunQueueHandle;
import org.jmiredo.tun.TunQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole transport with a trivial data path: two epoll loops, two SO_REUSEPORT sockets on loopback, a
 * two-queue TUN. The test's configurator moves the TUN into a throw-away namespace before rtnetlink sets it
 * up there, so the route (2001:db8::/32, documentation space) never reaches this host's routing table.
 */
class TransportTest {
    private static final Inet6Address RELAY_LL = TunnelInterfaceSpec.MIREDO_RELAY_LINK_LOCAL;

    private final List<TestNetns> namespaces = new ArrayList<>();
    private TestNetns ns;
    private TransportSettings settings;
    private Transport transport;

    @BeforeEach
    void settings() throws Exception {
        Privileges.assumeNetAdmin();
        ns = newNamespace();
        settings = TransportSettings.defaults()
                .withEventLoops(2)
                .withBind((Inet4Address) InetAddress.getByName("127.0.0.1"), 0)
                .withTun(TestNetns.uniqueName("jmt"), v6("2001:db8::"), 32);
    }

    @AfterEach
    void stop() {
        if (transport != null) {
            transport.close();
        }
        namespaces.forEach(TestNetns::close);
    }

    private TestNetns newNamespace() {
        TestNetns created = TestNetns.create();
        namespaces.add(created);
        return created;
    }

    @Test
    void udpAndTunOfEachLoopMeetOnThatLoop() throws Exception {
        EchoWiring wiring = new EchoWiring();
        transport = Transport.start(settings, wiring, ns.adoptingConfigurator());

        List<Channel> channels = transport.relayChannels();
        assertThat(transport.kind()).isEqualTo(TransportKind.EPOLL);
        assertThat(channels).hasSize(2);
        assertThat(wiring.activeAtInit).as("pipelines are built before bind").containsOnly(false);
        for (int i = 0; i < 2; i++) {
            Channel channel = channels.get(i);
            TunQueueHandle queue = (TunQueueHandle) transport.tunDevice().queue(i);
            assertThat(channel.eventLoop()).isSameAs(transport.eventLoops().get(i));
            assertThat(queue.eventLoop())
                    .as("TUN queue %d on its channel's loop", i)
                    .isSameAs(channel.eventLoop());
            assertThat(wiring.queueAtInit.get(channel)).isSameAs(queue);
            assertThat(wiring.queueOfReceiver.get(channel)).isSameAs(queue);
            assertThat(queue.isReading()).isTrue();
            assertThat(channel.config().isAutoRead())
                    .as("the relay reads channel %d itself, not Netty", i)
                    .isFalse();
        }
        String tun = transport.tunDevice().name();
        assertThat(ns.ip("-d", "link", "show", "dev", tun)).contains("mtu 1280").contains("multi_queue numqueues 2");
        assertThat(ns.ip("-6", "route", "show", "dev", tun)).contains("2001:db8::/32");

        // UDP: several source ports reach both loops, each datagram handled on its channel's loop.
        UdpEchoClients.roundTrip(transport.localAddress(), 24);
        List<EchoWiring.Hit> hits = new ArrayList<>(wiring.hits);
        assertThat(hits).hasSize(24).allMatch(EchoWiring.Hit::onChannelLoop);
        assertThat(hits.stream().map(EchoWiring.Hit::channel).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(channels);

        // TUN: each loop writes echo requests through its own queue; the kernel's replies are read on the loop
        // of the queue the kernel picked, and handed to that loop's receiver.
        for (int i = 0; i < 2; i++) {
            TunQueue queue = wiring.queueAtInit.get(channels.get(i));
            int loop = i;
            boolean written = channels.get(i)
                    .eventLoop()
                    .submit(() -> {
                        boolean ok = true;
                        for (int k = 0; k < 8; k++) {
                            Inet6Address peer = v6("2001:db8:" + (loop + 1) + "::" + (k + 1));
                            ok &= queue.write(Unpooled.wrappedBuffer(
                                    EchoPackets.echoRequest(peer, RELAY_LL, 100 * loop + k, 1, new byte[16])));
                        }
                        return ok;
                    })
                    .get(5, TimeUnit.SECONDS);
            assertThat(written).isTrue();
        }
        List<RecordingReceiver.Seen> replies =
                RecordingReceiver.collect(wiring.tunPackets, p -> EchoPackets.icmpType(p) == ECHO_REPLY, 16, 10_000);
        assertThat(replies).hasSize(16).allMatch(RecordingReceiver.Seen::onExpectedLoop);
        assertThat(replies).allMatch(r -> r.readerIndex() == TransportSettings.TUN_HEADROOM);
        Set<Integer> queues =
                replies.stream().map(RecordingReceiver.Seen::queue).collect(Collectors.toSet());
        assertThat(queues).as("replies came through both queues").containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void closeStopsEverythingAndTheDeviceGoesAway() throws Exception {
        transport = Transport.start(settings, new EchoWiring(), ns.adoptingConfigurator());
        String tun = transport.tunDevice().name();
        List<Channel> channels = transport.relayChannels();

        transport.close();
        transport.close(); // idempotent

        assertThat(channels).noneMatch(Channel::isOpen);
        assertThat(((LinuxTunDevice) transport.tunDevice()).queues()).noneMatch(TunQueueHandle::isReading);
        assertThat(transport.group().isTerminated()).isTrue();
        assertThat(ns.tryIp("link", "show", "dev", tun).ok()).isFalse();
    }

    @Test
    void aSecondRelayOnTheSamePortFailsCleanly() throws Exception {
        transport = Transport.start(settings, new EchoWiring(), ns.adoptingConfigurator());
        int port = transport.localAddress().getPort();
        TestNetns other = newNamespace();
        TransportSettings same = settings.withBind(settings.bindAddress(), port)
                .withTun(TestNetns.uniqueName("jmt"), v6("2001:db8::"), 32);

        assertThatThrownBy(() -> Transport.start(same, new EchoWiring(), other.adoptingConfigurator()))
                .isInstanceOf(TransportException.class)
                .hasMessage("UDP 127.0.0.1:" + port + " is in use");
        // What the failed start had opened is gone again: its TUN (with route and address) no longer exists.
        assertThat(other.tryIp("link", "show", "dev", same.tunName()).ok()).isFalse();
        // The first relay is unharmed.
        UdpEchoClients.roundTrip(transport.localAddress(), 4);
    }

    @Test
    void moreAddressesCanBeBoundOnTheSameLoops() throws Exception {
        transport = Transport.start(settings, new EchoWiring(), ns.adoptingConfigurator());
        EchoWiring second = new EchoWiring();
        List<Channel> extra = transport.bindOnEveryLoop(
                new InetSocketAddress("127.0.0.2", 0), (ch, i) -> second.initUdpChannel(ch, null));

        assertThat(extra).hasSize(2);
        assertThat(extra.get(0).eventLoop()).isSameAs(transport.eventLoops().get(0));
        assertThat(extra.get(1).eventLoop()).isSameAs(transport.eventLoops().get(1));
        UdpEchoClients.roundTrip((InetSocketAddress) extra.getFirst().localAddress(), 4);
        assertThat(second.hits).hasSize(4);

        transport.close();
        assertThat(extra).noneMatch(Channel::isOpen);
    }
}
