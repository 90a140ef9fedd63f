package org.jmiredo.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jmiredo.server.metrics.ProcessMeters;

/**
 * Start-up work of the daemons that depends on neither the command line nor the configuration, done on a
 * second thread while the main thread reads them: the registry with the process meters
 * ({@link ProcessMeters}), which also initialises Netty's default buffer allocator, whose platform probe
 * links malloc and free through FFM on JDK 25 without sun.misc.Unsafe. Together they were a third of the
 * main thread's start with the AOT cache (BENCHMARKS.md, "Startup: where the time goes").
 *
 * <p>The main thread takes the result ({@link #meters}) before it touches Netty, so that two threads never
 * initialise Netty's classes at once: Netty's static initialisers have deadlocked each other before
 * (netty#5720, netty#10187). Logging must be up before {@link #begin}: SLF4J gives other threads stand-in
 * loggers while it starts, and Micrometer and Netty log through it.
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
        CompletableFuture<ProcessMeters> future = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("jmiredo-early-start").start(() -> {
            try {
                future.complete(ProcessMeters.create());
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
            }
        });
        meters = future;
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
     * The meters built by {@link #begin}'s thread, once (waiting for them), else new ones built here. A
     * failure there is rethrown here, where the daemon would have met it without that thread.
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
