package org.jmiredo.server.sys;

/**
 * What a daemon inherits for its signals. The JVM leaves a shutdown signal (HUP, INT, TERM) that was ignored when
 * it started ignored, and then silently installs no handler for it: a daemon started under {@code nohup} (or by
 * anything that ignores SIGHUP) would never reload. A C daemon's sigaction() takes the signal whatever it
 * inherited; this lets ours do the same for the signals it gives a meaning of its own.
 */
public final class SignalDisposition {
    /** SIGHUP: the same number on Linux and the BSDs. */
    public static final int SIGHUP = 1;

    private SignalDisposition() {}

    /**
     * Puts {@code signal} back to its default handling if it was ignored, so that a handler can be installed
     * next; returns true when it was ignored. Any other disposition is left as it is.
     */
    public static boolean unignore(int signal) {
        return Libc.unignore(signal);
    }
}
