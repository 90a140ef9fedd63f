package org.jmiredo.bench.jmh;

import java.util.SplittableRandom;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;

/**
 * Deterministic Teredo addresses for benchmark peer {@code i}: one server (198.51.100.1), mapped ports
 * 1024..65023 and consecutive mapped IPv4 addresses from 203.0.113.0 (documentation ranges, LAB.md).
 * Keys only: nothing is ever sent to these addresses by the micro-benchmarks.
 */
final class PeerKeys {
    static final int SERVER = Ipv4.of(198, 51, 100, 1);
    static final int FIRST_MAPPED = Ipv4.of(203, 0, 113, 0);
    static final int PORTS = 64_000;
    static final long HI = TeredoAddress.hi(Teredo.PREFIX, SERVER);
    /** Odd and coprime with the peer counts used: walks every peer in a cache-hostile order. */
    static final int STRIDE = 1_000_003;

    private PeerKeys() {}

    static int mappedIpv4(int i) {
        return FIRST_MAPPED + i / PORTS;
    }

    static int mappedPort(int i) {
        return 1024 + i % PORTS;
    }

    static long lo(int i) {
        return TeredoAddress.lo(0, mappedPort(i), mappedIpv4(i));
    }

    /** Inserts peers 0..n-1 as trusted at their embedded mapping, as the bubble handshake leaves them. */
    static void fillTrusted(PeerTable table, int n, int now) {
        for (int i = 0; i < n; i++) {
            long lo = lo(i);
            long h = table.hash(HI, lo);
            PeerTable.Segment s = table.segmentFor(h);
            s.lock();
            try {
                int slot = s.find(HI, lo, h);
                if (slot < 0) {
                    slot = s.insert(HI, lo, h, now);
                }
                s.setTrusted(slot, true);
                s.setMapping(slot, mappedIpv4(i), mappedPort(i), 0);
                s.setLastRx(slot, now);
            } finally {
                s.unlock();
            }
        }
    }

    /** {@code count} low key words of peers drawn uniformly from 0..n-1 (a fixed seed: same keys every run). */
    static long[] randomLo(int n, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] lo = new long[count];
        for (int k = 0; k < count; k++) {
            lo[k] = lo(random.nextInt(n));
        }
        return lo;
    }

    /** The next index of a stride walk over {@code n} peers. */
    static int next(int i, int n) {
        int j = i + STRIDE;
        return j >= n ? j % n : j;
    }
}
