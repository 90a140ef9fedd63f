package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.Privileges;
import org.jmiredo.tun.TunReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offloads against the real kernel. Two namespaces, A and B, each with a TUN device, bridged by this test
 * on one event loop: what A's device (opened with offloads) reads is written into B's (plain), and back.
 * A TCP transfer from A to B then makes A's kernel hand over GSO super-packets, which must come out as
 * valid, contiguous MTU-sized packets that B's kernel accepts byte for byte.
 */
class TunOffloadKernelTest {
    private static final int MTU = 1280;
    private static final String ADDRESS_A = "2001:db8::1";
    private static final String ADDRESS_B = "2001:db8::2";

    @TempDir
    Path dir;

    private TestNetns a;
    private TestNetns b;
    private LinuxTunDevice tunA;
    private LinuxTunDevice tunB;
    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;
    private final Bridge aToB = new Bridge(true);
    private final Bridge bToA = new Bridge(false);

    @BeforeEach
    void twoNamespacesBridgedByThisTest() throws Exception {
        Privileges.assumeNetAdmin();
        a = TestNetns.create();
        b = TestNetns.create();
        tunA = LinuxTunDevice.open(TestNetns.uniqueName("jmo"), 1, new TunQueueOptions(64, 8, MTU), TunOffloadMode.ON);
        tunB = LinuxTunDevice.open(TestNetns.uniqueName("jmo"), 1, new TunQueueOptions(64, 8, MTU), TunOffloadMode.OFF);
        configure(a, tunA.name(), ADDRESS_A, ADDRESS_B);
        configure(b, tunB.name(), ADDRESS_B, ADDRESS_A);
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
        aToB.to = tunB.queue(0);
        bToA.to = tunA.queue(0);
        tunA.queue(0).register(loop, aToB, ByteBufAllocator.DEFAULT).sync();
        tunB.queue(0).register(loop, bToA, ByteBufAllocator.DEFAULT).sync();
    }

    private static void configure(TestNetns ns, String device, String local, String peer) {
        ns.adopt(device);
        ns.ip("link", "set", "dev", device, "mtu", Integer.toString(MTU), "up");
        ns.ip("-6", "addr", "add", local + "/128", "dev", device, "nodad");
        ns.ip("-6", "route", "add", peer + "/128", "dev", device);
    }

