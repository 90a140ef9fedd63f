import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.AdaptiveByteBufAllocator;
import java.util.ArrayDeque;

/** blackbox15: heap and direct bytes per queued packet copy, as PendingQueues holds them (a deque per peer). */
public class QueueHeap {
    public static void main(String[] a) throws Exception {
        int peers = Integer.parseInt(a[0]), per = Integer.parseInt(a[1]), size = Integer.parseInt(a[2]);
        AdaptiveByteBufAllocator alloc = new AdaptiveByteBufAllocator();
        Runtime rt = Runtime.getRuntime();
        System.gc(); Thread.sleep(300); System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        Object[] keep = new Object[peers * 2];
        for (int p = 0; p < peers; p++) {
            ByteBuf first = alloc.directBuffer(size, size).writeZero(size);
            ArrayDeque<ByteBuf> rest = new ArrayDeque<>(4);
            for (int i = 1; i < per; i++) rest.addLast(alloc.directBuffer(size, size).writeZero(size));
            keep[2 * p] = first; keep[2 * p + 1] = rest;
        }
        System.gc(); Thread.sleep(300); System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        long packets = (long) peers * per;
        long direct = alloc.metric().usedDirectMemory();
        System.out.printf("%d packets of %d bytes: heap %.1f MB, %.0f bytes of heap and %.0f of direct memory per packet%n",
                packets, size, (after - before) / 1e6, (after - before) / (double) packets, direct / (double) packets);
        if (a.length > 3) { new ProcessBuilder(System.getProperty("java.home") + "/bin/jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram").inheritIO().start().waitFor(); }
        System.out.println(keep.length);
    }
}
