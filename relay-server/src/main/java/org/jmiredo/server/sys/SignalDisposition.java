package org.jmiredo.server.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What a daemon inherits for its signals. The JVM leaves a shutdown signal (HUP, INT, TERM) that was ignored when
 * it started ignored, and then silently installs no handler for it: a daemon started under {@code nohup} (or by
 * anything that ignores SIGHUP) would never reload. A C daemon's sigaction() takes the signal whatever it
 * inherited; this lets ours do the same for the signals it gives a meaning of its own.
 */
public final class SignalDisposition {
    /** SIGHUP: the same number on Linux and the BSDs. */
    public static final int SIGHUP = 1;
    /** The kernel's view of this process, with the mask of its ignored signals (proc(5), "SigIgn"). */
    private static final Path STATUS = Path.of("/proc/self/status");

    private static final String IGNORED_FIELD = "SigIgn:";

    private SignalDisposition() {}

    /**
     * Puts {@code signal} back to its default handling if it was ignored, so that a handler can be installed
     * next; returns true when it was ignored. Any other disposition is left as it is.
     *
     * <p>The kernel's mask of ignored signals answers first: a signal it does not list is not ignored, and then
     * nothing is linked. {@link Libc}'s downcalls, linked by its first call, took 119 to 148 ms of the main
     * thread at this point of a start (BENCHMARKS.md, "Twelfth iteration: start-up"), for a question the mask
     * answers in well under a millisecond; only a daemon started with the signal ignored (nohup) pays for them
     * here, and where the mask cannot be read (no /proc) sigaction() answers, as before.
     */
    public static boolean unignore(int signal) {
        OptionalLong ignored = ignoredMask();
        if (ignored.isPresent() && !ignoredIn(ignored.getAsLong(), signal)) {
            return false;
        }
        return Libc.unignore(signal);
    }

    /** Whether {@code mask} (proc(5)'s SigIgn: bit n - 1 for signal n) lists {@code signal}. */
    static boolean ignoredIn(long mask, int signal) {
        return signal >= 1 && signal <= Long.SIZE && (mask >>> (signal - 1) & 1) != 0;
    }

    /** The SigIgn mask of {@code status} (the text of /proc/PID/status), if it has one that parses. */
    static OptionalLong ignoredMask(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith(IGNORED_FIELD)) {
                try {
                    return OptionalLong.of(Long.parseUnsignedLong(
                            line.substring(IGNORED_FIELD.length()).trim(), 16));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong ignoredMask() {
        try {
            return ignoredMask(Files.readString(STATUS));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty(); // not Linux, or no /proc: sigaction() answers
        }
    }
}
