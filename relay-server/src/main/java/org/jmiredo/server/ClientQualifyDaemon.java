package org.jmiredo.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.pipeline.client.ClientDataPath;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.config.ClientRoleConfig;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.HostPort;
import org.jmiredo.server.transport.TransportException;
import org.jmiredo.server.transport.TransportSettings;
import org.jmiredo.server.transport.UdpLoops;

/**
 * {@code jmiredo client --qualify-only}: a Teredo client's qualification and maintenance (RFC 4380 §5.2.1,
 * §5.2.5) on one UDP socket, without a tunnel: it finds the host's Teredo address through the configured
 * server, keeps the NAT mapping alive and follows its changes, and carries nothing. /readyz says 200 only
 * while qualified.
 */
public final class ClientQualifyDaemon extends UdpRoleDaemon {
    private final ClientRoleConfig client;
    private final QualificationSettings settings;
    private final ClientReport report;
    private final ClientDataPath dataPath;
    private volatile String local = "";

    private ClientQualifyDaemon(DaemonConfig config) {
        super(config);
        this.client = config.client();
        this.settings = client.settings(config.relay().prefix());
        this.report = new ClientReport(settings, config.tun().mtu(), (address, mtu) -> {});
        this.dataPath = new ClientDataPath(settings, report, null, 0, Clock.monotonic(), null);
    }

    /** @throws IllegalStateException when {@code jmiredo.client.server-address} is not set (the command checks) */
    public static ClientQualifyDaemon start(DaemonConfig config) throws StartupException {
        ClientQualifyDaemon daemon = new ClientQualifyDaemon(config);
        daemon.startAll();
        return daemon;
    }

    @Override
    void preflight() {
        // The bind address may be private (behind a NAT): binding it is the check.
    }

    @Override
    Map<String, Integer> boundAddresses() {
        return Map.of(ClientDaemon.BIND_ADDRESS_KEY, client.bindAddress());
    }

    @Override
    TransportSettings transportSettings() {
        return TransportSettingsMapping.client(config);
    }

    @Override
    void bind(UdpLoops loops) throws TransportException {
        ServerNameLookup lookup =
                ServerNameLookup.of(client.serverNames(), settings.primaryServer(), settings.secondaryServer());
        if (lookup != null) {
            closeLater(lookup);
        }
        dataPath.lookUpServers(lookup);
        InetSocketAddress target =
                new InetSocketAddress(TransportSettingsMapping.ipv4(client.bindAddress()), client.bindPort());
        List<Channel> bound = loops.bindOnEveryLoop(target, (channel, i) -> dataPath.initQualificationOnly(channel));
        local = HostPort.of((InetSocketAddress) bound.getFirst().localAddress()).toString();
    }

    @Override
    boolean roleReady() {
        return report.qualified();
    }

    @Override
    void bindMeters(MeterRegistry registry) {
        report.bindTo(registry);
    }

    @Override
    DataPathRole dataPathRole() {
        return DataPathRole.CLIENT;
    }

    @Override
    List<DataPathCounters> counters() {
        return dataPath.counters();
    }

    @Override
    String describe() {
        return "Teredo client (qualification only, no tunnel) of server " + Ipv4.toString(settings.primaryServer())
                + " and " + Ipv4.toString(settings.secondaryServer()) + " from UDP " + local;
    }
}
