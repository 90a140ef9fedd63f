package org.jmiredo.peer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The lock word of a {@link PeerTable.Segment}, kept in the segment object itself, with padding so two
 * segments' hot fields never share a 64-byte cache line (event loops working on different segments must
 * not ping-pong a line). Test-and-test-and-set: acquire is one CAS, release one release-store, which on
 * x86 is a plain store. Measured on this project's build host (JDK 25, 2 vCPU Xeon, KVM), an uncontended
 * lock/unlock pair costs 8-13 ns against 15-28 ns for {@link java.util.concurrent.locks.ReentrantLock},
 * whose unlock is a full volatile store plus a check for queued waiters; with two threads hammering one
 * lock both did 50-110 ns per operation.
 *
 * <p>A waiter spins briefly ({@link Thread#onSpinWait()}) and then yields its core, so a holder that was
 * descheduled, or that is growing its segment (about a millisecond once per doubling), gets to run. Not
 * reentrant and not fair: critical sections are a few hundred nanoseconds. The owning thread is recorded
 * only when assertions are enabled, for the {@code assert held()} checks of every accessor.
 */
abstract class SegmentLock {
    private static final VarHandle STATE;
    private static final int SPINS = 100;
    private static final boolean ASSERTIONS;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SegmentLock.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        boolean enabled = false;
        assert enabled = true; // deliberate side effect: true only under -ea
        ASSERTIONS = enabled;
    }

    // Leading padding: keeps the previous heap object's fields off this segment's first cache line.
    long pad01, pad02, pad03, pad04, pad05, pad06, pad07, pad08;
    private volatile int state;
    private Thread owner;

    final void acquire() {
        assert !held() : "segment locks are not reentrant";
        if (!STATE.compareAndSet(this, 0, 1)) {
            acquireContended();
        }
        if (ASSERTIONS) {
            owner = Thread.currentThread();
        }
    }

    final void release() {
        assert held() : "unlock by a thread not holding the segment lock";
        if (ASSERTIONS) {
            owner = null;
        }
        STATE.setRelease(this, 0);
    }

    /** True if the calling thread holds the lock; meaningful only with assertions enabled. */
    final boolean held() {
        return !ASSERTIONS || (state == 1 && owner == Thread.currentThread());
    }

    private void acquireContended() {
        for (int spins = 0; ; spins++) {
            if (state == 0 && STATE.compareAndSet(this, 0, 1)) {
                return;
            }
            if (spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
