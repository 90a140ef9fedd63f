package org.jmiredo.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.slf4j.LoggerFactory;

/**
 * The collector's soft heap target, set once the daemon is ready. ZGC starts a "warm-up" collection as soon as the heap
 * in use passes 10 % of the soft maximum, and with the launcher's 256 MiB a start passed it before ready every time:
 * a major collection beside the start, whose marking costs the collector's CPU and slows the start's own threads.
 * With the target set only once ready, a relay with both cores of a 2-core host busy was ready in 0.85 to 0.97x the
 * time at 0.93 to 0.96x the CPU (BENCHMARKS.md, "Fifteenth iteration: start-up"). So bin/jmiredo gives no -XX:SoftMaxHeapSize (the JVM's default,
 * the maximum heap) and names the target in {@value #PROPERTY}, in bytes; {@code SoftMaxHeapSize} is a manageable
 * flag. A target above the maximum heap (a host with less than 1 GiB) is refused by the JVM and the maximum stays,
 * which is lower anyway.
 */
final class SoftMaxHeap {
    static final String PROPERTY = "jmiredo.soft-max-heap-size";
    static final String FLAG = "SoftMaxHeapSize";

    private SoftMaxHeap() {}

    /** Sets {@value #FLAG} to {@value #PROPERTY} if that is given; once ready (DaemonLifecycle). */
    static void applyTarget() {
        String target = System.getProperty(PROPERTY);
        if (target == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).setVMOption(FLAG, target);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(SoftMaxHeap.class).debug("{} {} not applied: {}", FLAG, target, e.toString());
        }
    }
}
