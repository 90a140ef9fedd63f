package org.jmiredo.server.sys;

/**
 * The errno values this package reports by name. Linux numbering, identical on x86-64 and arm64
 * (asm-generic/errno-base.h); other values are shown as numbers.
 */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    /** asm-generic/errno.h, beyond errno-base.h. */
    public static final int EMSGSIZE = 90;

    public static final int EADDRNOTAVAIL = 99;

    private static final String[] NAMES = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", null, "EBADF", null, "EAGAIN", "ENOMEM",
        "EACCES", null, null, "EBUSY", "EEXIST", null, "ENODEV", null, null, "EINVAL", "ENFILE", "EMFILE", "ENOTTY"
    };

    /** The C library's text for {@code errno} (strerror(3)), "File exists" for EEXIST: what tools such as iproute2 print. */
    public static String text(int errno) {
        return Libc.strerror(errno);
    }

    /** "EPERM" for 1; "errno 95" for a value without a name here. */
    public static String name(int errno) {
        if (errno > 0 && errno < NAMES.length && NAMES[errno] != null) {
            return NAMES[errno];
        }
        return switch (errno) { // errno.h's, beyond the table
            case EMSGSIZE -> "EMSGSIZE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            default -> "errno " + errno;
        };
    }
}
