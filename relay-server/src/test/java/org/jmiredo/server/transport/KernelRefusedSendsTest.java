package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.ChannelUdpSender;
import org.jmiredo.pipeline.UdpSender;
import org.jmiredo.pipeline.UdpTunOutput;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.InNetns;
import org.jmiredo.server.sys.Privileges;
import org.jmiredo.tun.MemoryTun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Datagrams the kernel refuses on a real epoll socket, in a namespace of the test's own: a firewall rule
 * (iptables OUTPUT DROP: EPERM) and a destination without a route (ENETUNREACH). Each datagram counts once:
 * as sent (with what it was: a bubble, a released packet) when the kernel took it, else as
 * {@code udp_write_failed}; so sent plus failed is what was handed over.
 */
class KernelRefusedSendsTest {
    private static final String LOCAL = "198.51.100.5";
    /** On the namespace's loopback prefix: the kernel takes datagrams to it. */
    private static final int TAKEN = 0xC633_6409; // 198.51.100.9
    /** On that prefix too, but an OUTPUT rule drops what goes there: sendmmsg fails with EPERM. */
    private static final int FIREWALLED = 0xC633_6442; // 198.51.100.66
    /** No route at all in the namespace: ENETUNREACH. */
    private static final int UNROUTED = 0xCB00_7101; // 203.0.113.1

    private TestNetns ns;
    private MultiThreadIoEventLoopGroup group;
    private Channel udp;
    private final DataPathCounters counters = new DataPathCounters();
    private final List<ByteBuf> payloads = new ArrayList<>();

    @BeforeEach
    void socketInAFirewalledNamespace() throws Exception {
        Privileges.assumeNetAdmin();
        if (!TestNetns.run(List.of("iptables", "--version")).ok()) {
            Privileges.skipOrFail("no iptables");
        }
        ns = TestNetns.create();
        ns.ip("addr", "add", LOCAL + "/24", "dev", "lo");
        TestNetns.Result rule = ns.exec("iptables", "-A", "OUTPUT", "-d", Ipv4.toString(FIREWALLED), "-j", "DROP");
        assertThat(rule.ok()).as(rule.output()).isTrue();
        group = Transport.newGroup(TransportKind.EPOLL, 1);
        // The socket is made on the thread in the namespace: its routes and firewall are the namespace's.
        udp = InNetns.call(ns.name(), () -> new Bootstrap()
                .group(group)
                .channelFactory(TransportKind.EPOLL.datagramChannelFactory())
                .handler(new ChannelInboundHandlerAdapter())
                .bind(InetAddress.getByName(LOCAL), 0)
                .sync()
                .channel());
    }

    @AfterEach
    void stop() {
        if (udp != null) {
            udp.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (ns != null) {
            ns.close();
        }
        assertThat(payloads).as("every payload released").allMatch(b -> b.refCnt() == 0);
    }

    @ParameterizedTest
    @EnumSource(UdpGsoMode.class)
    void theRelaysSendmmsgCountsEachDatagramOnce(UdpGsoMode gso) throws Exception {
        onLoop(() -> {
            UdpTunOutput output =
                    new UdpTunOutput(udp, MmsgUdpSender.factory(new UdpGso(gso)), new MemoryTun(), counters);
            output.toUdp(payload(100), TAKEN, 40000, RelayOutput.ANY_LOCAL, null);
            // Two alike to one destination: one GSO message when GSO is on, refused as a whole.
            output.toUdp(payload(61), FIREWALLED, 3544, RelayOutput.ANY_LOCAL, Counter.BUBBLES_TX_INDIRECT);
            output.toUdp(payload(61), FIREWALLED, 3544, RelayOutput.ANY_LOCAL, Counter.BUBBLES_TX_INDIRECT);
            output.toUdp(payload(200), UNROUTED, 40000, RelayOutput.ANY_LOCAL, Counter.QUEUE_RELEASED_PACKETS);
            output.toUdp(payload(61), TAKEN, 40001, RelayOutput.ANY_LOCAL, Counter.BUBBLES_TX_DIRECT);
            output.flush();
            return null;
        });

        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).as("refused").isEqualTo(3);
        assertThat(counters.get(Counter.UDP_TX_PACKETS))
                .as("sent: the kernel took them")
                .isEqualTo(2);
        assertThat(counters.get(Counter.UDP_TX_BYTES)).isEqualTo(161);
        assertThat(counters.get(Counter.BUBBLES_TX_DIRECT)).isEqualTo(1);
        assertThat(counters.get(Counter.BUBBLES_TX_INDIRECT))
                .as("refused bubbles are not bubbles sent")
                .isZero();
        assertThat(counters.get(Counter.QUEUE_RELEASED_PACKETS)).isZero();
    }

    /** Netty's path, as the server, the mire and the relay's overflow use it: the write's promise counts. */
    @Test
    void nettysPathCountsEachDatagramOnce() throws Exception {
        onLoop(() -> {
            UdpSender sender = new ChannelUdpSender(udp, counters);
            sender.add(payload(100), TAKEN, 40000, Counter.ROUTER_ADVERTISEMENTS_TX);
            sender.add(payload(100), FIREWALLED, 40000, Counter.ROUTER_ADVERTISEMENTS_TX);
            sender.add(payload(100), UNROUTED, 40000, Counter.ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS);
            sender.flush();
            return null;
        });

        assertThat(counters.dropped(DropReason.UDP_WRITE_FAILED)).as("refused").isEqualTo(2);
        assertThat(counters.get(Counter.UDP_TX_PACKETS)).isEqualTo(1);
        assertThat(counters.get(Counter.ROUTER_ADVERTISEMENTS_TX)).isEqualTo(1);
        assertThat(counters.get(Counter.ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS)).isZero();
    }

    private ByteBuf payload(int length) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(length).writeZero(length);
        payloads.add(b);
        return b;
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return udp.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }
}
