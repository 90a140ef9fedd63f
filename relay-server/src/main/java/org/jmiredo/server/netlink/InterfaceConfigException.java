package org.jmiredo.server.netlink;

import java.io.IOException;

/** Configuring the tunnel interface failed; the message is one line, with the kernel's own error text in it. */
public final class InterfaceConfigException extends IOException {
    public InterfaceConfigException(String message) {
        super(message);
    }

    public InterfaceConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
