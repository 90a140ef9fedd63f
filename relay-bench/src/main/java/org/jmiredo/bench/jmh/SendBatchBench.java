package org.jmiredo.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import org.jmiredo.server.sys.DatagramBatch;
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
 * The Java of the relay's UDP send batch per datagram ({@code sys.DatagramBatch}, what MmsgUdpSender fills
 * for one sendmmsg(2)), without the system call: a tunnel read burst of {@value #BURST} 80-byte datagrams
 * added, then the batch cleared, as a flush does. {@code destinations} share the burst round robin: 1 is one
 * bulk peer (one UDP GSO run per burst), {@value #BURST} the many-peer case where no run forms and the GSO
 * grouping only costs its check. The daemon's classes are not in this module's jar: run it with a relay
 * jar first on the class path, so that old and new jars can be compared with the same benchmark
 * ({@code JAR_A=old.jar:relay-bench.jar}, bench/jmh-ab.sh). Builds whose batch has no GSO grouping (before
 * the eighth iteration) are run as they are: the benchmark turns segmenting on only where the method exists.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SendBatchBench {
    /** The tunnel's read budget per wake-up (tun.read-budget): the datagrams one flush sends at most. */
    static final int BURST = 64;

    private static final int SLOT = 2048;
    private static final int SIZE = 80 + 8; // a Teredo datagram of an 80-byte IPv6 packet: UDP header included

    @Param({"1", "64"})
    int destinations;

    /** Whether runs may be grouped, as transport.udp-gso = auto (true) or off (false). */
    @Param({"true"})
    boolean segmenting;

    private DatagramBatch batch;
    private ByteBuf buffer;
    private long base;
    private final int[] ipv4s = new int[BURST];
    private final int[] ports = new int[BURST];

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        batch = new DatagramBatch(128); // MmsgUdpSender.BATCH
        try {
            MethodHandles.publicLookup()
                    .findVirtual(DatagramBatch.class, "segmenting", MethodType.methodType(void.class, boolean.class))
                    .invoke(batch, segmenting);
        } catch (NoSuchMethodException before) {
            // a build without GSO grouping: every datagram is a message of its own, as with segmenting off
        }
        buffer = ByteBufAllocator.DEFAULT.directBuffer(SLOT * BURST);
        base = buffer.memoryAddress();
        for (int i = 0; i < BURST; i++) {
            int d = i % destinations;
            ipv4s[i] = 0xC6_33_64_00 + 16 + d; // 198.51.100.16 + d
            ports[i] = 40_000 + d;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        buffer.release();
    }

    /** One burst added to the batch, then cleared; returns the batch's size so that the adds stay live. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int burst() {
        DatagramBatch b = batch;
        for (int i = 0; i < BURST; i++) {
            b.add(base + (long) i * SLOT, SIZE, ipv4s[i], ports[i]);
        }
        int n = b.size();
        b.clear();
        return n;
    }
}
