package org.jmiredo.server;

import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Start-up work of the daemons that depends on neither the command line nor the configuration, done on a
 * second thread while the main thread reads them: Netty's default buffer allocator, whose platform probe
 * (PlatformDependent) links malloc and free through FFM on JDK 25 without sun.misc.Unsafe. That was a
 * sixth of the main thread's start with the AOT cache (BENCHMARKS.md, "Startup: where the time goes").
 *
 * <p>The main thread waits for it ({@link #await}) before it touches Netty, so that two threads never
 * initialise Netty's classes at once: Netty's static initialisers have deadlocked each other before
 * (netty#5720, netty#10187). Logging must be up before {@link #begin}: SLF4J gives other threads stand-in
 * loggers while it starts, and Netty logs through it.
 */
final class EarlyStart {
    private static final List<String> DAEMONS = List.of("relay", "server", "mire");
    private static volatile Thread thread;

    private EarlyStart() {}

    /** Starts the work if the command line names a daemon (the first argument that is not an option). */
    static void begin(String... args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                if (DAEMONS.contains(arg)) {
                    thread = Thread.ofPlatform().daemon().name("jmiredo-early-start").start(EarlyStart::run);
                }
                return;
            }
        }
    }

    // A failure here is the main thread's to report, where it would have met it without this thread.
    private static void run() {
        try {
            ByteBufAllocator.DEFAULT.getClass();
        } catch (RuntimeException | LinkageError e) {
            // the main thread meets it again at its first use of Netty
        }
    }

    /** Waits for the work, if it was started; then Netty is the caller's. */
    static void await() {
        Thread started = thread;
        if (started == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                started.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
