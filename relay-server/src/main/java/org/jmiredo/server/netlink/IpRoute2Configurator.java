package org.jmiredo.server.netlink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InterfaceConfigurator} through iproute2's {@code ip} command. Chosen over rtnetlink through FFM
 * because start-up and shutdown are the only callers (a few commands, no hot path) and {@code ip}'s own error
 * text ("RTNETLINK answers: File exists") is what an operator searches for.
 *
 * <p>Steps, as Miredo's relay leaves its interface: {@code ip link set dev X mtu M multicast off up}, with
 * {@code txqueuelen N} when the spec asks for one (Miredo keeps the kernel's);
 * {@code ip -6 addr add fe80::ffff:ffff:ffff/64 dev X nodad} (no duplicate address detection: nothing else is
 * on a point-to-point tunnel, and DAD would keep the address tentative for a second); {@code ip -6 route add
 * 2001::/32 dev X}. A route already present for the prefix is an error (another relay owns it), an address
 * already present is kept and left alone at shutdown.
 *
 * <p>{@link #checkHostSetup} only reads ({@code ip -d -o link show}, {@code ip -6 route show}), which needs
 * no privileges.
 */
public final class IpRoute2Configurator implements InterfaceConfigurator {
    private static final Logger LOG = LoggerFactory.getLogger(IpRoute2Configurator.class);

    /** The default limit for one {@code ip} run. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** The flags in "2: teredo: &lt;POINTOPOINT,NOARP,UP,LOWER_UP&gt; mtu 1280 ..." */
    private static final Pattern LINK_FLAGS = Pattern.compile("<([^>]*)>");
    /** The first " mtu N" (the -d output also has "minmtu" and "maxmtu", without the leading space). */
    private static final Pattern LINK_MTU = Pattern.compile(" mtu (\\d+)");
    /** " qlen N": the txqueuelen. */
    private static final Pattern LINK_QLEN = Pattern.compile(" qlen (\\d+)");
    /** "multi_queue numqueues N" in the -d output of a TUN (IFLA_TUN_NUM_QUEUES, Linux 4.15). */
    private static final Pattern TUN_QUEUES = Pattern.compile(" numqueues (\\d+)");

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
        List<String> link = new ArrayList<>(List.of("link", "set", "dev", dev, "mtu", Integer.toString(spec.mtu())));
        if (spec.txQueueLength() > 0) {
            // The kernel resizes every attached queue's ring to it (tun.c, NETDEV_CHANGE_TX_QUEUE_LEN).
            link.addAll(List.of("txqueuelen", Integer.toString(spec.txQueueLength())));
        }
        link.addAll(List.of("multicast", "off", "up"));
        ip.check(link.toArray(String[]::new));
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
        LOG.debug("{}: mtu {}, txqueuelen {}, {}, route {}", dev, spec.mtu(),
                spec.txQueueLength() > 0 ? spec.txQueueLength() : "kept", spec.linkLocalText(), spec.prefixText());
        return () -> {
            removeRoute(spec);
            if (addressAdded) {
                removeAddress(spec);
            }
        };
    }

    /**
     * Fails if the link is down (nothing would be routed into it) or more queues are attached than ours
     * (another process, e.g. a second relay, would get part of the traffic: without IFF_TUN_EXCL the kernel
     * lets every owner's process attach). Warns of a missing route for the prefix (the host may route it
     * by policy rules instead of the main table), of an MTU other than the configured one, and of a txqueuelen
     * other than a configured one.
     */
    @Override
    public List<String> checkHostSetup(TunnelInterfaceSpec spec, int attachedQueues) throws InterfaceConfigException {
        String dev = spec.name();
        String link = ip.check("-d", "-o", "link", "show", "dev", dev);
        Matcher flags = LINK_FLAGS.matcher(link);
        if (!flags.find() || !List.of(flags.group(1).split(",")).contains("UP")) {
            throw new InterfaceConfigException("interface " + dev + " is down: with tun.persistent the host "
                    + "brings it up (ip link set dev " + dev + " mtu " + spec.mtu() + " up)");
        }
        Matcher queues = TUN_QUEUES.matcher(link);
        if (queues.find() && Integer.parseInt(queues.group(1)) > attachedQueues) {
            throw new InterfaceConfigException("interface " + dev + " has " + queues.group(1) + " queues attached, "
                    + attachedQueues + " of them ours: another process (a second relay?) uses it; stop it");
        }
        List<String> warnings = new ArrayList<>();
        Matcher mtu = LINK_MTU.matcher(link);
        if (mtu.find() && Integer.parseInt(mtu.group(1)) != spec.mtu()) {
            warnings.add("interface " + dev + " has mtu " + mtu.group(1) + " but tun.mtu is " + spec.mtu()
                    + ": set both alike (packets longer than tun.mtu are read truncated and dropped)");
        }
        Matcher qlen = LINK_QLEN.matcher(link);
        if (spec.txQueueLength() > 0 && qlen.find() && Integer.parseInt(qlen.group(1)) != spec.txQueueLength()) {
            warnings.add("interface " + dev + " has txqueuelen " + qlen.group(1) + " but tun.tx-queue-length is "
                    + spec.txQueueLength() + ": the host sets it (ip link set dev " + dev + " txqueuelen "
                    + spec.txQueueLength() + ")");
        }
        if (ip.check("-6", "route", "show", spec.prefixText(), "dev", dev).isBlank()) {
            warnings.add("no route for " + spec.prefixText() + " into " + dev + " in the main table: no IPv6 "
                    + "traffic reaches the relay until the host adds it (ip -6 route add " + spec.prefixText()
                    + " dev " + dev + ")");
        }
        return warnings;
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
