package org.jmiredo.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.jmiredo.proto.Checksum;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.tun.TunReceiver;
import org.jmiredo.tun.offload.VirtioNetHeader;
import org.jmiredo.tun.offload.VirtioReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What tun.offload costs in Java per TUN read (BENCHMARKS.md "TUN offloads"): cutting a 64-KiB TCP
 * super-packet into 1280-byte packets (copy, headers, full checksum, a pooled buffer each), and the copy of
 * a plain 1280-byte packet out of the read buffer. Divide the first by its 54 segments for the cost that
 * replaces one read(2) per packet.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class VirtioReadBench {
    private static final int MSS = 1208; // 1280 - 40 (IPv6) - 32 (TCP with timestamps)
    private static final int SEGMENTS = 54;

    private final Sink sink = new Sink();
    private VirtioReader reader;
    private ByteBuf superPacket;
    private ByteBuf plain;

    /** Releases what it is handed, as the relay's UDP write does once sent. */
    static final class Sink implements TunReceiver {
        long bytes;

        @Override
        public void packetRead(ByteBuf packet) {
            bytes += packet.readableBytes();
            packet.release();
        }

        @Override
        public void readComplete() {}
    }

    @Setup(Level.Trial)
    public void setUp() {
        reader = new VirtioReader(ByteBufAllocator.DEFAULT, 8, 1280);
        superPacket = read(SEGMENTS * MSS, VirtioNetHeader.GSO_TCPV6, MSS);
        plain = read(1280 - 40 - 32, VirtioNetHeader.GSO_NONE, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        superPacket.release();
        plain.release();
    }

    // A TUN read: virtio header (partial checksum, maybe GSO), IPv6, TCP with 12 bytes of options, payload.
    private static ByteBuf read(int payload, int gsoType, int gsoSize) {
        int l4 = 32 + payload;
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(10 + 40 + l4);
        b.writeZero(10);
        VirtioNetHeader.set(b, 0, VirtioNetHeader.F_NEEDS_CSUM, gsoType, 72, gsoSize, 40, 16);
        b.writeInt(Ipv6.VERSION_6_WORD).writeShort(l4).writeByte(6).writeByte(64);
        b.writeLong(0x2001_0db8_0006_0000L)
                .writeLong(0x20)
                .writeLong(0x2001_0000_5363_0001L)
                .writeLong(0xf227_abcd_ef01L);
        b.writeShort(5201)
                .writeShort(50_000)
                .writeInt(1)
                .writeInt(1)
                .writeByte(8 << 4)
                .writeByte(0x18)
                .writeShort(512)
                .writeShort(0)
                .writeShort(0)
                .writeZero(12);
        for (int i = 0; i < payload; i++) {
            b.writeByte(i);
        }
        b.setShort(10 + 56, ~Checksum.fold(Checksum.pseudoHeaderSum(b, 10, 6, l4)) & 0xFFFF);
        return b;
    }

    /** One 64-KiB read cut into 54 packets. */
    @Benchmark
    public int superPacket() {
        return reader.deliver(superPacket, 0, superPacket.readableBytes(), sink);
    }

    /** One plain 1280-byte read with a partial checksum: copied out and completed. */
    @Benchmark
    public int plainPacket() {
        return reader.deliver(plain, 0, plain.readableBytes(), sink);
    }
}
