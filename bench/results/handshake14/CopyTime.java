// handshake14: the queued packet's copy alone, old way (read out of the tunnel slot's slice) against new
// (Transmission.exactCopy: written from the slice's parent), alternating in one JVM, ns per copy and heap bytes
// per copy; run by run.sh (step copytime) with and without Netty's use of sun.misc.Unsafe:
//   java -cp <relay-bench jar>:<this branch's relay-pipeline classes>:CLASSES CopyTime
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;

public class CopyTime {
    public static void main(String[] a) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Method exact = Class.forName("org.jmiredo.engine.Transmission").getDeclaredMethod("exactCopy", ByteBuf.class,
                ByteBufAllocator.class);
        exact.setAccessible(true);
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        System.out.println("unsafe=" + io.netty.util.internal.PlatformDependent.hasUnsafe());
        ByteBuf slots = alloc.directBuffer(64 * 1344 + 65_535);
        for (int size : new int[] {80, 1280}) {
            ByteBuf view = slots.slice(9 * 1344, 1344).setIndex(64, 64 + size);
            for (int round = 0; round < 8; round++) {
                for (int mode = 0; mode < 2; mode++) {
                    int n = 400_000;
                    long sum = 0;
                    long b0 = mx.getCurrentThreadAllocatedBytes();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        ByteBuf copy;
                        if (mode == 0) {
                            int length = view.readableBytes();
                            copy = alloc.directBuffer(length, length);
                            view.getBytes(view.readerIndex(), copy, 0, length);
                            copy.writerIndex(length);
                        } else {
                            copy = exactCopy(exact, view, alloc);
                        }
                        sum += copy.getByte(size - 1);
                        copy.release();
                    }
                    long t1 = System.nanoTime();
                    if (round >= 3) {
                        System.out.printf("size %d round %d %s: %.1f ns/copy, %.1f B/copy (%d)%n", size, round,
                                mode == 0 ? "old" : "new", (t1 - t0) / (double) n,
                                (mx.getCurrentThreadAllocatedBytes() - b0) / (double) n, sum & 1);
                    }
                }
            }
        }
        slots.release();
    }

    private static ByteBuf exactCopy(Method exact, ByteBuf view, ByteBufAllocator alloc) {
        try {
            return (ByteBuf) exact.invoke(null, view, alloc);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
