package org.jmiredo.e2e;

import java.time.Duration;
import java.util.Locale;
import org.jmiredo.e2e.lab.OneLabPerClass;

/**
 * The base of a relay test class: one {@link TeredoLab} (Miredo's server and clients, the relay under
 * test, the native host) for all its methods, started after the lab preconditions and torn down after
 * the last method. A subclass picks the relay and the NAT through the constructor and may add its own
 * {@code @BeforeAll}, which runs once the lab is up.
 */
abstract class TeredoLabTest extends OneLabPerClass {

    /** The relay under test in rly. */
    protected final RelayKind kind;

    private final NatKind nat;
    /** The running lab, from before the first method on. */
    protected TeredoLab teredo;

    /** Our relay, the NAT in front of lan a port-restricted cone. */
    protected TeredoLabTest() {
        this(RelayKind.JMIREDO, NatKind.CONE);
    }

    protected TeredoLabTest(RelayKind kind, NatKind nat) {
        this.kind = kind;
        this.nat = nat;
    }

    @Override
    protected final AutoCloseable openLab() {
        LabPreconditions.require(kind);
        long start = System.nanoTime();
        teredo = TeredoLab.start(kind, nat);
        System.out.printf(
                Locale.ROOT,
                "[e2e %s %s] lab %s up in %d ms, logs in %s%n",
                getClass().getSimpleName(),
                kind,
                teredo.lab().prefix(),
                Duration.ofNanos(System.nanoTime() - start).toMillis(),
                teredo.lab().dir());
        return teredo;
    }
}
