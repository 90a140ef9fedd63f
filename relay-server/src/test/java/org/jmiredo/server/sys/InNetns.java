package org.jmiredo.server.sys;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Runs test code on a platform thread that entered a named network namespace ({@code ip netns add}): the
 * sockets it creates live there (setns(2) moves only the calling thread), so a test can give a socket a
 * namespace's routes and firewall while the rest of the JVM stays in the host's.
 */
public final class InNetns {
    private InNetns() {}

    public static <T> T call(String netns, Callable<T> action) throws Exception {
        Object[] result = new Object[1];
        Exception[] failed = new Exception[1];
        Thread thread = Thread.ofPlatform().name("in-netns").start(() -> {
            try {
                NetlinkSocket.enter(Path.of("/var/run/netns", netns));
                result[0] = action.call();
            } catch (Exception e) {
                failed[0] = e;
            }
        });
        thread.join();
        if (failed[0] != null) {
            throw failed[0];
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }
}
