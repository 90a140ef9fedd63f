package org.jmiredo.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.jmiredo.proto.Checksum;
import org.jmiredo.tun.offload.GroCoalescer;
import org.jmiredo.tun.offload.GroOutput;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-packet cost of coalescing the packets of one read burst (64, the default UDP batch per wake-up)
 * before they go into the tunnel, without the write(2) itself: {@code coalesce} holds, merges and flushes
 * them (super-packets built in pooled buffers); {@code direct} hands each to the output as the data path
 * does without offloads. {@code flows} TCP connections share the burst round-robin: 1 is one bulk download,
 * 64 is the many-peer case where no two packets of a burst can merge. Run with {@code -prof gc}, and with
 * {@code -Dio.netty.allocator.useCachedMagazinesForNonEventLoopThreads=true} so that the default (adaptive)
 * allocator serves the benchmark thread from a thread-local cache as it serves an event loop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class GroCoalescerBench {
    static final int BURST = 64;

    @Param({"1", "8", "64"})
    int flows;

    /** TCP payload bytes: 20 gives the 80-byte packets of BENCHMARKS.md §5, 1200 a full-size segment. */
    @Param({"20", "1200"})
    int payload;

    final ByteBuf[] burst = new ByteBuf[BURST];
    final Sink sink = new Sink();
    GroCoalescer coalescer;

    /** Releases what it is given, as the tunnel output does after its write; counts the writes. */
    static final class Sink implements GroOutput {
        long writes;

        @Override
        public void single(ByteBuf packet) {
            writes++;
            packet.release();
        }

        @Override
        public void segmented(ByteBuf superPacket, int protocol, int segmentSize, int segments, int originalBytes) {
            writes++;
            superPacket.release();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        coalescer = new GroCoalescer(ByteBufAllocator.DEFAULT, sink, true);
        int[] seq = new int[flows];
        for (int i = 0; i < BURST; i++) {
            int flow = i % flows;
            burst[i] = segment(flow, seq[flow]);
            seq[flow] += payload;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (ByteBuf b : burst) {
            b.release();
        }
    }

    /** One burst through the coalescer: every packet held, merged where it can, then written. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long coalesce() {
        for (ByteBuf b : burst) {
            coalescer.add(b.retain()); // the same buffers every burst: the coalescer's release undoes the retain
        }
        coalescer.flush();
        return sink.writes;
    }

    /** The baseline: each packet straight to the output. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long direct() {
        for (ByteBuf b : burst) {
            sink.single(b.retain());
        }
        return sink.writes;
    }

    /** A TCP/IPv6 ACK segment of connection {@code flow} with a valid checksum. */
    private ByteBuf segment(int flow, int seq) {
        int l4 = 20 + payload;
        ByteBuf p = ByteBufAllocator.DEFAULT.directBuffer(40 + l4);
        p.writeInt(0x6000_0000).writeShort(l4).writeByte(6).writeByte(64);
        p.writeLong(0x2001_0000_0a0b_0c0dL).writeLong(0x8000_1234_5678_0000L | flow); // a Teredo client
        p.writeLong(0x2001_0db8_0006_0000L).writeLong(0x20L);
        p.writeShort(40000 + flow).writeShort(443).writeInt(seq).writeInt(1);
        p.writeByte(5 << 4).writeByte(0x10).writeShort(512).writeShort(0).writeShort(0);
        for (int i = 0; i < payload; i++) {
            p.writeByte(i * 7 + flow);
        }
        p.setShort(40 + 16, Checksum.upperLayer(p, 0));
        return p;
    }
}
