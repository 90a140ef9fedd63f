package org.jmiredo.server.sys;

/**
 * The C library's downcalls ({@link Libc}), linked ahead of their first use: the first link of a shape costs a
 * fresh JVM tens of milliseconds (the linker's classes, its method handles spun, a stub per shape), which a
 * daemon's start can pay on a thread of its own while its main thread reads the configuration.
 */
public final class Downcalls {
    private Downcalls() {}

    /** Links every downcall, once (the class initialiser of {@link Libc}); a later call returns at once. */
    public static void link() {
        Libc.captureStateLayout();
    }
}