    @AfterEach
    void cleanUp() {
        for (LinuxTunDevice tun : new LinuxTunDevice[] {tunA, tunB}) {
            if (tun != null) {
                tun.close();
            }
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        for (TestNetns ns : new TestNetns[] {a, b}) {
            if (ns != null) {
                ns.close();
            }
        }
    }

    @Test
    void aTcpTransferIsReadAsSuperPacketsAndArrivesWholeAsValidSegments() throws Exception {
        transferAndCheck(a, ADDRESS_A);
    }

    /**
     * As a relay sees it: the sender is another host, one veth away, and A forwards its TCP segments into
     * the tunnel. The sender's TSO super-packets cross the veth whole, so A's device still hands over
     * super-packets (a NIC's GRO does the same for traffic from the Internet).
     */
    @Test
    void aForwardedTcpTransferIsReadAsSuperPacketsToo() throws Exception {
        try (TestNetns c = TestNetns.create()) {
            String veth = TestNetns.uniqueName("jmv");
            a.ip("link", "add", veth, "type", "veth", "peer", "name", veth + "p", "netns", c.name());
            a.ip("link", "set", "dev", veth, "up");
            c.ip("link", "set", "dev", veth + "p", "up");
            a.ip("-6", "addr", "add", "2001:db8:c::1/64", "dev", veth, "nodad");
            c.ip("-6", "addr", "add", "2001:db8:c::2/64", "dev", veth + "p", "nodad");
            c.ip("-6", "route", "add", ADDRESS_B + "/128", "via", "2001:db8:c::1");
            b.ip("-6", "route", "add", "2001:db8:c::/64", "dev", tunB.name());
            a.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
            transferAndCheck(c, "2001:db8:c::2");
        }
    }

    private void transferAndCheck(TestNetns sender, String senderAddress) throws Exception {
        assertThat(tunA.offloads()).isNotEqualTo(TunOffloads.NONE);
        byte[] data = new byte[4 << 20];
        new Random(5).nextBytes(data);
        Path in = Files.write(dir.resolve("in"), data);
        Path out = dir.resolve("out");
        Process receiver = new ProcessBuilder(
                        "ip", "netns", "exec", b.name(), "socat", "-u", "TCP6-LISTEN:5001,reuseaddr", "CREATE:" + out)
                .redirectErrorStream(true)
                .start();
        try {
            TestNetns.Result sent = sender.exec(
                    "socat",
                    "-u",
                    "-T",
                    "20",
                    "FILE:" + in,
                    "TCP6:[" + ADDRESS_B + "]:5001,bind=[" + senderAddress + "],retry=50,interval=0.1");
            assertThat(sent.ok()).as("sender: %s", sent.output()).isTrue();
            assertThat(receiver.waitFor(20, TimeUnit.SECONDS))
                    .as("the receiver got the end of the stream")
                    .isTrue();
        } finally {
            receiver.destroyForcibly();
        }
        assertThat(Files.readAllBytes(out)).as("the bytes B received").isEqualTo(data);
        assertThat(tunA.queue(0).superPacketsRead())
                .as("reads of GSO super-packets, longer than the MTU")
                .isPositive();
        assertThat(aToB.packets.get()).isGreaterThan(data.length / MTU);
        assertThat(aToB.longerThanMtu.get()).isZero();
        assertThat(aToB.badChecksums.get()).isZero();
        assertThat(aToB.sequenceGaps.get())
                .as("segments skipping sequence numbers")
                .isZero();
    }

    @Test
    void aUdpSuperPacketWrittenSegmentedArrivesAsDatagrams() throws Exception {
        Process receiver = new ProcessBuilder(
                        "ip", "netns", "exec", a.name(), "python3", "-c", """
                import socket, sys
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.bind(("%s", 5002)); s.settimeout(20)
                print("ready", flush=True)
                for _ in range(5):
                    d = s.recv(65535); print(len(d), d.hex(), flush=True)
                """.formatted(ADDRESS_A))
                .redirectErrorStream(true)
                .start();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.US_ASCII))) {
            assertThat(lines.readLine()).isEqualTo("ready");
            byte[] payload = new byte[4 * 1000 + 500];
            new Random(7).nextBytes(payload);
            ByteBuf superPacket = udpSuperPacket(payload);
            try {
                assertThat(loop.submit(() -> tunA.queue(0).writeSegmented(superPacket, 17, 1000))
                                .get(5, TimeUnit.SECONDS))
                        .isTrue();
            } finally {
                superPacket.release();
            }
            StringBuilder hex = new StringBuilder();
            for (int expected : List.of(1000, 1000, 1000, 1000, 500)) {
                String[] line = String.valueOf(lines.readLine()).split(" ");
                assertThat(line[0])
                        .as("datagram length (receiver said %s)", String.join(" ", line))
                        .isEqualTo(Integer.toString(expected));
                hex.append(line[1]);
            }
            assertThat(hex.toString()).isEqualTo(java.util.HexFormat.of().formatHex(payload));
        } finally {
            receiver.destroyForcibly();
        }
    }

    // B -> A, UDP 4000 -> 5002, the checksum field holding the pseudo-header sum (TunQueue's contract).
    private static ByteBuf udpSuperPacket(byte[] payload) throws Exception {
        int l4Length = 8 + payload.length;
        ByteBuf p = ByteBufAllocator.DEFAULT.directBuffer(40 + l4Length);
        p.writeInt(Ipv6.VERSION_6_WORD).writeShort(l4Length).writeByte(17).writeByte(64);
        p.writeBytes(java.net.InetAddress.getByName(ADDRESS_B).getAddress());
        p.writeBytes(java.net.InetAddress.getByName(ADDRESS_A).getAddress());
        p.writeShort(4000).writeShort(5002).writeShort(l4Length).writeShort(0).writeBytes(payload);
        p.setShort(46, ~Checksum.fold(Checksum.pseudoHeaderSum(p, 0, 17, l4Length)) & 0xFFFF);
        return p;
    }

    /** Forwards what one device reads into the other, checking the TCP segments on the way. */
    private static final class Bridge implements TunReceiver {
        private final boolean check;
        volatile TunQueueHandle to;
        final AtomicLong packets = new AtomicLong();
        final AtomicLong longerThanMtu = new AtomicLong();
        final AtomicLong badChecksums = new AtomicLong();
        final AtomicLong sequenceGaps = new AtomicLong();
        private long nextSeq = -1;

        Bridge(boolean check) {
            this.check = check;
        }

        @Override
        public void packetRead(ByteBuf packet) {
            try {
                if (check && Ipv6.nextHeader(packet, packet.readerIndex()) == 6) {
                    checkTcp(packet, packet.readerIndex());
                }
                to.write(packet);
            } finally {
                packet.release();
            }
        }

        private void checkTcp(ByteBuf packet, int at) {
            packets.incrementAndGet();
            if (packet.readableBytes() > MTU) {
                longerThanMtu.incrementAndGet();
            }
            if (!Checksum.verifies(packet, at)) {
                badChecksums.incrementAndGet();
            }
            long seq = packet.getUnsignedInt(at + 44);
            int data = packet.readableBytes() - 40 - (packet.getUnsignedByte(at + 52) >>> 4) * 4;
            if (data > 0) {
                // Ahead of what came before means bytes skipped (retransmissions, behind, are allowed).
                if (nextSeq >= 0 && ((seq - nextSeq) & 0xFFFF_FFFFL) < (1L << 31) && seq != nextSeq) {
                    sequenceGaps.incrementAndGet();
                }
                long end = (seq + data) & 0xFFFF_FFFFL;
                if (nextSeq < 0 || ((end - nextSeq) & 0xFFFF_FFFFL) < (1L << 31)) {
                    nextSeq = end;
                }
            }
        }

        @Override
        public void readComplete() {}
    }
}
