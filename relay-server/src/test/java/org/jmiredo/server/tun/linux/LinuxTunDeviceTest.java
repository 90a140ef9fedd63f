package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jmiredo.server.tun.linux.EchoPackets.ECHO_REPLY;
import static org.jmiredo.server.tun.linux.EchoPackets.ECHO_REQUEST;
import static org.jmiredo.server.tun.linux.EchoPackets.v6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jmiredo.server.netlink.InterfaceConfigurator.ConfiguredInterface;
import org.jmiredo.server.netlink.RtnetlinkConfigurator;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.jmiredo.server.sys.NativeException;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real multi-queue TUN device. It is created in this JVM's namespace (a TUN is created where the opening
 * thread lives, and the JVM cannot easily run inside another one) and at once moved into a throw-away
 * namespace, where it keeps working: its route 2001:db8::/32 never touches the host's routing, and deleting
 * the namespace removes it even if the test dies.
 */
class LinuxTunDeviceTest {
    static final Inet6Address RELAY_LL = TunnelInterfaceSpec.MIREDO_RELAY_LINK_LOCAL;
    private static final int BUDGET = 2;

    TestNetns ns;
    String name;
    LinuxTunDevice device;
    private ConfiguredInterface configured;
    private MultiThreadIoEventLoopGroup group;
    private final List<IoEventLoop> loops = new ArrayList<>();
    private final List<RecordingReceiver> receivers = new ArrayList<>();
    private final BlockingQueue<RecordingReceiver.Seen> seen = new LinkedBlockingQueue<>();

    @BeforeEach
    void openInANamespace() throws Exception {
        Privileges.assumeNetAdmin();
        ns = TestNetns.create();
        name = TestNetns.uniqueName("jmt");
        device = LinuxTunDevice.open(name, 2, new TunQueueOptions(BUDGET, 8, 1280), offloadMode());
        ns.adopt(name);
        configured = RtnetlinkConfigurator.inNamespace(ns.name())
                .configure(TunnelInterfaceSpec.relay(name, 1280, v6("2001:db8::"), 32));
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        group.forEach(e -> loops.add((IoEventLoop) e));
        for (int i = 0; i < 2; i++) {
            RecordingReceiver receiver = new RecordingReceiver(loops.get(i), i, seen);
            receivers.add(receiver);
            device.queue(i)
                    .register(loops.get(i), receiver, ByteBufAllocator.DEFAULT)
                    .sync();
        }
    }

    /** Plain packets, as before offloads: {@link OffloadedTunDeviceTest} runs the same cases with them. */
    TunOffloadMode offloadMode() {
        return TunOffloadMode.OFF;
    }

