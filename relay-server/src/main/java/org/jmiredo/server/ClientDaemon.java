package org.jmiredo.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import org.jmiredo.engine.client.ClientState;
import org.jmiredo.engine.client.QualificationFailure;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.pipeline.client.ClientStatus;
import org.jmiredo.pipeline.client.QualificationHandler;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.server.config.ClientRoleConfig;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.transport.TransportException;
import org.jmiredo.server.transport.TransportSettings;
import org.jmiredo.server.transport.UdpLoops;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code jmiredo client --qualify-only}: a Teredo client's qualification and maintenance (RFC 4380 §5.2.1,
 * §5.2.5) on one UDP socket and one event loop. It finds the host's Teredo address through the configured
 * server, keeps the NAT mapping alive and follows its changes; it carries no IPv6 traffic (no tunnel yet).
 * /readyz says 200 only while qualified; {@code jmiredo_client_state} and {@code jmiredo_client_qualified}
 * show where it stands.
 */
public final class ClientDaemon extends UdpRoleDaemon implements ClientStatus {
    private static final Logger LOG = LoggerFactory.getLogger(ClientDaemon.class);

    private final ClientRoleConfig client;
    private final QualificationSettings settings;
    private final DataPathCounters counters = new DataPathCounters();
    private volatile ClientState state = ClientState.OFFLINE;
    private volatile String address = "";
    private volatile String local = "";

    private ClientDaemon(DaemonConfig config) {
        super(config);
        this.client = config.client();
        this.settings = client.settings(config.relay().prefix());
    }

    /** @throws IllegalStateException when {@code jmiredo.client.server-address} is not set (the command checks) */
    public static ClientDaemon start(DaemonConfig config) throws StartupException {
        ClientDaemon daemon = new ClientDaemon(config);
        daemon.startAll();
        return daemon;
    }

    @Override
    void preflight() {
        // The bind address may be private (behind a NAT): binding it is the check.
    }

    @Override
    TransportSettings transportSettings() {
        return super.transportSettings().withEventLoops(1); // one socket: the qualification's state is per socket
    }

    @Override
    void bind(UdpLoops loops) throws TransportException {
        InetSocketAddress target = new InetSocketAddress(TransportSettingsMapping.ipv4(client.bindAddress()),
                client.bindPort());
        List<Channel> bound = loops.bindOnEveryLoop(target, (channel, i) -> channel.pipeline().addLast(
                QualificationHandler.NAME, new QualificationHandler(settings, new SecureRandom(),
                        () -> System.nanoTime() / 1_000_000, this, counters)));
        local = text((InetSocketAddress) bound.getFirst().localAddress());
    }

    @Override
    boolean roleReady() {
        return state == ClientState.QUALIFIED;
    }

    @Override
    void bindMeters(MeterRegistry registry) {
        Gauge.builder("jmiredo.client.state", this, d -> d.state.gauge())
                .description("Client: 0 offline, 1 soliciting the primary server address, 2 checking the NAT at the "
                        + "secondary address, 3 qualified")
                .register(registry);
        Gauge.builder("jmiredo.client.qualified", this, d -> d.state == ClientState.QUALIFIED ? 1 : 0)
                .description("Client: 1 while it holds a valid Teredo address")
                .register(registry);
    }

    @Override
    DataPathRole dataPathRole() {
        return DataPathRole.CLIENT;
    }

    @Override
    List<DataPathCounters> counters() {
        return List.of(counters);
    }

    @Override
    String describe() {
        return "Teredo client (qualification only, no tunnel) of server " + Ipv4.toString(settings.primaryServer())
                + " and " + Ipv4.toString(settings.secondaryServer()) + " from UDP " + local;
    }

    /** The Teredo address while qualified, else "". */
    public String teredoAddress() {
        return address;
    }

    @Override
    public void qualified(long addressHi, long addressLo, int mtu) {
        String previous = address;
        address = TeredoAddress.toString(addressHi, addressLo);
        LOG.info("{} Teredo address {} (MTU {}), NAT mapping {}:{}", previous.isEmpty() ? "qualified:" : "new mapping:",
                address, mtu, Ipv4.toString(TeredoAddress.mappedIpv4(addressLo)), TeredoAddress.mappedPort(addressLo));
    }

    @Override
    public void unqualified(QualificationFailure why) {
        address = "";
        switch (why) {
            case NO_REPLY -> LOG.warn("no reply from the Teredo server {}: trying again in 100 s",
                    Ipv4.toString(settings.primaryServer()));
            case NO_REPLY_SECONDARY -> LOG.warn("no reply from the server's secondary address {}: the NAT cannot be "
                    + "checked (set jmiredo.client.server-address2?); trying again in 100 s",
                    Ipv4.toString(settings.secondaryServer()));
            case SYMMETRIC_NAT -> LOG.error("symmetric NAT: the server's two addresses saw different mappings, and "
                    + "Teredo cannot cross such a NAT (RFC 4380 section 5.2.1); trying again in 100 s");
            case SERVER_LOST -> LOG.warn("lost the Teredo server (three refreshes unanswered): qualifying again");
        }
    }

    @Override
    public void state(ClientState next) {
        state = next;
    }
}
