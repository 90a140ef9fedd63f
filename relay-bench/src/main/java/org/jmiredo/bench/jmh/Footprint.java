package org.jmiredo.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import org.jmiredo.peer.PeerTable;

/**
 * Bytes per peer of a peer table holding N peers in a table sized for N (issue 5 target: 10 M peers in
 * at most 48 bytes each, all included): the live-heap growth after a full GC, next to the table's own
 * {@link PeerTable#memoryBytes()} estimate. Run with a heap large enough for the largest N.
 */
public final class Footprint {
    private Footprint() {}

    public static void main(String[] args) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (String arg : args.length == 0 ? new String[] {"1000000", "10000000"} : args) {
            int n = Integer.parseInt(arg);
            long before = used(memory);
            PeerTable table = PeerTableBench.newTable(n);
            long t0 = System.nanoTime();
            PeerKeys.fillTrusted(table, n, PeerTableBench.NOW);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long after = used(memory);
            int size = table.size();
            System.out.printf(Locale.ROOT,
                    "peers=%d present=%d heap=%.1f B/peer estimate=%.1f B/peer fill=%.2fs (%.0f inserts/s)%n",
                    n, size, (after - before) / (double) size, table.memoryBytes() / (double) size, seconds, n / seconds);
            table.close();
            table = null;
        }
    }

    private static long used(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
