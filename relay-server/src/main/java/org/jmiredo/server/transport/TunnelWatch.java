package org.jmiredo.server.transport;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jmiredo.server.netlink.InterfaceConfigException;
import org.jmiredo.server.netlink.InterfaceConfigurator;
import org.jmiredo.server.netlink.InterfaceConfigurator.Restoration;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the daemon's own tunnel interface routed. Setting the link down ({@code ip link set teredo down}, a
 * network manager's restart) makes the kernel delete its address and its route for the prefix, and setting it
 * up again brings neither back: the relay then carried nothing while it still said ready (Miredo's relay has
 * the same hole). Every {@link #INTERVAL} this puts back whichever is missing while the link is up. While the
 * link is down it changes nothing (someone took it down) and {@link #serving()} is false, which /readyz shows.
 * A device that vanished altogether ({@code deviceGone}: a TUN read failed) ends the checks: there is nothing
 * left to put back, the daemon stops on it ({@code RelayCommand}) and says why; netlink would only answer
 * "no such device".
 *
 * <p>A host's device ({@code tun.persistent}) is the host's to keep: the watch only observes it, and
 * {@link #serving()} is false while its link is down or the prefix is not routed into it.
 */
final class TunnelWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelWatch.class);

    /** How long a flap may black-hole the relay; a check costs three netlink round trips when all is in place. */
    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final InterfaceConfigurator configurator;
    private final TunnelInterfaceSpec spec;
    /** True for the daemon's own device: put back what is missing; false for a host's: only observe. */
    private final boolean repair;

    private final BooleanSupplier deviceGone;
    private final ScheduledExecutorService timer;
    private volatile boolean serving = true;
    /** Written by the timer thread only: what the last check found, so that a lasting state is logged once. */
    private boolean down;

    private boolean failing;

    private TunnelWatch(
            InterfaceConfigurator configurator, TunnelInterfaceSpec spec, boolean repair, BooleanSupplier deviceGone) {
        this.configurator = configurator;
        this.spec = spec;
        this.repair = repair;
        this.deviceGone = deviceGone;
        this.timer = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("jmiredo-tunnel-watch", true));
    }

    /**
     * Checks every {@code interval}, the first time one interval from now (the set-up has just been done).
     *
     * @param repair true for the daemon's own device (put back what is missing), false for a host's (observe)
     * @param deviceGone true once the device itself was deleted
     */
    static TunnelWatch start(
            InterfaceConfigurator configurator,
            TunnelInterfaceSpec spec,
            boolean repair,
            BooleanSupplier deviceGone,
            Duration interval) {
        TunnelWatch watch = new TunnelWatch(configurator, spec, repair, deviceGone);
        long millis = interval.toMillis();
        watch.timer.scheduleWithFixedDelay(watch::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return watch;
    }

    /**
     * False while the last check found the link down, or a host's device without the route for the prefix, and
     * for good once the device is gone.
     */
    boolean serving() {
        return serving;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn(
                    "checking the tunnel interface {} failed; tried again in {} s",
                    spec.name(),
                    INTERVAL.toSeconds(),
                    e);
        }
    }

    void check() {
        if (deviceGone.getAsBoolean()) {
            serving = false;
            timer.shutdown(); // this check is the last: the device will not come back under this daemon
            return;
        }
        try {
            if (repair) {
                repair(configurator.restore(spec));
            } else {
                observe(configurator.serving(spec));
            }
            failing = false;
        } catch (InterfaceConfigException e) {
            if (!failing) {
                LOG.warn("cannot check the tunnel interface {}: {}", spec.name(), e.getMessage());
            }
            failing = true;
        }
    }

    private void observe(boolean now) {
        if (!now && serving) {
            LOG.warn(
                    "tunnel interface {} (the host's) is down or the route for {} does not lead into it: nothing "
                            + "is relayed until the host puts them back",
                    spec.name(),
                    spec.prefixText());
        } else if (now && !serving) {
            LOG.info("tunnel interface {} (the host's) serves again", spec.name());
        }
        serving = now;
    }

    private void repair(Restoration found) {
        serving = found.linkUp();
        if (!found.linkUp()) {
            if (!down) {
                LOG.warn(
                        "tunnel interface {} is down: the kernel dropped its route for {}, and no packet passes "
                                + "through it until the link is up again (ip link set dev {} up)",
                        spec.name(),
                        spec.prefixText(),
                        spec.name());
            }
            down = true;
            return;
        }
        if (!found.restored().isEmpty()) {
            LOG.warn(
                    "tunnel interface {}: put back its {} (the link was set down and up, or they were deleted)",
                    spec.name(),
                    String.join(" and ", found.restored()));
        } else if (down) {
            LOG.info("tunnel interface {} is up again", spec.name());
        }
        down = false;
    }

    /** Stops the checks and waits for one under way, so that none runs after the set-up is undone. Idempotent. */
    @Override
    public void close() {
        // Cancels the periodic check; one under way ends (not interrupted: it may be adding the route).
        timer.shutdown();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("the tunnel interface check did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
