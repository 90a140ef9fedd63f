package org.jmiredo.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jmiredo.server.metrics.ProcessMeters;
import org.jmiredo.server.metrics.ProcessMetrics;
import org.jmiredo.server.sys.Downcalls;

/**
 * Start-up work of the daemons that depends on neither the command line nor the configuration, done on two
 * more threads while the main thread reads them: the registry with the JVM's meters ({@link ProcessMeters}) on
 * one; on the other Netty's default buffer allocator, whose platform probe links malloc and free through FFM on
 * JDK 25 without sun.misc.Unsafe, then the allocators' gauges once the registry is there, then the C library's
 * downcalls ({@link Downcalls}) that the tunnel and the sockets are opened through. Done in turn on one thread,
 * the meters and the allocator held the main thread up for 130 to 150 ms once it no longer linked the downcalls
 * itself (BENCHMARKS.md, "Thirteenth iteration: start-up").
 *
 * <p>The main thread takes the result ({@link #meters}) before it touches Netty, and only the second thread
 * touches Netty before that, so that two threads never initialise Netty's classes at once: Netty's static
 * initialisers have deadlocked each other before (netty#5720, netty#10187). Logging must be up before
 * {@link #begin}: SLF4J gives other threads stand-in loggers while it starts, and Micrometer and Netty log
 * through it.
 */
final class EarlyStart {
    static final List<String> DAEMONS = List.of("relay", "server", "mire", "client");
    private static CompletableFuture<ProcessMeters> meters;

    private EarlyStart() {}

    /** Starts the work if the command line names a daemon ({@link #namesDaemon}). */
    static synchronized void begin(String... args) {
        if (!namesDaemon(args)) {
            return;
        }
        CompletableFuture<ProcessMeters> jvm = new CompletableFuture<>();
        CompletableFuture<ProcessMeters> all = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("jmiredo-early-start").start(() -> {
            try {
                jvm.complete(ProcessMeters.createWithoutAllocators());
            } catch (RuntimeException | Error e) {
                jvm.completeExceptionally(e);
            }
        });
        Thread.ofPlatform().daemon().name("jmiredo-early-native").start(() -> {
            try {
                ProcessMetrics.initAllocators();
                ProcessMeters built = jvm.join();
                ProcessMetrics.bindAllocators(built.registry());
                all.complete(built);
            } catch (CompletionException e) {
                all.completeExceptionally(e.getCause());
            } catch (RuntimeException | Error e) {
                all.completeExceptionally(e);
            }
            linkDowncalls();
        });
        meters = all;
    }

    /**
     * The C library's downcalls, linked after the meters (which the main thread waits for first) and before the
     * daemon opens its tunnel and sockets through them. A failure here is met again, and reported, by the call
     * that needs them on the main thread.
     */
    private static void linkDowncalls() {
        try {
            Downcalls.link();
        } catch (RuntimeException | Error e) {
            // the main thread's first downcall says what went wrong
        }
    }

    /** True when the first argument that is not an option is a daemon command: relay, server, mire or client. */
    static boolean namesDaemon(String... args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return DAEMONS.contains(arg);
            }
        }
        return false;
    }

    /**
     * The meters built by {@link #begin}'s threads, once (waiting for them), else new ones built here. A
     * failure there is rethrown here, where the daemon would have met it without those threads.
     */
    static synchronized ProcessMeters meters() {
        CompletableFuture<ProcessMeters> early = meters;
        meters = null;
        if (early == null) {
            return ProcessMeters.create();
        }
        try {
            return early.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) e.getCause();
        }
    }
}
