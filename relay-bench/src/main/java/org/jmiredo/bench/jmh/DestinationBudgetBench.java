package org.jmiredo.bench.jmh;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.server.DestinationBudget;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The server's per-destination budget ({@code server.ra-per-destination}, {@code server.forward-per-destination}),
 * asked once per RA or forwarded packet about to leave, on one thread: {@code granted} cycles over 4,096
 * destinations below their budget (each call raises counters), {@code refused} asks for one victim whose budget is
 * spent (each call only reads). Run with a relay jar first on the class path (bench/jmh-ab.sh), so that old (a
 * table per loop, plain writes) and new (one table shared by the loops, a compare-and-set per counter raised) builds
 * run the same benchmark; {@code tryAcquire} is package-private, reached through a private lookup (the class path
 * is one unnamed module).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class DestinationBudgetBench {
    private static final MethodHandle TRY_ACQUIRE;

    static {
        try {
            TRY_ACQUIRE = MethodHandles.privateLookupIn(DestinationBudget.class, MethodHandles.lookup())
                    .findVirtual(
                            DestinationBudget.class,
                            "tryAcquire",
                            MethodType.methodType(boolean.class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int DESTINATIONS = 4096;
    private static final int NOW = 1_000;

    @Param({"granted", "refused"})
    String kind;

    private DestinationBudget budget;
    private final int[] ipv4s = new int[DESTINATIONS];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        boolean granted = kind.equals("granted");
        budget = DestinationBudget.withSecretKey(granted ? 1_000_000_000 : 200, 16_384);
        for (int i = 0; i < DESTINATIONS; i++) {
            ipv4s[i] = granted ? 0xC633_0000 + i * 7919 : 0xC633_644D; // 198.51.x.y; one victim
        }
        for (int i = 0; i < 400; i++) {
            boolean ignored = (boolean) TRY_ACQUIRE.invokeExact(budget, ipv4s[0], NOW);
        }
    }

    @Benchmark
    public boolean tryAcquire() throws Throwable {
        int i = next;
        next = (i + 1) & (DESTINATIONS - 1);
        return (boolean) TRY_ACQUIRE.invokeExact(budget, ipv4s[i], NOW);
    }
}
