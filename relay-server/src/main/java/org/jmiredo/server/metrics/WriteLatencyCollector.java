package org.jmiredo.server.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.function.Function;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.LatencyHistogram;

/**
 * {@code jmiredo_write_latency_seconds{path="tun"|"udp"}}: a Prometheus histogram of the data path's
 * sampled write latencies, summed over the event loops at scrape time. Micrometer has no meter that reads
 * buckets kept elsewhere, so this is a collector on the Prometheus registry underneath it.
 */
public final class WriteLatencyCollector implements Collector {
    static final String NAME = "jmiredo_write_latency_seconds";
    private static final double[] UPPER_BOUNDS = upperBounds();

    private final List<DataPathCounters> loops;

    public WriteLatencyCollector(List<DataPathCounters> loops) {
        this.loops = loops;
    }

    @Override
    public MetricSnapshot collect() {
        return HistogramSnapshot.builder()
                .name(NAME)
                .unit(Unit.SECONDS)
                .help("Latency of sampled writes (one in " + LatencyHistogram.SAMPLE_EVERY
                        + "): path tun is one write(2) of a packet into the tunnel, path udp one flush of a"
                        + " read burst's datagrams (sendmmsg)")
                .dataPoint(point("tun", DataPathCounters::tunWrites))
                .dataPoint(point("udp", DataPathCounters::udpFlushes))
                .build();
    }

    @Override
    public String getPrometheusName() {
        return NAME;
    }

    private HistogramDataPointSnapshot point(String path, Function<DataPathCounters, LatencyHistogram> which) {
        long[] counts = new long[UPPER_BOUNDS.length];
        long sumNanos = 0;
        for (DataPathCounters loop : loops) {
            LatencyHistogram histogram = which.apply(loop);
            for (int i = 0; i < counts.length; i++) {
                counts[i] += histogram.bucket(i);
            }
            sumNanos += histogram.sumNanos();
        }
        return HistogramDataPointSnapshot.builder()
                .labels(Labels.of("path", path))
                .classicHistogramBuckets(ClassicHistogramBuckets.of(UPPER_BOUNDS, counts))
                .sum(sumNanos / 1e9)
                .build();
    }

    private static double[] upperBounds() {
        double[] bounds = new double[LatencyHistogram.FINITE_BUCKETS + 1];
        for (int i = 0; i < LatencyHistogram.FINITE_BUCKETS; i++) {
            bounds[i] = LatencyHistogram.upperBoundSeconds(i);
        }
        bounds[LatencyHistogram.FINITE_BUCKETS] = Double.POSITIVE_INFINITY;
        return bounds;
    }
}
