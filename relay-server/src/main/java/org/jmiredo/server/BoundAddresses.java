package org.jmiredo.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import org.jmiredo.proto.Ipv4;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The specific IPv4 addresses a daemon's sockets are bound to, and whether each is still this host's, for
 * /readyz. A socket bound to an address that left the host ({@code ip addr del}, a network manager's restart)
 * stays open and receives nothing: a Teredo server without one of its two addresses qualifies no client, a relay
 * bound to its address relays nothing. The daemon would go on saying ready. Asked by /readyz, this checks
 * again at most once per {@link #RECHECK_NANOS} and logs once when an address leaves and once when it is back.
 *
 * <p>"This host's" is what the kernel binds ({@link HostAddresses#kernelBinds}): an interface's address or one of
 * a local route, as the start-up check accepts. With {@code net.ipv4.ip_nonlocal_bind = 1} the kernel binds
 * any address, and an address removed is not seen. Addresses 0.0.0.0 are not listed: a daemon bound to all
 * addresses serves whichever the host has.
 */
final class BoundAddresses {
    private static final Logger LOG = LoggerFactory.getLogger(BoundAddresses.class);

    /** A scrape every second costs one socket bind per address at most; a scrape storm costs nothing more. */
    static final long RECHECK_NANOS = 1_000_000_000L;

    /** Configuration key (or option) to address, network order, in the order the daemon names them. */
    private final Map<String, Integer> named;

    private final IntPredicate onHost;
    private final LongSupplier nanoTime;
    private boolean checked;
    private long checkedAt;
    /** What the last check found missing, one phrase; null when every address was there. */
    private String missing;

    private BoundAddresses(Map<String, Integer> named, IntPredicate onHost, LongSupplier nanoTime) {
        this.named = named;
        this.onHost = onHost;
        this.nanoTime = nanoTime;
    }

    /** Watches the addresses of {@code named} other than 0.0.0.0, as the kernel binds them. */
    static BoundAddresses of(Map<String, Integer> named) {
        return of(named, HostAddresses::kernelBinds, System::nanoTime);
    }

    /** As {@link #of(Map)}, with the host and the clock given (tests). */
    static BoundAddresses of(Map<String, Integer> named, IntPredicate onHost, LongSupplier nanoTime) {
        Map<String, Integer> specific = new LinkedHashMap<>();
        named.forEach((key, address) -> {
            if (address != 0) {
                specific.put(key, address);
            }
        });
        return new BoundAddresses(specific, onHost, nanoTime);
    }

    /** True when every address is this host's (as of the last check, at most {@link #RECHECK_NANOS} old). */
    synchronized boolean present() {
        if (named.isEmpty()) {
            return true;
        }
        long now = nanoTime.getAsLong();
        if (!checked || now - checkedAt >= RECHECK_NANOS) {
            checked = true;
            checkedAt = now;
            update(absent());
        }
        return missing == null;
    }

    /** What is missing now, or null. */
    private String absent() {
        List<String> gone = new ArrayList<>();
        named.forEach((key, address) -> {
            if (!onHost.test(address)) {
                gone.add(key + " " + Ipv4.toString(address));
            }
        });
        return gone.isEmpty() ? null : String.join(" and ", gone);
    }

    private void update(String now) {
        if (now != null && !now.equals(missing)) {
            LOG.warn(
                    "{} is bound but no longer on this host: nothing reaches it, /readyz says 503 until it is "
                            + "back (ip addr add ... dev ...)",
                    now);
        } else if (now == null && missing != null) {
            LOG.info("{} is on this host again: ready", missing);
        }
        missing = now;
    }
}
