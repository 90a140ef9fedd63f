package org.jmiredo.bench.gen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * User plus system CPU time of processes, from /proc/PID/stat fields 14 and 15 (proc(5)), in clock
 * ticks of USER_HZ (100 on Linux x86-64 and arm64). A process that is gone counts 0.
 */
final class CpuTime {
    static final double TICKS_PER_SECOND = 100.0;

    private CpuTime() {}

    static long ticks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += ticks(pid < 0 ? "self" : Long.toString(pid));
        }
        return sum;
    }

    /** Resident set size in bytes summed over the processes (VmRSS of /proc/PID/status); 0 for those gone. */
    static long rssBytes(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        sum += 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone: counts 0
            }
        }
        return sum;
    }

    static long ticks(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
