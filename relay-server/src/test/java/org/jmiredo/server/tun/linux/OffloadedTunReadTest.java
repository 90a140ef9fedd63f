package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scattering read ({@link OffloadedReader}) on a real TUN opened with offloads: UDP datagrams the
 * namespace's own stack sends into the device (with partial checksums, and as GSO super-packets when sent
 * with UDP_SEGMENT) must come out whole, in the buffer they were read into when they fit it, cut when they
 * were super-packets, with full checksums; and no buffer may be left behind once the device is closed.
 */
class OffloadedTunReadTest {
    private static final int HEADROOM = 8;
    private static final int MTU = 1280;
    private static final int UDP_PORT = 5000;

    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);
    private TestNetns ns;
    private LinuxTunDevice device;
    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;
    private RecordingReceiver receiver;

    @BeforeEach
    void openWithOffloads() throws Exception {
        Privileges.assumeNetAdmin();
        ns = TestNetns.create();
        device = LinuxTunDevice.open(
                TestNetns.uniqueName("jmr"), 1, new TunQueueOptions(64, HEADROOM, MTU), TunOffloadMode.ON);
        assertThat(device.offloads())
                .as("this kernel (6.2 or later) takes UDP super-packets")
                .isEqualTo(TunOffloads.TSO_USO);
        ns.adopt(device.name());
        ns.ip("link", "set", "dev", device.name(), "mtu", Integer.toString(MTU), "up");
        ns.ip("-6", "addr", "add", "2001:db8::2/128", "dev", device.name(), "nodad");
        ns.ip("-6", "route", "add", "2001:db8::1/128", "dev", device.name());
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
        receiver = new RecordingReceiver(loop);
        device.queue(0).register(loop, receiver, allocator).sync();
    }

    @AfterEach
    void closeAndCheckNothingLeaks() {
        if (device != null) {
            device.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (ns != null) {
            ns.close();
        }
        if (device != null) {
            assertThat(allocator.metric().usedDirectMemory())
                    .as("direct memory still held")
                    .isZero();
        }
    }

    @Test
    void plainDatagramsUpToExactlyTheBufferArriveWholeInTheBufferTheyWereReadInto() throws Exception {
        send("1:0", "1231:0", "1232:0");

        List<RecordingReceiver.Seen> datagrams = datagrams(3);
        assertThat(datagrams).extracting(d -> d.bytes().length).containsExactly(49, 1279, MTU);
        assertThat(datagrams).allSatisfy(d -> {
            assertThat(d.readerIndex()).isEqualTo(HEADROOM);
            assertThat(d.capacity()).as("the read buffer, not a copy").isEqualTo(HEADROOM + MTU);
            assertThat(Checksum.verifies(d.view(), 0)).as("checksum completed").isTrue();
        });
        assertThat(loop.submit(device.queue(0)::superPacketsRead).get(5, TimeUnit.SECONDS))
                .isZero();
    }

    @Test
    void superPacketsSpillIntoTheOverflowAndAreCutIntoValidDatagrams() throws Exception {
        send("4500:1000", "1233:1232", "60000:1000");

        List<RecordingReceiver.Seen> datagrams = datagrams(5 + 2 + 60);
        assertThat(datagrams)
                .hasSize(67)
                .allMatch(d -> d.bytes().length <= MTU)
                .allMatch(d -> Checksum.verifies(d.view(), 0));
        assertThat(datagrams.subList(5, 7))
                .as("one byte over the buffer")
                .extracting(d -> d.bytes().length)
                .containsExactly(MTU, 49);
        assertThat(payloads(datagrams.subList(0, 5))).isEqualTo(pattern(4500));
        assertThat(payloads(datagrams.subList(5, 7))).isEqualTo(pattern(1233));
        assertThat(payloads(datagrams.subList(7, 67))).isEqualTo(pattern(60000));
        // Read on the loop: it counts a super-packet after handing on its last segment, which the test
        // thread may see first.
        assertThat(loop.submit(device.queue(0)::superPacketsRead).get(5, TimeUnit.SECONDS))
                .isEqualTo(3);
    }

    /** The device's MTU raised behind the relay's back: the packets above tun.mtu are carried whole. */
    @Test
    void plainPacketsAboveTheConfiguredMtuAreCarriedWhole() throws Exception {
        ns.ip("link", "set", "dev", device.name(), "mtu", "1500");
        send("1233:0", "1452:0", "10:0");

        List<RecordingReceiver.Seen> datagrams = datagrams(3);
        assertThat(datagrams).extracting(d -> d.bytes().length).containsExactly(1281, 1500, 58);
        assertThat(datagrams).allMatch(d -> Checksum.verifies(d.view(), 0));
        assertThat(payloads(datagrams.subList(0, 1))).isEqualTo(pattern(1233));
        assertThat(payloads(datagrams.subList(1, 2))).isEqualTo(pattern(1452));
        assertThat(receiver.oversized()).isZero();
    }

    // Datagrams from [2001:db8::2]:4000 to [2001:db8::1]:UDP_PORT, one per "payload:segment" argument
    // (segment 0: a plain datagram; otherwise UDP_SEGMENT, one super-packet), payloads from pattern().
    private void send(String... specs) {
        List<String> command = new ArrayList<>(List.of("python3", "-c", """
                import socket, sys
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.bind(("2001:db8::2", 4000))
                for spec in sys.argv[1:]:
                    size, segment = map(int, spec.split(":"))
                    s.setsockopt(socket.SOL_UDP, 103, segment)  # UDP_SEGMENT (Linux 4.18)
                    s.sendto(bytes(i %% 251 for i in range(size)), ("2001:db8::1", %d))
                """.formatted(UDP_PORT)));
        command.addAll(List.of(specs));
        TestNetns.Result sent = ns.exec(command.toArray(String[]::new));
        assertThat(sent.ok()).as("sender: %s", sent.output()).isTrue();
    }

    private List<RecordingReceiver.Seen> datagrams(int count) throws InterruptedException {
        return RecordingReceiver.collect(receiver.seen(), OffloadedTunReadTest::toOurPort, count, 10_000);
    }

    private static boolean toOurPort(ByteBuf p) {
        return Ipv6.nextHeader(p, 0) == 17 && p.getUnsignedShort(Ipv6.HEADER_LENGTH + 2) == UDP_PORT;
    }

    private static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    private static byte[] payloads(List<RecordingReceiver.Seen> datagrams) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        datagrams.forEach(d -> all.write(d.bytes(), 48, d.bytes().length - 48));
        return all.toByteArray();
    }
}
