// blackbox15: javac -cp relay-pipeline/target/classes:NETTY_BUFFER_JAR:NETTY_COMMON_JAR -d /tmp/qp QueuePass.java; java --enable-native-access=ALL-UNNAMED -cp /tmp/qp:... QueuePass 16384
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;

/** Cost of one pass over 16,384 queued peers in a 1 M-peer table, nothing stale (blackbox15). */
public class QueuePass {
    static java.util.List<long[]> keys = new java.util.ArrayList<>();
    static void touchAll(PeerTable t, int now) {
        for (long[] k : keys) {
            PeerTable.Segment s = t.segment(k[0], k[1]);
            s.lock();
            try { int sl = s.find(k[0], k[1]); if (sl >= 0) s.setBubbles(sl, now, 1); } finally { s.unlock(); }
        }
    }
    public static void main(String[] a) {
        int queued = Integer.parseInt(a[0]);
        PeerTable t = new PeerTable(new PeerTableSettings(1 << 20, 256, 60, 5120, queued));
        java.util.Random r = new java.util.Random(1);
        int now = 1000;
        for (int i = 0; i < 1_000_000; i++) { // a full table, of which `queued` hold queues
            long hi = 0x20010000_00000000L | (r.nextInt() & 0xFFFFFFFFL), lo = r.nextLong();
            PeerTable.Segment s = t.segment(hi, lo);
            s.lock();
            try {
                int slot = s.find(hi, lo);
                if (slot < 0) slot = s.insert(hi, lo, now);
                s.setBubbles(slot, now, 1);
                if (i % (1_000_000 / queued) == 0) {
                    ByteBuf b = Unpooled.directBuffer(48).writeZero(48);
                    if (!s.enqueue(slot, b)) b.release(); else keys.add(new long[] {hi, lo});
                }
            } finally { s.unlock(); }
        }
        System.out.println("queued peers " + t.queuedPeers());
        for (int round = 0; round < 300; round++) {
            now++; touchAll(t, now);
            long t0 = System.nanoTime();
            t.expire(now, 1);
            long t1 = System.nanoTime();
            t.expire(now, 1); // same second: no queue pass
            long t2 = System.nanoTime();
            if (round % 50 == 49) System.out.printf("pass %d: with queue pass %.3f ms, without %.3f ms%n", round, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
        System.out.println("queued peers " + t.queuedPeers());
    }
}
