package org.jmiredo.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.security.SecureRandom;
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
 * downcalls ({@link Downcalls}) that the tunnel and the sockets are opened through. Each thread also does, in passing,
 * a first use the main thread would otherwise meet: the security providers, the annotation proxies of Netty's
 * {@code @Skip}. Done in turn on one thread,
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
    /** The options that print and exit (CliModel's usage and version help). */
    private static final List<String> HELP = List.of("-h", "--help", "-V", "--version");

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
            warmSecureRandom();
        });
        Thread.ofPlatform().daemon().name("jmiredo-early-native").start(() -> {
            try {
                ProcessMetrics.initAllocators();
                warmHandlerAnnotations();
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
     * The security providers' first use, which the data path's {@code new SecureRandom()} (the bubble key, the peer
     * table's hash key) met on the main thread: 12 to 38 ms of a start (BENCHMARKS.md "Fifteenth iteration: start-up").
     * Done here after the meters, while the main thread sets up the metrics endpoint; the providers' lists are
     * built under their own locks, so a main thread that comes sooner waits for them or builds them itself. The
     * keys are still drawn where they are used, each from its own SecureRandom: nothing made here is kept.
     */
    private static void warmSecureRandom() {
        try {
            new SecureRandom().nextLong();
        } catch (RuntimeException | Error e) {
            // the main thread's own SecureRandom reports it
        }
    }

    /**
     * Netty's {@code ChannelHandlerMask} reads {@code @Skip} on a handler's methods the first time a pipeline takes the
     * handler: the JDK then parses {@code @Skip} and its own {@code @Target}, {@code @Retention} and {@code @Documented},
     * and spins a proxy class for each (proxy classes are not archived): 12 to 41 ms of the main thread's set-up of the
     * metrics endpoint (BENCHMARKS.md "Fifteenth iteration: start-up"); then {@code @Sharable} on the first handler
     * added ({@code isSharable()}) and its own {@code @Inherited}. The annotations of one method that carries
     * {@code @Skip} and of one class that carries {@code @Sharable} make the same proxy classes, which the JDK keeps
     * for the process. On this thread, which alone
     * touches Netty until the main thread has the meters; reflection initialises no Netty class.
     */
    private static void warmHandlerAnnotations() {
        try {
            ChannelInboundHandlerAdapter.class
                    .getMethod("channelRead", ChannelHandlerContext.class, Object.class)
                    .getAnnotations();
            ChannelInitializer.class.getAnnotations(); // @Sharable, read by isSharable(): @Inherited, @Documented
        } catch (NoSuchMethodException | RuntimeException e) {
            // nothing warmed: the main thread parses them as before
        }
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

    /**
     * True when the first argument that is not an option is a daemon command (relay, server, mire or client) and no
     * argument asks for help or the version instead ({@code relay --help} starts nothing: its early work, and the
     * annotation proxies warmed there, would be for nothing).
     */
    static boolean namesDaemon(String... args) {
        String command = null;
        for (String arg : args) {
            if (HELP.contains(arg)) {
                return false;
            }
            if (command == null && !arg.startsWith("-")) {
                command = arg;
            }
        }
        return command != null && DAEMONS.contains(command);
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
