package org.jmiredo.server.sys;

import java.io.IOException;

/**
 * A system call failed. The message is one line meant for an operator: what to do first, then the call and
 * the errno name in parentheses, e.g. "missing CAP_NET_ADMIN: run as root or grant CAP_NET_ADMIN
 * (TUNSETIFF teredo: EPERM)".
 */
public final class NativeException extends IOException {
    private final String operation;
    private final int errno;

    public NativeException(String hint, String operation, int errno) {
        super(hint + " (" + operation + ": " + Errno.name(errno) + ")");
        this.operation = operation;
        this.errno = errno;
    }

    /** The failed call and its subject, e.g. {@code "open /dev/net/tun"}. */
    public String operation() {
        return operation;
    }

    /** The positive errno value the call left (Linux numbering). */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code "EPERM"}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
