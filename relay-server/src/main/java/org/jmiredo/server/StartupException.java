package org.jmiredo.server;

/** The daemon could not start; the message is one line for the operator (port in use, no /dev/net/tun, ...). */
public final class StartupException extends Exception {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
