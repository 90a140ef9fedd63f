package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import java.util.Optional;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;

/** Debian Miredo in {@code RelayType cone}: the baseline our relay is compared with. */
final class MiredoRelay implements RelayUnderTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Lab lab;
    private LabProcess process;

    MiredoRelay(Lab lab) {
        this.lab = lab;
    }

    @Override
    public RelayKind kind() {
        return RelayKind.MIREDO;
    }

    @Override
    public void start() {
        process = Miredo.startRelay(lab);
        Netns rly = lab.ns(Host.RLY);
        Poll.until(process.name() + " to create " + TUN_NAME, START_TIMEOUT, () -> {
            process.assertAlive();
            return rly.linkUp(TUN_NAME);
        });
        // Miredo's relay leaves the route to the operator (LAB.md).
        if (!rly.route6(TEREDO_PREFIX).contains("dev " + TUN_NAME)) {
            rly.ip("-6", "route", "replace", TEREDO_PREFIX, "dev", TUN_NAME);
        }
        RelayReadiness.await(lab, process, START_TIMEOUT);
    }

    @Override
    public Optional<Integer> stop() {
        return lab.stop(process);
    }

    @Override
    public LabProcess process() {
        return process;
    }
}
