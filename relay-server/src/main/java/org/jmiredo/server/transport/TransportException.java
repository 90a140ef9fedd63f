package org.jmiredo.server.transport;

import java.io.IOException;

/** The transport could not start (port in use, no epoll, …); the message is one line for the operator. */
public final class TransportException extends IOException {
    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
