package org.jmiredo.server.netlink;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InterfaceConfigurator} through iproute2's {@code ip} command. Chosen over rtnetlink through FFM
 * because start-up and shutdown are the only callers (a few commands, no hot path) and {@code ip}'s own error
 * text ("RTNETLINK answers: File exists") is what an operator searches for.
 *
 * <p>Steps, as Miredo's relay leaves its interface: {@code ip link set dev X mtu M multicast off up};
 * {@code ip -6 addr add fe80::ffff:ffff:ffff/64 dev X nodad} (no duplicate address detection: nothing else is
 * on a point-to-point tunnel, and DAD would keep the address tentative for a second); {@code ip -6 route add
 * 2001::/32 dev X}. A route already present for the prefix is an error (another relay owns it), an address
 * already present is kept and left alone at shutdown.
 */
public final class IpRoute2Configurator implements InterfaceConfigurator {
    private static final Logger LOG = LoggerFactory.getLogger(IpRoute2Configurator.class);

    /** The default limit for one {@code ip} run. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final IpCommand ip;

    /** Configures interfaces in this process's network namespace. */
    public IpRoute2Configurator() {
        this(null, DEFAULT_TIMEOUT);
    }

    /**
     * @param netns a named network namespace ({@code ip netns}) the interface lives in, or null for this
     *     process's own
     * @param timeout the limit for each {@code ip} run
     */
    public IpRoute2Configurator(String netns, Duration timeout) {
        this.ip = new IpCommand(netns, timeout);
    }

    @Override
    public ConfiguredInterface configure(TunnelInterfaceSpec spec) throws InterfaceConfigException {
        String dev = spec.name();
        // IFF_MULTICAST off as Miredo: the kernel then sends no MLD reports into the tunnel.
        ip.check("link", "set", "dev", dev, "mtu", Integer.toString(spec.mtu()), "multicast", "off", "up");
        boolean addressAdded = addAddress(spec);
        IpCommand.Result route = ip.run("-6", "route", "add", spec.prefixText(), "dev", dev);
        if (!route.ok()) {
            if (addressAdded) {
                removeAddress(spec);
            }
            if (route.output().contains("File exists")) {
                throw new InterfaceConfigException("a route for " + spec.prefixText()
                        + " already exists (another Teredo relay on this host?): " + IpCommand.oneLine(route.output()));
            }
            throw ip.failure(route, "-6", "route", "add", spec.prefixText(), "dev", dev);
        }
        LOG.debug("{}: mtu {}, {}, route {}", dev, spec.mtu(), spec.linkLocalText(), spec.prefixText());
        return () -> {
            removeRoute(spec);
            if (addressAdded) {
                removeAddress(spec);
            }
        };
    }

    private boolean addAddress(TunnelInterfaceSpec spec) throws InterfaceConfigException {
        String[] args = {"-6", "addr", "add", spec.linkLocalText(), "dev", spec.name(), "nodad"};
        IpCommand.Result result = ip.run(args);
        if (result.ok()) {
            return true;
        }
        // EEXIST: older kernels say "RTNETLINK answers: File exists", newer ones (extack)
        // "Error: ipv6: address already assigned."
        if (result.output().contains("File exists") || result.output().contains("already assigned")) {
            return false;
        }
        throw ip.failure(result, args);
    }

    private void removeRoute(TunnelInterfaceSpec spec) {
        quietly("-6", "route", "del", spec.prefixText(), "dev", spec.name());
    }

    private void removeAddress(TunnelInterfaceSpec spec) {
        quietly("-6", "addr", "del", spec.linkLocalText(), "dev", spec.name());
    }

    // Undo never fails shutdown. "Cannot find device": the TUN is gone, and took its address and route with it.
    private void quietly(String... args) {
        try {
            IpCommand.Result result = ip.run(args);
            if (!result.ok() && !result.output().contains("Cannot find device")) {
                LOG.warn("{}", ip.failure(result, args).getMessage());
            }
        } catch (InterfaceConfigException e) {
            LOG.warn("{}", e.getMessage());
        }
    }
}
