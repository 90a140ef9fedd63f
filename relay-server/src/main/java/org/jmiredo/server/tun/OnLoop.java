package org.jmiredo.server.tun;

import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.util.concurrent.RejectedExecutionException;

/** Runs a tunnel queue's life-cycle step on the loop that owns the queue, so that no read is in flight meanwhile. */
public final class OnLoop {
    private OnLoop() {}

    /**
     * Runs {@code action} on {@code loop}: at once when called there, when the queue was never registered
     * ({@code loop} null) or when the loop has terminated (nothing else touches the queue then); else as a task.
     *
     * @return completes once the action ran
     */
    public static Future<Void> run(IoEventLoop loop, Runnable action) {
        if (loop == null || loop.inEventLoop()) {
            action.run();
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }
        Promise<Void> done = loop.newPromise();
        try {
            loop.execute(() -> {
                try {
                    action.run();
                    done.setSuccess(null);
                } catch (RuntimeException e) {
                    done.setFailure(e);
                }
            });
            return done;
        } catch (RejectedExecutionException terminated) {
            action.run();
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }
    }
}
