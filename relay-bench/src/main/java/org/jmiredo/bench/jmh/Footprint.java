package org.jmiredo.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jmiredo.peer.PeerTable;

/**
 * Bytes per peer of a peer table holding N peers in a table sized for N (issue 5 target: 10 M peers in
 * at most 48 bytes each, all included): the live-heap growth after a full GC plus the growth of the
 * process's resident memory outside it (the slots are off the heap), next to the table's own
 * {@link PeerTable#memoryBytes()} estimate. Run with a heap large enough for the largest N, committed
 * up front (-Xms = -Xmx, -XX:+AlwaysPreTouch) so that the heap's own growth does not count twice.
 */
public final class Footprint {
    private Footprint() {}

    public static void main(String[] args) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (String arg : args.length == 0 ? new String[] {"1000000", "10000000"} : args) {
            int n = Integer.parseInt(arg);
            long before = used(memory);
            long rssBefore = residentBytes();
            PeerTable table = PeerTableBench.newTable(n);
            long t0 = System.nanoTime();
            PeerKeys.fillTrusted(table, n, PeerTableBench.NOW);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long after = used(memory);
            long rss = residentBytes() - rssBefore;
            int size = table.size();
            System.out.printf(
                    Locale.ROOT,
                    "peers=%d present=%d heap=%.1f rss=%.1f B/peer estimate=%.1f B/peer fill=%.2fs (%.0f inserts/s)%n",
                    n,
                    size,
                    (after - before) / (double) size,
                    rss / (double) size,
                    table.memoryBytes() / (double) size,
                    seconds,
                    n / seconds);
            table.close();
            table = null;
        }
    }

    /** VmRSS of this process, in bytes. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static long used(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
