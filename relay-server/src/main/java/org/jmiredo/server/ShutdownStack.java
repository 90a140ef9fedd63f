package org.jmiredo.server;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a daemon started, closed in reverse order: each part is stopped even when an earlier one fails
 * to stop (logged), so that sockets, the tunnel and its route never outlive the daemon.
 */
final class ShutdownStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownStack.class);

    private final List<AutoCloseable> started = new ArrayList<>();

    synchronized void push(AutoCloseable resource) {
        started.add(resource);
    }

    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", started.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        started.clear();
    }
}
