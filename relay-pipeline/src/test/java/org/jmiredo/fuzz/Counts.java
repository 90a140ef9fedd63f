package org.jmiredo.fuzz;

import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;

/**
 * A loop's counters as one array (every {@link Counter}, then every {@link DropReason}), so that a
 * scenario can take what one step changed and check it accounts for the step's input exactly once.
 */
final class Counts {
    private Counts() {}

    static long[] snapshot(DataPathCounters counters) {
        Counter[] cs = Counter.values();
        DropReason[] rs = DropReason.values();
        long[] v = new long[cs.length + rs.length];
        for (Counter counter : cs) {
            v[counter.ordinal()] = counters.get(counter);
        }
        for (DropReason reason : rs) {
            v[cs.length + reason.ordinal()] = counters.dropped(reason);
        }
        return v;
    }

    /** What changed since {@code before}. */
    static long[] delta(DataPathCounters counters, long[] before) {
        long[] after = snapshot(counters);
        for (int i = 0; i < after.length; i++) {
            after[i] -= before[i];
        }
        return after;
    }

    static int c(Counter counter) {
        return counter.ordinal();
    }

    static int r(DropReason reason) {
        return Counter.values().length + reason.ordinal();
    }

    /** Every drop, whatever the reason. */
    static long drops(long[] d) {
        long sum = 0;
        for (DropReason reason : DropReason.values()) {
            sum += d[r(reason)];
        }
        return sum;
    }

    static long drops(long[] d, Iterable<DropReason> reasons) {
        long sum = 0;
        for (DropReason reason : reasons) {
            sum += d[r(reason)];
        }
        return sum;
    }

    /** The counts and drops that moved, by name: what a failed check shows. */
    static String moved(long[] d) {
        StringBuilder out = new StringBuilder();
        for (Counter counter : Counter.values()) {
            if (d[c(counter)] != 0) {
                out.append(' ').append(counter).append('=').append(d[c(counter)]);
            }
        }
        for (DropReason reason : DropReason.values()) {
            if (d[r(reason)] != 0) {
                out.append(" drop:").append(reason).append('=').append(d[r(reason)]);
            }
        }
        return out.toString();
    }
}
