package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.NATIVE_HOST;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * tun.offload = off against auto, alternating in one lab (BENCHMARKS.md "TUN offloads"): iperf3 TCP
 * between a Debian Miredo client (cli) and the native host through our relay, both directions, with the
 * relay's CPU time (utime + stime of its JVM) over each transfer. Not part of the test suite (no *Test
 * name); run it alone, under the bench lock:
 * {@code flock /tmp/jmiredo-bench.lock ./mvnw -B -o -pl e2e -am verify -Dtest=OffloadBench
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class OffloadBench {
    private static final int ROUNDS = Integer.getInteger("jmiredo.bench.rounds", 3);
    private static final Duration TRANSFER = Duration.ofSeconds(Long.getLong("jmiredo.bench.seconds", 5));
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    record Row(int round, String mode, String direction, double mbit, double cpuSeconds) {
        /** Relay CPU seconds per Gbit carried. */
        double cpuPerGbit() {
            return cpuSeconds / (mbit * TRANSFER.toSeconds() / 1000.0);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%d %-4s %-10s %8.1f Mbit/s %6.2f s CPU %6.3f s/Gbit",
                    round,
                    mode,
                    direction,
                    mbit,
                    cpuSeconds,
                    cpuPerGbit());
        }
    }

    @Test
    void offloadOffAgainstAuto() throws IOException {
        LabPreconditions.require(RelayKind.JMIREDO);
        List<Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (TeredoLab teredo = TeredoLab.start(RelayKind.JMIREDO)) {
            JmiredoRelay relay = (JmiredoRelay) teredo.relay();
            for (int round = 1; round <= ROUNDS; round++) {
                for (String mode : List.of("off", "auto")) {
                    relay.stop();
                    relay.configure("jmiredo.tun.offload = " + mode + "\njmiredo.transport.event-loops = 1\n");
                    relay.start();
                    Ping.awaitReply(teredo.ns(Host.CLI), NATIVE_HOST, Duration.ofSeconds(20));
                    for (boolean reverse : new boolean[] {true, false}) {
                        long pid = relay.process().pid();
                        long before = cpuTicks(pid);
                        Iperf.Throughput t = Iperf.run(teredo.lab(), Host.CLI, NATIVE_HOST, reverse, TRANSFER);
                        double cpu = (cpuTicks(pid) - before) / (double) CLOCK_TICKS_PER_SECOND;
                        Row row = new Row(round, mode, reverse ? "v6->teredo" : "teredo->v6", t.mbitPerSecond(), cpu);
                        rows.add(row);
                        System.out.println("[offload-bench] " + row);
                    }
                    String body = Metrics.scrape(teredo.ns(Host.RLY), JmiredoRelay.METRICS_LISTEN)
                            .body();
                    String reads = String.format(
                            Locale.ROOT,
                            "%d %-4s TUN packets read %.0f, super-packet reads %.0f",
                            round,
                            mode,
                            sample(body, "jmiredo_tun_read_packets_total"),
                            sample(body, "jmiredo_tun_read_super_packets_total"));
                    notes.add(reads);
                    System.out.println("[offload-bench] " + reads);
                }
            }
            String table = String.join("\n", rows.stream().map(Row::toString).toList()) + "\n"
                    + String.join("\n", notes) + "\n";
            Path file = teredo.lab().writeFile("offload-bench.txt", table);
            System.out.println("[offload-bench] results in " + file + "\n" + table);
        }
        assertThat(rows).hasSize(ROUNDS * 4).allMatch(r -> r.mbit() > 1.0);
    }

    private static double sample(String body, String name) {
        return Metrics.maxSample(body, Pattern.compile(Pattern.quote(name))).orElse(-1.0);
    }

    // utime + stime of every thread of the process (fields 14 and 15 of /proc/PID/stat, after the name).
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
