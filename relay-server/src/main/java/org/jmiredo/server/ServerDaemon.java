package org.jmiredo.server;

import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.pipeline.server.ServerDataPath;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Teredo;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.ServerRoleConfig;
import org.jmiredo.server.config.ValueParsers;
import org.jmiredo.server.sys.RawIpv6Socket;
import org.jmiredo.server.transport.TunnelPlatform;
import org.jmiredo.server.transport.UdpLoops;
import org.jmiredo.server.tun.bsd.BsdFlavor;
import org.jmiredo.tun.TunQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code jmiredo server}: a Teredo server (RFC 4380 §5.3, RFC 5991) on UDP 3544 of two addresses of this
 * host. Per event loop, one channel on each address (SO_REUSEPORT spreads clients over the loops), the
 * pair wired by {@link ServerDataPath}; clients' ICMPv6 echo requests to native IPv6 leave through one
 * raw IPv6 socket ({@link RawIpv6Socket}), each loop with its own sender. No TUN device, no peer table:
 * the server keeps no per-client state.
 */
public final class ServerDaemon extends UdpRoleDaemon {
    private static final Logger LOG = LoggerFactory.getLogger(ServerDaemon.class);
    /** The room a native packet may take: a whole IPv6 minimum-MTU packet, or more if the limit allows. */
    private static final int MIN_NATIVE_CAPACITY = Teredo.MTU;

    private static final long MIB = 1L << 20;

    private final ServerRoleConfig role;
    private ServerSettings settings;
    private ServerDataPath dataPath;
    private RawIpv6Socket raw;

    private ServerDaemon(DaemonConfig config) {
        super(config);
        this.role = config.server();
    }

    /** Starts the server, or throws with one line for the operator (nothing stays started). */
    public static ServerDaemon start(DaemonConfig config) throws StartupException {
        ServerDaemon daemon = new ServerDaemon(config);
        daemon.startAll();
        return daemon;
    }

    @Override
    void preflight() throws StartupException {
        config.ignoredBy(DataPathRole.SERVER).forEach(LOG::warn);
        if (!role.configured()) {
            throw new StartupException(
                    "no server address: set jmiredo.server.primary-address (--config) or "
                            + "ServerBindAddress (--miredo-conf miredo-server.conf)",
                    null);
        }
        requireRaTablesFitTheHeap(role, Runtime.getRuntime().maxMemory());
        Set<Integer> assigned = HostAddresses.ipv4();
        HostAddresses.requireUsable("jmiredo.server.primary-address", role.primaryAddress(), assigned);
        if (role.secondaryDefaultedAt() == null) {
            HostAddresses.requireUsable("jmiredo.server.secondary-address", role.secondaryAddress(), assigned);
        } else {
            HostAddresses.requireDefaultedSecondary(role.secondaryDefaultedAt(), role.secondaryAddress(), assigned);
        }
        try {
            settings = role.settings();
        } catch (IllegalArgumentException e) {
            throw new StartupException("jmiredo.server: " + e.getMessage(), e);
        }
    }

    /** Both addresses: without either one, clients cannot qualify (RFC 4380 §5.2.1 tests the secondary). */
    @Override
    String conntrackRole() {
        return "server";
    }

    @Override
    Map<String, Integer> boundAddresses() {
        Map<String, Integer> bound = new LinkedHashMap<>();
        bound.put("jmiredo.server.primary-address", role.primaryAddress());
        bound.put("jmiredo.server.secondary-address", role.secondaryAddress());
        return bound;
    }

    /**
     * The per-destination tables are allocated before the loops start: a size the configuration accepts
     * (ra-destination-slots up to 4194304: 128 MiB for both) could otherwise end the start in an
     * OutOfMemoryError on a small heap. Half the heap leaves room for the rest (Netty's pools are direct memory).
     */
    static void requireRaTablesFitTheHeap(ServerRoleConfig role, long maxHeap) throws StartupException {
        long tables = role.raTableBytes();
        if (tables > maxHeap / 2) {
            throw new StartupException(
                    "jmiredo.server.ra-destination-slots = " + role.raDestinationSlots()
                            + ": the per-destination tables (RAs, forwarded packets) take " + tables / MIB
                            + " MiB (16 B x "
                            + role.raDestinationSlots() + " slots each), more than half the heap (" + maxHeap / MIB
                            + " MiB, -Xmx): lower it, or raise -Xmx",
                    null);
        }
    }

    @Override
    void beforeLoops() throws IOException {
        if (settings.nativeForwarding()) {
            TunnelPlatform.requireLinux(BsdFlavor.current(), "jmiredo.server.native-forwarding (a raw IPv6 socket)");
            raw = RawIpv6Socket.open();
            closeLater(raw); // before the loops start, so closed after they stopped: no send on a closed fd
        }
    }

    @Override
    void bind(UdpLoops loops) throws IOException {
        dataPath = new ServerDataPath(settings, Clock.monotonic());
        int capacity = Math.max(MIN_NATIVE_CAPACITY, Ipv6.HEADER_LENGTH + settings.maxIcmpPayload());
        // The primary channels first, with an empty pipeline; the secondary channel of loop i then wires
        // the pair. A datagram reaching a primary socket in between is discarded by Netty's pipeline tail:
        // the daemon is not ready yet.
        List<Channel> primaries = loops.bindOnEveryLoop(socket(settings.primaryIpv4()), (channel, i) -> {});
        loops.bindOnEveryLoop(socket(settings.secondaryIpv4()), (channel, i) -> {
            TunQueue nativeOut = raw != null ? new NativeIpv6Output(raw.sender(capacity)) : NativeIpv6Output.refusing();
            dataPath.initChannels(primaries.get(i), channel, nativeOut);
        });
    }

    private static InetSocketAddress socket(int ipv4) {
        return new InetSocketAddress(TransportSettingsMapping.ipv4(ipv4), Teredo.SERVICE_PORT);
    }

    @Override
    DataPathRole dataPathRole() {
        return DataPathRole.SERVER;
    }

    @Override
    List<DataPathCounters> counters() {
        return dataPath.counters();
    }

    @Override
    String describe() {
        return "Teredo server on " + Ipv4.toString(settings.primaryIpv4()) + ":" + Teredo.SERVICE_PORT + " and "
                + Ipv4.toString(settings.secondaryIpv4()) + ":" + Teredo.SERVICE_PORT + " (prefix "
                + ValueParsers.formatPrefix(settings.prefix()) + ", mtu option "
                + settings.advertisedMtu() + ", native forwarding " + (settings.nativeForwarding() ? "on" : "off")
                + ", ra-per-second " + settings.raPerSecond() + ", ra-per-destination " + settings.raPerDestination()
                + ", forward-per-second " + settings.forwardPerSecond() + ", forward-per-destination "
                + settings.forwardPerDestination() + ")";
    }

    /** The data path, for tests. */
    ServerDataPath dataPath() {
        return dataPath;
    }
}
