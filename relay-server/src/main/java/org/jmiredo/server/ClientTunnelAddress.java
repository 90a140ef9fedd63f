package org.jmiredo.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Inet6Address;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.server.netlink.ClientTunnelInterface;
import org.jmiredo.server.netlink.InterfaceConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the client's Teredo address (and its routes) on the tunnel as the qualification reports it, on a thread
 * of its own (rtnetlink blocks; the event loop must not), and says whether the address last reported is on the
 * tunnel: /readyz must not say 200 for a qualified client whose tunnel has no address, as an orchestrator would
 * then send it traffic it cannot carry. A failed assignment is counted, logged once at WARN until it succeeds,
 * and tried again every {@link #RETRY_SECONDS} s until it does or the address changes.
 */
final class ClientTunnelAddress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientDaemon.class);
    /** A failure that may pass (a sysctl, an address of the operator's in the way): soon, but not in a loop. */
    static final long RETRY_SECONDS = 5;

    /** The tunnel's address calls; they block. */
    interface Tunnel {
        void assign(Inet6Address address, int mtu) throws InterfaceConfigException;

        /** Never throws. */
        void withdraw();

        static Tunnel of(ClientTunnelInterface tunnel) {
            return new Tunnel() {
                @Override
                public void assign(Inet6Address address, int mtu) throws InterfaceConfigException {
                    tunnel.assign(address, mtu);
                }

                @Override
                public void withdraw() {
                    tunnel.withdraw();
                }
            };
        }
    }

    private final Tunnel tunnel;
    private final long retryMillis;
    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "jmiredo-client-netlink");
        t.setDaemon(true);
        return t;
    });
    /** Bumped by each change the event loop reports; {@link #onTunnel} holds the one last applied. */
    private final AtomicLong reported = new AtomicLong();

    private volatile long onTunnel = -1;
    private volatile long failures;
    /** On the netlink thread only. */
    private ScheduledFuture<?> retry;

    private boolean failing;

    ClientTunnelAddress(Tunnel tunnel) {
        this(tunnel, TimeUnit.SECONDS.toMillis(RETRY_SECONDS));
    }

    /** With another retry interval: a test's. */
    ClientTunnelAddress(Tunnel tunnel, long retryMillis) {
        this.tunnel = tunnel;
        this.retryMillis = retryMillis;
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // no retry after the stop
    }

    /**
     * On the event loop: the new address ({hi, lo}) and the tunnel's MTU, or null when not qualified any more;
     * returns at once.
     */
    void changed(long[] address, int mtu) {
        long change = reported.incrementAndGet();
        thread.execute(() -> apply(change, address, mtu));
    }

    /** True while the address last reported is on the tunnel (false until the first one is). */
    boolean onTunnel() {
        return onTunnel == reported.get();
    }

    void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("jmiredo.client.address.assign.failures", this, c -> c.failures)
                .description("Client: attempts to put the Teredo address or its route on the tunnel that failed "
                        + "(retried every " + RETRY_SECONDS + " s; /readyz says 503 meanwhile)")
                .register(registry);
    }

    private void apply(long change, long[] address, int mtu) {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        if (change != reported.get()) {
            return; // a newer change is queued behind this one
        }
        if (address == null) {
            tunnel.withdraw();
            failing = false;
            onTunnel = change;
            return;
        }
        Inet6Address teredo = TeredoAddress.toInet6(address[0], address[1]);
        try {
            tunnel.assign(teredo, mtu);
        } catch (InterfaceConfigException e) {
            failures++; // this thread is the one writer
            if (!failing) {
                failing = true;
                LOG.warn(
                        "cannot put the Teredo address on the tunnel (/readyz says 503; trying again every {} s): {}",
                        RETRY_SECONDS,
                        e.getMessage());
            } else {
                LOG.debug("still cannot put the Teredo address on the tunnel: {}", e.getMessage());
            }
            retry = thread.schedule(() -> apply(change, address, mtu), retryMillis, TimeUnit.MILLISECONDS);
            return;
        }
        if (failing) {
            failing = false;
            LOG.info("the Teredo address {} is on the tunnel now", TeredoAddress.toString(address[0], address[1]));
        }
        onTunnel = change;
    }

    /** Lets the last change (the withdrawal at the stop) run; drops a pending retry. */
    @Override
    public void close() {
        thread.shutdown();
    }
}
