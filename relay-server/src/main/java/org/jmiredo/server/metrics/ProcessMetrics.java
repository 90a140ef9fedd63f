package org.jmiredo.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The process-level meters: JVM memory (including the direct and mapped buffer pools), GC, threads,
 * class loading, CPU, uptime, open file descriptors, and Netty's allocators. Close it on shutdown: the
 * GC binder listens to GC notifications.
 */
public final class ProcessMetrics implements AutoCloseable {
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** Binds every process meter, Netty's allocators' included. */
    public ProcessMetrics(MeterRegistry registry) {
        this(registry, true);
    }

    /**
     * Binds the JVM's meters, and Netty's allocators' too if {@code allocators}; else {@link #bindAllocators}
     * binds those later, so that Netty's allocator can be initialised on another thread meanwhile.
     */
    public ProcessMetrics(MeterRegistry registry, boolean allocators) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        if (allocators) {
            bindAllocators(registry);
        }
    }

    /**
     * Initialises Netty's default allocators and its platform probe (on JDK 25 it links malloc and free through
     * FFM): the Netty part of the process meters, which {@link #bindAllocators} then only reads.
     */
    public static void initAllocators() {
        if (ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT) {
            PooledByteBufAllocator.DEFAULT.metric();
        }
        PlatformDependent.usedDirectMemory();
    }

    /** The gauges of Netty's allocators and of the direct memory it counts. */
    public static void bindAllocators(MeterRegistry registry) {
        // Netty 4.2's default allocator is the adaptive one; the pooled one is exposed too in case a
        // component asks for it explicitly. Our own gauges rather than Micrometer's NettyAllocatorMetrics,
        // whose names lack the unit and whose "id" label changes at every start.
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            allocatorGauges(registry, allocatorName(ByteBufAllocator.DEFAULT), provider.metric());
        }
        if (ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT) {
            allocatorGauges(registry, "pooled", PooledByteBufAllocator.DEFAULT.metric());
        }
        if (PlatformDependent.usedDirectMemory() >= 0) { // -1 when Netty leaves direct memory to the JDK
            Gauge.builder("netty.direct.memory.used", () -> PlatformDependent.usedDirectMemory())
                    .baseUnit("bytes")
                    .description("Direct memory Netty has allocated and counts itself")
                    .register(registry);
        }
    }

    private static void allocatorGauges(MeterRegistry registry, String allocator, ByteBufAllocatorMetric metric) {
        allocatorGauge(registry, allocator, "direct", metric, ByteBufAllocatorMetric::usedDirectMemory);
        allocatorGauge(registry, allocator, "heap", metric, ByteBufAllocatorMetric::usedHeapMemory);
    }

    private static void allocatorGauge(
            MeterRegistry registry,
            String allocator,
            String memory,
            ByteBufAllocatorMetric metric,
            ToDoubleFunction<ByteBufAllocatorMetric> used) {
        Gauge.builder("netty.allocator.used", metric, used)
                .tags("allocator", allocator, "memory", memory)
                .baseUnit("bytes")
                .description("Memory held by a Netty allocator")
                .strongReference(true)
                .register(registry);
    }

    private static String allocatorName(ByteBufAllocator allocator) {
        if (allocator instanceof PooledByteBufAllocator) {
            return "pooled";
        }
        String name = allocator.getClass().getSimpleName().replace("ByteBufAllocator", "");
        return name.isEmpty() ? "default" : name.toLowerCase(Locale.ROOT);
    }

    /** Pending tasks of the data-path event loops (netty_eventexecutor_tasks_pending{name}). */
    public static void bindEventLoops(MeterRegistry registry, Iterable<EventExecutor> loops) {
        new NettyEventExecutorMetrics(loops).bindTo(registry);
    }

    @Override
    public void close() {
        gc.close();
    }
}
