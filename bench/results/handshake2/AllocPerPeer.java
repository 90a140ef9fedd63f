// Heap bytes allocated per new peer by the relay's handshake rules (no I/O), as the event loop runs them: the
// channel's allocator (Netty's default, adaptive), the tunnel packet a view (slice) of a larger direct buffer as
// the tunnel's read slots hand it over, then the peer's reply bubble. Counted with the thread's allocation
// counter over N handshakes, per round (a fresh table each round). Run by run.sh (step alloc) against each jar:
//   java -cp relay-bench.jar:CLASSES AllocPerPeer 500000
import io.netty.buffer.*;
import org.jmiredo.engine.*;
import org.jmiredo.metrics.*;
import org.jmiredo.peer.*;
import org.jmiredo.proto.*;
import java.lang.management.ManagementFactory;
public class AllocPerPeer {
    static final long HI = 0x2001_0000_c633_6401L;
    public static void main(String[] a) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        int n = Integer.parseInt(a[0]);
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        System.out.println(alloc + " unsafe=" + io.netty.util.internal.PlatformDependent.hasUnsafe());
        ByteBuf slab = alloc.directBuffer(64 * 2048);
        ByteBuf view = slab.slice(0, 2048);
        ByteBuf reply = alloc.directBuffer(Bubble.LENGTH, Bubble.LENGTH);
        TeredoHeaders headers = new TeredoHeaders();
        RelayOutput out = new RelayOutput() {
            public void toTun(ByteBuf p) { p.release(); }
            public boolean toUdp(ByteBuf p, int ip, int port, int local) { p.release(); return true; }
        };
        for (int round = 0; round < 5; round++) {
            Clock clock = () -> 1000;
            DataPathCounters counters = new DataPathCounters();
            PeerTable table = new PeerTable(new PeerTableSettings(4194304, 256, 60, 1280 * 4, 65_536));
            BubbleSource source = BubbleSource.random();
            Bubbles bubbles = new Bubbles(source, alloc, counters);
            Reception reception = new Reception(RelaySettings.defaults(), table, bubbles, clock, counters);
            Transmission tx = new Transmission(RelaySettings.defaults(), table, bubbles, new IcmpErrors(10, alloc, counters), clock, counters, alloc);
            long before = mx.getThreadAllocatedBytes(tid);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long lo = 0x8000_0000_0000_0000L | ((long) (~(1000 + (i & 0x7fff)) & 0xFFFF) << 32) | (~(0xCB007100 + (i >>> 15)) & 0xFFFFFFFFL);
                slab.retain();
                view.setIndex(0, 0);
                Ipv6.writeHeader(view, 0, 80 - Ipv6.HEADER_LENGTH, 17, 64, 0x2001_0db8_0006_0000L, 0x20L, HI, lo);
                view.writerIndex(80);
                tx.fromTunnel(view, out);
                reply.clear();
                Bubble.write(reply, HI, lo, BubbleSource.LINK_LOCAL_HI, source.interfaceId(HI, lo));
                headers.parse(reply);
                int ip = TeredoAddress.mappedIpv4(lo), port = TeredoAddress.mappedPort(lo);
                DropReason r = reception.bubble(reply, headers, ip, port, 0, out, -1);
                if (r != null) throw new AssertionError(r);
            }
            long t1 = System.nanoTime();
            long after = mx.getThreadAllocatedBytes(tid);
            System.out.printf("round %d: %.1f B/peer, %.0f ns/peer, trusted %d%n", round, (after - before) / (double) n, (t1 - t0) / (double) n, counters.get(Counter.PEERS_TRUSTED));
            table.close();
        }
    }
}
