package org.jmiredo.server.sys;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a piece of a test inside a network namespace ({@code ip netns add} makes /var/run/netns/NAME) on a
 * platform thread of its own: setns(2) moves only the calling thread, and that thread ends with the call, so
 * the sockets it opens live in the namespace and nothing else of the test JVM moves.
 */
public final class InNetns {
    private InNetns() {}

    /** The value {@code work} returned in the namespace; what it threw, rethrown here. */
    public static <T> T call(String netns, Callable<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("in-netns").start(() -> {
            try {
                NetlinkSocket.enter(Path.of("/var/run/netns", netns));
                result.set(work.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        thread.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }
}
