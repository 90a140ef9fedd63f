package org.jmiredo.bench.gen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Busy and interrupt clock ticks of the whole machine and of each CPU, from the {@code cpu} lines of /proc/stat
 * (proc(5)). The relay's own CPU time misses work the kernel does for it in softirq (accounted to no process
 * with CONFIG_IRQ_TIME_ACCOUNTING) and work moved to other CPUs (receive packet steering): this counts both.
 * Busy = every column but idle and iowait; guest time is already inside user.
 *
 * @param busy row 0 the machine ("cpu"), then one row per CPU ("cpu0", "cpu1", ...)
 * @param interrupt the irq and softirq columns together, same rows
 */
record MachineCpu(long[] busy, long[] interrupt) {
    private static final int IDLE = 3;
    private static final int IOWAIT = 4;
    private static final int IRQ = 5;
    private static final int SOFTIRQ = 6;
    private static final int STEAL = 7;

    static MachineCpu read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/stat")));
        } catch (IOException | RuntimeException e) {
            return new MachineCpu(new long[0], new long[0]);
        }
    }

    static MachineCpu parse(List<String> lines) {
        List<long[]> rows = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("cpu")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            long[] v = new long[f.length - 1];
            for (int i = 0; i < v.length; i++) {
                v[i] = Long.parseLong(f[i + 1]);
            }
            rows.add(v);
        }
        long[] busy = new long[rows.size()];
        long[] interrupt = new long[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            long[] v = rows.get(r);
            for (int i = 0; i <= STEAL && i < v.length; i++) {
                busy[r] += i == IDLE || i == IOWAIT ? 0 : v[i];
            }
            interrupt[r] = v.length > SOFTIRQ ? v[IRQ] + v[SOFTIRQ] : 0;
        }
        return new MachineCpu(busy, interrupt);
    }

    /** Seconds between two readings, row by row (empty when either reading failed). */
    static double[] seconds(long[] before, long[] after) {
        int n = before.length == after.length ? after.length : 0;
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = (after[i] - before[i]) / CpuTime.TICKS_PER_SECOND;
        }
        return s;
    }
}