    @AfterEach
    void cleanUp() {
        if (configured != null) {
            configured.close();
        }
        if (device != null) {
            device.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void theKernelSeesAMultiQueueTunConfiguredAsMiredosRelay() {
        assertThat(device.name()).isEqualTo(name);
        assertThat(device.queueCount()).isEqualTo(2);
        String link = ns.ip("-d", "link", "show", "dev", name);
        assertThat(link)
                .contains("mtu 1280")
                .contains("POINTOPOINT,NOARP,UP")
                .contains("tun type tun pi off")
                .contains(offloadMode() == TunOffloadMode.OFF ? "vnet_hdr off" : "vnet_hdr on")
                .contains("multi_queue numqueues 2");
        assertThat(ns.ip("-6", "addr", "show", "dev", name)).contains("inet6 fe80::ffff:ffff:ffff/64 scope link");
        assertThat(ns.ip("-6", "route", "show", "dev", name)).contains("2001:db8::/32 metric 1024");
        assertThat(device.queues()).allMatch(TunQueueHandle::isReading);
    }

    @Test
    void aPingRoutedIntoTheDeviceIsReadOnTheQueuesLoopWithHeadroom() throws Exception {
        ns.exec("ping", "-6", "-c", "1", "-W", "1", "2001:db8::1"); // no answer comes; we only read the request

        RecordingReceiver.Seen request = RecordingReceiver.next(
                seen,
                p -> EchoPackets.icmpType(p) == ECHO_REQUEST
                        && EchoPackets.destination(p).equals(v6("2001:db8::1")),
                10_000);
        assertThat(request).as("echo request read from the TUN").isNotNull();
        assertThat(EchoPackets.source(request.view())).isEqualTo(RELAY_LL);
        assertThat(request.readerIndex()).as("headroom before the packet").isEqualTo(8);
        assertThat(request.onExpectedLoop())
                .as("read on the loop the queue is registered on")
                .isTrue();
        loops.get(request.queue()).submit(() -> {}).get(5, TimeUnit.SECONDS); // the burst has completed
        assertThat(receivers.get(request.queue()).bursts()).isNotEmpty();
    }

    /**
     * The device's MTU raised behind the relay's back (ip link set ... mtu, as Miredo's operators do): packets
     * longer than the 1,280 bytes the buffers were sized for are read whole, up to the largest MTU a TUN takes
     * (65,535), and the packets after them as usual. (A read into the slot alone returned them cut to 1,280, which
     * the data path dropped as malformed.)
     */
    @Test
    void packetsAboveTheConfiguredMtuAreReadWholeUpToTheLargestTunMtu() throws Exception {
        ns.ip("link", "set", "dev", name, "mtu", "65535");
        int[] sizes = {1448, 9000, 1300, 65535};
        for (int i = 0; i < sizes.length; i++) {
            ns.exec("ping", "-6", "-c", "1", "-W", "1", "-s", Integer.toString(sizes[i] - 48), "2001:db8::" + (i + 3));
        }
        ns.exec("ping", "-6", "-c", "1", "-W", "1", "-s", "100", "2001:db8::2");

        // Two queues, each read by its own loop, may hand the packets over in another order: collect them all.
        Map<Inet6Address, RecordingReceiver.Seen> requests = new HashMap<>();
        for (RecordingReceiver.Seen request : RecordingReceiver.collect(
                seen, p -> EchoPackets.icmpType(p) == ECHO_REQUEST, sizes.length + 1, 10_000)) {
            requests.put(EchoPackets.destination(request.view()), request);
        }
        for (int i = 0; i < sizes.length; i++) {
            Inet6Address to = v6("2001:db8::" + (i + 3));
            RecordingReceiver.Seen request = requests.get(to);
            assertThat(request)
                    .as("the echo request of %d bytes to %s", sizes[i], to)
                    .isNotNull();
            assertThat(request.bytes()).hasSize(sizes[i]);
            assertThat(request.readerIndex()).isEqualTo(8);
        }
        assertThat(requests).as("the next packet is still read").containsKey(v6("2001:db8::2"));
        assertThat(receivers.stream().mapToInt(RecordingReceiver::oversized).sum())
                .isZero();
    }

    @Test
    void packetsWrittenToAQueueReachTheKernelWhichAnswersIntoTheDevice() throws Exception {
        TunQueueHandle queue = device.queue(0);
        Inet6Address peer = v6("2001:db8::2");
        byte[] direct = EchoPackets.echoRequest(peer, RELAY_LL, 0x4201, 1, "direct".getBytes());
        byte[] heap = EchoPackets.echoRequest(peer, RELAY_LL, 0x4202, 1, "heap".getBytes());
        byte[] composite = EchoPackets.echoRequest(peer, RELAY_LL, 0x4203, 1, "composite".getBytes());

        assertThat(onLoop0(() -> writeDirect(queue, direct))).isTrue();
        assertThat(onLoop0(() -> queue.write(Unpooled.wrappedBuffer(heap)))).isTrue();
        assertThat(onLoop0(() -> writeComposite(queue, composite))).isTrue();

        List<RecordingReceiver.Seen> replies = RecordingReceiver.collect(
                seen,
                p -> EchoPackets.icmpType(p) == ECHO_REPLY
                        && EchoPackets.destination(p).equals(peer),
                3,
                10_000);
        assertThat(replies)
                .extracting(r -> EchoPackets.echoId(r.view()))
                .containsExactlyInAnyOrder(0x4201, 0x4202, 0x4203);
        assertThat(replies).allMatch(RecordingReceiver.Seen::onExpectedLoop);
    }

    @Test
    void theKernelsRefusalIsFalseNotAnException() throws Exception {
        TunQueueHandle queue = device.queue(0);
        assertThat(onLoop0(() -> queue.write(Unpooled.EMPTY_BUFFER))).isFalse();
        // Neither IPv4 nor IPv6 in the first nibble: tun_get_user answers EINVAL.
        assertThat(onLoop0(() -> queue.write(Unpooled.wrappedBuffer(new byte[48]))))
                .isFalse();
    }

    @Test
    void aBurstIsReadInBudgetSizedBatchesThenResumedOnTheNextTurn() throws Exception {
        TunQueueHandle queue = device.queue(0);
        Inet6Address peer = v6("2001:db8::3");
        assertThat(onLoop0(() -> {
                    boolean all = true;
                    for (int id = 1; id <= 6; id++) {
                        all &= queue.write(
                                Unpooled.wrappedBuffer(EchoPackets.echoRequest(peer, RELAY_LL, id, 1, new byte[8])));
                    }
                    return all;
                }))
                .isTrue();
        assertThat(RecordingReceiver.collect(seen, p -> EchoPackets.icmpType(p) == ECHO_REPLY, 6, 10_000))
                .hasSize(6);
        // The last packetRead() may be seen before its burst's readComplete(): a task on each loop runs only
        // after the current handle() returned.
        for (IoEventLoop loop : loops) {
            loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
        }
        List<Integer> bursts = new ArrayList<>(receivers.get(0).bursts());
        bursts.addAll(receivers.get(1).bursts());
        // All six replies are queued before the loop reads (written in one task), so reads hit the budget.
        assertThat(bursts)
                .as("burst sizes")
                .allMatch(n -> n >= 1 && n <= BUDGET)
                .contains(BUDGET);
        assertThat(bursts.stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void closingTheLastQueueDeletesTheDevice() {
        device.close();
        assertThat(device.queues()).noneMatch(TunQueueHandle::isReading);
        assertThat(ns.tryIp("link", "show", "dev", name).ok()).isFalse();
        assertThat(device.queue(0).write(Unpooled.wrappedBuffer(new byte[48]))).isFalse(); // closed fd: false
    }

    @Test
    void aDeviceDeletedUnderneathStopsTheReadingInsteadOfSpinning() throws Exception {
        ns.ip("link", "del", "dev", name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (device.queues().stream().anyMatch(TunQueueHandle::isReading) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(device.queues()).noneMatch(TunQueueHandle::isReading);
    }

    @Test
    void aDeviceNameAlreadyInUseIsRefusedInsteadOfJoined() throws Exception {
        // IFF_TUN_EXCL on the first queue: a second relay must not attach queues to the first one's device.
        String other = TestNetns.uniqueName("jmt");
        try (LinuxTunDevice first = LinuxTunDevice.open(other, 1)) {
            assertThatThrownBy(() -> LinuxTunDevice.open(other, 2)).isInstanceOfSatisfying(NativeException.class, e -> {
                assertThat(e.errnoName()).isEqualTo("EBUSY");
                assertThat(e.getMessage()).contains(other + " already exists");
            });
            assertThat(TestNetns.run(List.of("ip", "-d", "link", "show", "dev", first.name()))
                            .output())
                    .contains("multi_queue numqueues 1");
        }
        assertThat(TestNetns.run(List.of("ip", "link", "show", "dev", other)).ok())
                .isFalse();
    }

    @Test
    void registeringOnANonEpollLoopIsRefused() {
        MultiThreadIoEventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            IoEventLoop loop = nio.next();
            assertThatThrownBy(
                            () -> device.queue(0).register(loop, new RecordingReceiver(null), ByteBufAllocator.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs an epoll event loop");
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    private static boolean writeDirect(TunQueueHandle queue, byte[] packet) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(packet.length).writeBytes(packet);
        try {
            return queue.write(buf);
        } finally {
            buf.release();
        }
    }

    private static boolean writeComposite(TunQueueHandle queue, byte[] packet) {
        CompositeByteBuf buf = Unpooled.compositeBuffer();
        buf.addComponent(true, Unpooled.wrappedBuffer(packet, 0, 40));
        buf.addComponent(true, Unpooled.wrappedBuffer(packet, 40, packet.length - 40));
        try {
            return queue.write(buf);
        } finally {
            buf.release();
        }
    }

    private <T> T onLoop0(Supplier<T> action) throws Exception {
        return loops.get(0).submit(action::get).get(5, TimeUnit.SECONDS);
    }
}
