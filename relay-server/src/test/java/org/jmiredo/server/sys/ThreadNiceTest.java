package org.jmiredo.server.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadNiceTest {
    /** One thread's nice value changes, not its process's: the calling thread and the others keep theirs. */
    @Test
    void setsTheCallingThreadsNiceValueOnly() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "setpriority names a thread on Linux only");
        int before = ThreadNice.ofCurrentThread();
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread helper = new Thread(() -> {
            try {
                boolean set = ThreadNice.setForCurrentThread(ThreadNice.LOWEST);
                seen.set(set ? ThreadNice.ofCurrentThread() : "not set");
            } catch (Exception | AssertionError e) {
                seen.set(e);
            }
        });
        helper.start();
        helper.join();
        assertThat(seen.get()).isEqualTo(ThreadNice.LOWEST);
        assertThat(ThreadNice.ofCurrentThread()).isEqualTo(before);
    }
}
