package org.jmiredo.testing;

import java.util.concurrent.CountDownLatch;

/** Runs a body on several threads released together (as event loops sharing a budget), and waits for them all. */
public final class AllAtOnce {
    private AllAtOnce() {}

    public static void run(int threads, Runnable body) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        Thread[] started = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            started[t] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                body.run();
            });
            started[t].start();
        }
        go.countDown();
        for (Thread thread : started) {
            thread.join();
        }
    }
}
