package org.jmiredo.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jmiredo.server.config.MetricsConfig;
import org.jmiredo.server.metrics.MetricsServer;
import org.jmiredo.server.metrics.ProcessMeters;
import org.jmiredo.server.metrics.ProcessMetrics;
import org.jmiredo.server.metrics.SocketBufferMetrics;
import org.jmiredo.server.transport.SocketBuffers;

/**
 * What every daemon's life has around its own start steps: the registry with the process meters (built
 * while the configuration was read, {@link EarlyStart}), the parts started so far, stopped in reverse order
 * (even when one fails to stop), and the ready and closed flags behind /readyz. A start that fails half-way
 * stops what it started and ends in one line for the operator; nothing stays bound or configured.
 */
final class DaemonLifecycle implements AutoCloseable {
    /** A daemon's start steps; each part they start goes to {@link #closeLater} as soon as it runs. */
    @FunctionalInterface
    interface Steps {
        void run() throws IOException, StartupException;
    }

    private final ProcessMeters meters;
    private final ShutdownStack started = new ShutdownStack();
    private volatile boolean ready;
    private volatile boolean closed;

    DaemonLifecycle(ProcessMeters meters) {
        this.meters = meters;
    }

    /** Runs {@code steps} after the process meters; on failure stops what was started and rethrows. */
    void start(Steps steps) throws StartupException {
        try {
            started.push(meters.process());
            steps.run();
        } catch (IOException e) {
            close();
            throw new StartupException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        } catch (StartupException | RuntimeException e) {
            close();
            throw e;
        }
    }

    PrometheusMeterRegistry registry() {
        return meters.registry();
    }

    /**
     * The metrics endpoint, first of the parts: /healthz answers and /readyz says 503 while the rest starts.
     */
    MetricsServer startMetrics(MetricsConfig config, BooleanSupplier ready) throws IOException {
        return closeLater(MetricsServer.start(config, meters.registry(), ready));
    }

    /** {@code part} is stopped by {@link #close}, before every part started earlier. */
    <T extends AutoCloseable> T closeLater(T part) {
        started.push(part);
        return part;
    }

    /** The meters of the daemon's event loops: their pending tasks, and the sockets' buffers. */
    void bindLoopMeters(List<? extends EventExecutor> loops, SocketBuffers buffers) {
        ProcessMetrics.bindEventLoops(meters.registry(), new ArrayList<EventExecutor>(loops));
        SocketBufferMetrics.bindTo(meters.registry(), buffers::receiveBufferBytes, buffers::sendBufferBytes);
    }

    /**
     * Everything started: /readyz may say 200 (if the daemon's own conditions hold); then the collector's soft heap
     * target ({@link SoftMaxHeap}), which a start does without.
     */
    void markReady() {
        ready = true;
        SoftMaxHeap.applyTarget();
    }

    /** Started and not stopping; a daemon's /readyz adds its own conditions. */
    boolean isReady() {
        return ready && !closed;
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops the parts in reverse start order, then closes the registry. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        started.close();
        meters.registry().close();
    }
}
