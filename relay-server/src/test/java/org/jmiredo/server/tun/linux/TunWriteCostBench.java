package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Locale;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.Test;

/**
 * The price of the virtio header on a plain write: ns per {@link TunQueueHandle#write} of one packet into
 * a device without offloads (write(2)) and with them (writev(2) of header and packet), alternating, in a
 * namespace where the kernel drops the packets right after the device (no route, forwarding off). Not
 * part of the suite (no *Test name); run alone under the bench lock:
 * {@code flock /tmp/jmiredo-bench.lock ./mvnw -B -o -pl relay-server -am test -Dtest=TunWriteCostBench
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class TunWriteCostBench {
    private static final int WRITES = 1_000_000;
    private static final int ROUNDS = 5;

    @Test
    void plainWriteWithAndWithoutTheVirtioHeader() throws Exception {
        Privileges.assumeNetAdmin();
        try (TestNetns ns = TestNetns.create();
                LinuxTunDevice plain = open(ns, TunOffloadMode.OFF);
                LinuxTunDevice offloaded = open(ns, TunOffloadMode.ON)) {
            StringBuilder report = new StringBuilder();
            for (int size : new int[] {80, 1280}) {
                ByteBuf packet = packet(size);
                // The same packet after 10 zero bytes: what one write(2) of header and packet would cost if
                // the header could go in the packet's headroom.
                ByteBuf withHeader = ByteBufAllocator.DEFAULT
                        .directBuffer(10 + size)
                        .writeZero(10)
                        .writeBytes(packet, 0, size);
                try {
                    for (int round = 1; round <= ROUNDS; round++) {
                        double off = nsPerWrite(plain.queue(0), packet);
                        double on = nsPerWrite(offloaded.queue(0), packet);
                        double oneWrite = nsPerRawWrite(offloaded.queue(0), withHeader);
                        report.append(String.format(
                                Locale.ROOT,
                                "%4d B round %d: off %6.0f ns, auto (writev) %6.0f ns,"
                                        + " auto (one write) %6.0f ns; ratios %.3f, %.3f%n",
                                size,
                                round,
                                off,
                                on,
                                oneWrite,
                                on / off,
                                oneWrite / off));
                    }
                } finally {
                    packet.release();
                    withHeader.release();
                }
            }
            System.out.print("[tun-write-cost]\n" + report);
        }
    }

    private static LinuxTunDevice open(TestNetns ns, TunOffloadMode mode) throws Exception {
        LinuxTunDevice tun = LinuxTunDevice.open(TestNetns.uniqueName("jmw"), 1, TunQueueOptions.DEFAULTS, mode);
        ns.adopt(tun.name());
        ns.ip("link", "set", "dev", tun.name(), "up");
        return tun;
    }

    // Not registered on a loop: the calling thread is the only one that touches the queue.
    private static double nsPerWrite(TunQueueHandle queue, ByteBuf packet) {
        for (int i = 0; i < WRITES / 10; i++) {
            queue.write(packet); // warm-up
        }
        long start = System.nanoTime();
        int written = 0;
        for (int i = 0; i < WRITES; i++) {
            written += queue.write(packet) ? 1 : 0;
        }
        long elapsed = System.nanoTime() - start;
        assertThat(written).isEqualTo(WRITES);
        return (double) elapsed / WRITES;
    }

    private static double nsPerRawWrite(TunQueueHandle queue, ByteBuf headerAndPacket) throws Exception {
        long address = headerAndPacket.memoryAddress();
        int end = headerAndPacket.writerIndex();
        for (int i = 0; i < WRITES / 10; i++) {
            queue.fd().writeAddress(address, 0, end); // warm-up
        }
        long start = System.nanoTime();
        int written = 0;
        for (int i = 0; i < WRITES; i++) {
            written += queue.fd().writeAddress(address, 0, end) == end ? 1 : 0;
        }
        long elapsed = System.nanoTime() - start;
        assertThat(written).isEqualTo(WRITES);
        return (double) elapsed / WRITES;
    }

    // UDP from 2001:db8::2 to 2001:db8::1, which the namespace has no route for: dropped after the device.
    private static ByteBuf packet(int size) {
        ByteBuf p = ByteBufAllocator.DEFAULT.directBuffer(size);
        p.writeInt(Ipv6.VERSION_6_WORD).writeShort(size - 40).writeByte(17).writeByte(64);
        p.writeLong(0x2001_0db8_0000_0000L)
                .writeLong(2)
                .writeLong(0x2001_0db8_0000_0000L)
                .writeLong(1);
        p.writeShort(4000).writeShort(5002).writeShort(size - 40).writeShort(0);
        p.writeZero(size - 48);
        return p;
    }
}
