package org.jmiredo.bench.gen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** A run's figures, as a table for people and as one JSON object for scripts. */
final class Result {
    /** One direction: what the sender offered and what the far side counted. */
    record Direction(
            long sent,
            long errors,
            double sendSeconds,
            long delivered,
            long bytes,
            long misdelivered,
            Histogram latency,
            int size) {
        Direction(BatchSender s, Delivery d) {
            this(
                    s.sent,
                    s.errors,
                    Math.max(1e-9, (s.endNanos - s.startNanos) / 1e9),
                    d.packets,
                    d.bytes,
                    d.misdelivered,
                    d.latency,
                    0);
        }

        double offeredPps() {
            return sent / sendSeconds;
        }

        double deliveredPps() {
            return delivered / sendSeconds;
        }

        double lossPercent() {
            return sent == 0 ? 0 : 100.0 * (sent - delivered) / sent;
        }

        double micros(double percentile) {
            return latency.getTotalCount() == 0 ? -1 : latency.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    final Options o;
    Direction t2i;
    Direction i2t;
    long primed;
    int primeRounds;
    long firstRoundPrimed;
    double firstRoundSeconds;
    /** Round 1, from its start to its last trusted peer: its sends' wall time, and CPU by side. */
    double firstRoundSendSeconds;

    double firstRoundSenderCpuSeconds;
    double firstRoundReceiverCpuSeconds;
    double firstRoundRelayCpuSeconds;
    double primeSeconds;
    long bubbles;
    long bubbleReplyErrors;
    double relayCpuSeconds;
    double generatorCpuSeconds;
    double wallSeconds;
    /** Whole machine, then each CPU ({@link MachineCpu}): busy and irq + softirq seconds over the measurement. */
    double[] cpuBusySeconds = new double[0];

    double[] cpuInterruptSeconds = new double[0];
    Map<String, Long> relayDrops = Map.of();
    Map<String, Long> nativeDrops = Map.of();
    long softnetDropped;
    long relayRssBytes;

    Result(Options o) {
        this.o = o;
    }

    long delivered() {
        return (t2i == null ? 0 : t2i.delivered) + (i2t == null ? 0 : i2t.delivered);
    }

    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%s peers=%d size=%d rate=%.0f duration=%.1fs %s%n",
                o.direction().name().toLowerCase(Locale.ROOT),
                o.peers(),
                o.size(),
                o.rate(),
                o.durationSeconds(),
                o.label()));
        if (o.direction() != Options.Direction.UDP_SINK) {
            b.append(String.format(
                    Locale.ROOT,
                    "handshake: %d/%d peers primed in %.2fs (%.0f peers/s, %d rounds, %d bubbles answered)%n",
                    primed,
                    o.peers(),
                    primeSeconds,
                    primed / Math.max(primeSeconds, 1e-3),
                    primeRounds,
                    bubbles));
            b.append(String.format(
                    Locale.ROOT,
                    "  first round: %d peers trusted in %.2fs (%.0f new peers/s)%n",
                    firstRoundPrimed,
                    firstRoundSeconds,
                    firstRoundPrimed / Math.max(firstRoundSeconds, 1e-3)));
            b.append(String.format(
                    Locale.ROOT,
                    "  first round: sent in %.2fs; cpu: generator sender %.2fs, receiver %.2fs, relay %.2fs%n",
                    firstRoundSendSeconds,
                    firstRoundSenderCpuSeconds,
                    firstRoundReceiverCpuSeconds,
                    firstRoundRelayCpuSeconds));
        }
        b.append(String.format(
                Locale.ROOT,
                "%-5s %12s %12s %10s %10s %9s %9s %9s %9s %9s%n",
                "dir",
                "offered/s",
                "delivered/s",
                "off Mb/s",
                "dlv Mb/s",
                "loss %",
                "p50 us",
                "p99 us",
                "p99.9 us",
                "max us"));
        row(b, "t2i", t2i);
        row(b, "i2t", i2t);
        double perPacket = delivered() == 0 ? 0 : relayCpuSeconds * 1e6 / delivered();
        b.append(String.format(
                Locale.ROOT,
                "relay cpu %.2fs (%.0f%% of one core over %.2fs, %.2f us/packet); generator cpu %.2fs%n",
                relayCpuSeconds,
                100 * relayCpuSeconds / wallSeconds,
                wallSeconds,
                perPacket,
                generatorCpuSeconds));
        if (cpuBusySeconds.length > 0) {
            b.append(String.format(
                    Locale.ROOT,
                    "machine cpu %.2fs (%.2f us/packet; irq+softirq %.2fs), by cpu %s%n",
                    cpuBusySeconds[0],
                    delivered() == 0 ? 0 : cpuBusySeconds[0] * 1e6 / delivered(),
                    cpuInterruptSeconds[0],
                    seconds(cpuBusySeconds)));
        }
        b.append(String.format(
                Locale.ROOT,
                "relay rss %.1f MiB (%.0f bytes per peer)%n",
                relayRssBytes / 1048576.0,
                relayRssBytes / (double) o.peers()));
        b.append("kernel drops: relay ns ")
                .append(relayDrops)
                .append(", native ns ")
                .append(nativeDrops)
                .append(", softnet backlog (machine) ")
                .append(softnetDropped)
                .append('\n');
        return b.toString();
    }

    private void row(StringBuilder b, String name, Direction d) {
        if (d == null) {
            return;
        }
        b.append(String.format(
                Locale.ROOT,
                "%-5s %12.0f %12.0f %10.1f %10.1f %9.3f %9.1f %9.1f %9.1f %9.1f%n",
                name,
                d.offeredPps(),
                d.deliveredPps(),
                mbps(d.offeredPps()),
                mbps(d.deliveredPps()),
                d.lossPercent(),
                d.micros(50),
                d.micros(99),
                d.micros(99.9),
                d.micros(100)));
        if (d.misdelivered > 0 || d.errors > 0) {
            b.append(String.format(Locale.ROOT, "      misdelivered %d, send errors %d%n", d.misdelivered, d.errors));
        }
    }

    /** Row 0 and each CPU as a JSON array of seconds: [machine, cpu0, cpu1, ...]. */
    private static String seconds(double[] s) {
        StringBuilder b = new StringBuilder("[");
        for (double v : s) {
            b.append(String.format(Locale.ROOT, "%.2f", v)).append(',');
        }
        b.setLength(Math.max(1, b.length() - 1));
        return b.append(']').toString();
    }

    private double mbps(double pps) {
        return pps * o.size() * 8 / 1e6;
    }

    void writeJson(String file) throws IOException {
        StringBuilder b = new StringBuilder("{");
        field(b, "label", '"' + o.label().replace("\"", "'") + '"');
        field(b, "direction", '"' + o.direction().name().toLowerCase(Locale.ROOT) + '"');
        field(b, "peers", o.peers());
        field(b, "size", o.size());
        field(b, "rate", o.rate());
        field(b, "duration_s", o.durationSeconds());
        field(b, "primed", primed);
        field(b, "prime_s", primeSeconds);
        field(b, "prime_rounds", primeRounds);
        field(b, "first_round_primed", firstRoundPrimed);
        field(b, "first_round_s", firstRoundSeconds);
        field(b, "first_round_send_s", firstRoundSendSeconds);
        field(b, "first_round_sender_cpu_s", firstRoundSenderCpuSeconds);
        field(b, "first_round_receiver_cpu_s", firstRoundReceiverCpuSeconds);
        field(b, "first_round_relay_cpu_s", firstRoundRelayCpuSeconds);
        field(b, "bubbles", bubbles);
        field(b, "relay_cpu_s", relayCpuSeconds);
        field(b, "generator_cpu_s", generatorCpuSeconds);
        field(b, "wall_s", wallSeconds);
        field(b, "relay_cpu_us_per_packet", delivered() == 0 ? 0 : relayCpuSeconds * 1e6 / delivered());
        if (cpuBusySeconds.length > 0) {
            field(b, "machine_cpu_s", cpuBusySeconds[0]);
            field(b, "machine_cpu_us_per_packet", delivered() == 0 ? 0 : cpuBusySeconds[0] * 1e6 / delivered());
            field(b, "cpu_busy_s", seconds(cpuBusySeconds));
            field(b, "cpu_interrupt_s", seconds(cpuInterruptSeconds));
        }
        field(b, "softnet_dropped", softnetDropped);
        field(b, "relay_rss_bytes", relayRssBytes);
        relayDrops.forEach((k, v) -> field(b, "relay_" + k, v));
        nativeDrops.forEach((k, v) -> field(b, "native_" + k, v));
        direction(b, "t2i", t2i);
        direction(b, "i2t", i2t);
        b.setLength(b.length() - 1);
        b.append("}\n");
        Files.writeString(Path.of(file), b.toString());
    }

    private void direction(StringBuilder b, String name, Direction d) {
        if (d == null) {
            return;
        }
        b.append('"').append(name).append("\":{");
        field(b, "sent", d.sent);
        field(b, "send_errors", d.errors);
        field(b, "send_s", d.sendSeconds);
        field(b, "delivered", d.delivered);
        field(b, "misdelivered", d.misdelivered);
        field(b, "offered_pps", d.offeredPps());
        field(b, "delivered_pps", d.deliveredPps());
        field(b, "offered_mbps", mbps(d.offeredPps()));
        field(b, "delivered_mbps", mbps(d.deliveredPps()));
        field(b, "loss_pct", d.lossPercent());
        field(b, "p50_us", d.micros(50));
        field(b, "p90_us", d.micros(90));
        field(b, "p99_us", d.micros(99));
        field(b, "p999_us", d.micros(99.9));
        field(b, "max_us", d.micros(100));
        b.setLength(b.length() - 1);
        b.append("},");
    }

    private static void field(StringBuilder b, String name, Object value) {
        String v = value instanceof Double x ? String.format(Locale.ROOT, "%.4f", x) : String.valueOf(value);
        b.append('"').append(name).append("\":").append(v).append(',');
    }
}
