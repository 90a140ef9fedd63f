package org.jmiredo.e2e.lab;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits by polling, never by fixed sleeps (as the kernel's WireGuard netns.sh selftest does): the
 * probe runs at once and then at growing intervals capped at {@link #MAX_INTERVAL}, so a fast
 * condition costs milliseconds and a slow one costs at most one interval beyond its moment.
 * A probe may throw (e.g. "the daemon has exited") to stop the wait early.
 */
public final class Poll {

    private static final Duration FIRST_INTERVAL = Duration.ofMillis(20);
    private static final Duration MAX_INTERVAL = Duration.ofMillis(250);

    private Poll() {}

    /** Waits until the condition holds and returns how long that took. */
    public static Duration until(String what, Duration timeout, BooleanSupplier condition) {
        long start = System.nanoTime();
        value(what, timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Waits until the probe yields a value and returns it. */
    public static <T> T value(String what, Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long interval = FIRST_INTERVAL.toMillis();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            sleep(interval);
            interval = Math.min(interval * 2, MAX_INTERVAL.toMillis());
        }
    }

    /**
     * Probes until {@code done} holds for what the probe gave, at most {@code timeout}, and returns the last value
     * either way: for counts read at one moment that must reach their final state before they are asserted (a
     * scrape, the kernel's counters), where the exact assertions that follow say better than a timeout which
     * count fell short.
     */
    public static <T> T settled(Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long interval = FIRST_INTERVAL.toMillis();
        while (true) {
            T value = probe.get();
            if (done.test(value) || System.nanoTime() - deadline >= 0) {
                return value;
            }
            sleep(interval);
            interval = Math.min(interval * 2, MAX_INTERVAL.toMillis());
        }
    }

    /** A fixed pause, where a test must let something run for a while (traffic before a kill). */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
