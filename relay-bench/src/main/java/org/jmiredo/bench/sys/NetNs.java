package org.jmiredo.bench.sys;

import java.util.function.Supplier;

/**
 * Runs a piece of code (typically socket(2)) inside a named network namespace ({@code ip netns}'s
 * /var/run/netns/NAME) on the calling thread, then returns the thread to its own namespace. A socket
 * keeps the namespace it was created in, so one process can hold sockets in several namespaces.
 */
public final class NetNs {
    private NetNs() {}

    public static <T> T in(String name, Supplier<T> action) {
        if (name == null || name.isEmpty()) {
            return action.get();
        }
        int self = Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY);
        int target = Libc.open("/var/run/netns/" + name, Libc.O_RDONLY);
        try {
            Libc.setns(target, Libc.CLONE_NEWNET);
            try {
                return action.get();
            } finally {
                Libc.setns(self, Libc.CLONE_NEWNET);
            }
        } finally {
            Libc.close(target);
            Libc.close(self);
        }
    }
}
