package org.jmiredo.peer;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import javax.management.ObjectName;

/**
 * queues16: what a queued packet really costs against what it is charged, through the relay's own PeerTable
 * (its PendingQueues, the deque per peer) and copies from Netty's adaptive allocator as the relay makes them.
 * PEERS peers, PACKETS packets of SIZE bytes each (all accepted: the budget is set large enough); the live heap
 * (the class histogram's total, before and after the copies) and the allocator's direct memory, per packet and
 * against the charge the table records. Run on the classpath of relay-pipeline's classes and Netty (see queue_cost.sh).
 *   java -cp ... org.jmiredo.peer.QueueCost PEERS PACKETS SIZE
 */
public final class QueueCost {
    public static void main(String[] a) throws Exception {
        int peers = Integer.parseInt(a[0]), per = Integer.parseInt(a[1]), size = Integer.parseInt(a[2]);
        AdaptiveByteBufAllocator alloc = new AdaptiveByteBufAllocator();
        // main's tree (no PeerTable.queuedBytes) charged each packet its length, at least 128 bytes.
        boolean old = Arrays.stream(PeerTable.class.getMethods()).noneMatch(m -> m.getName().equals("queuedBytes"));
        PeerTable table = new PeerTable(new PeerTableSettings(2 * peers, 256, 60, 1 << 20, peers));
        for (int p = 0; p < peers; p++) {
            PeerTable.Segment s = table.segment(hi(p), p);
            s.lock();
            s.insert(hi(p), p, 1);
            s.unlock();
        }
        ByteBuf source = alloc.directBuffer(size, size).writeZero(size);
        source.setByte(0, 0x60);
        long heap0 = heapAfterGc();
        long direct0 = alloc.metric().usedDirectMemory();
        for (int i = 0; i < per; i++) {
            for (int p = 0; p < peers; p++) {
                PeerTable.Segment s = table.segment(hi(p), p);
                s.lock();
                // As each tree's relay allocates its copies: main with a max capacity of the length, this branch
                // without (QueueCharge.allocate), which changes nothing of the slot, only that it shows.
                ByteBuf copy = (old ? alloc.directBuffer(size, size) : alloc.directBuffer(size)).writeBytes(source, 0, size);
                if (!s.enqueue(s.find(hi(p), p), copy)) {
                    throw new IllegalStateException("refused");
                }
                s.unlock();
            }
        }
        long heap1 = heapAfterGc();
        long direct1 = alloc.metric().usedDirectMemory();
        long packets = (long) peers * per;
        long charged = old ? packets * Math.max(size, 128) : (long) PeerTable.class.getMethod("queuedBytes").invoke(table);
        double real = (heap1 - heap0) + (direct1 - direct0);
        System.out.printf("%s %s, %d peers x %d packets of %d bytes: heap %.1f B/packet, direct %.1f B/packet;"
                        + " real %.1f MB, charged %.1f MB (%.1f B/packet), real/charged %.3f%n",
                old ? "old" : "new", gc(), peers, per, size, (heap1 - heap0) / (double) packets, (direct1 - direct0) / (double) packets,
                real / 1e6, charged / 1e6, charged / (double) packets, real / charged);
        table.close();
    }

    private static long hi(int p) {
        return 0x2001_0000_0000_0000L | (p & 0xFFFF_FFFFL) << 8 | 1;
    }

    /** Live heap bytes: the total of the class histogram (the JVM's GC.class_histogram, which collects first). */
    private static long heapAfterGc() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        long total = -1;
        if (System.getProperty("histogram") != null) {
            System.out.println(histogram.lines().limit(14).collect(java.util.stream.Collectors.joining("\n")));
        }
        for (String line : histogram.split("\n")) {
            if (line.startsWith("Total")) {
                total = Long.parseLong(line.trim().split("\\s+")[2]);
            }
        }
        return total;
    }

    private static String gc() {
        return ManagementFactory.getGarbageCollectorMXBeans().get(0).getName();
    }
}
