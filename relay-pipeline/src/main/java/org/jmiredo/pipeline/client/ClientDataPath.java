package org.jmiredo.pipeline.client;

import io.netty.channel.Channel;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jmiredo.engine.BurstClock;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.IcmpErrors;
import org.jmiredo.engine.client.ClientReception;
import org.jmiredo.engine.client.ClientSelf;
import org.jmiredo.engine.client.ClientTransmission;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.pipeline.DataPathWiring;
import org.jmiredo.pipeline.TunToUdpPath;
import org.jmiredo.pipeline.UdpIngress;
import org.jmiredo.pipeline.UdpIngressHandler;
import org.jmiredo.pipeline.UdpSender;
import org.jmiredo.pipeline.UdpTunOutput;
import org.jmiredo.proto.BubbleSource;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;

/**
 * The Teredo client's data path (RFC 4380 §5.2) on one event loop with one UDP socket and one tunnel queue:
 * the qualification ({@link QualificationDriver}), the reception rules behind {@link ClientIngress}, the
 * transmission rules behind {@link TunToUdpPath} (as the relay's), both on one {@link BurstClock}, and a
 * bounded peer table swept once a second. With
 * qualification only, {@link #initQualificationOnly} wires a socket without a tunnel.
 */
public final class ClientDataPath implements DataPathWiring, AutoCloseable {
    private static final LongSupplier MILLIS = () -> System.nanoTime() / 1_000_000;

    private final QualificationSettings settings;
    private final LongSupplier millis;
    private final ClientStatus status;
    private final Clock clock;
    private final UdpSender.Factory senders;
    private final int icmpErrorsPerSecond;
    private final PeerTable peers;
    private final DataPathCounters counters = new DataPathCounters();
    private final SecureRandom random = new SecureRandom();
    private volatile ClientTransmission transmission;
    private volatile UdpTunOutput output;
    private volatile BurstClock burstClock;
    private volatile ServerLookup serverLookup;
    private volatile int originBubblesPerSecond;
    private volatile int echoTestsPerSecond;

    /**
     * @param peerSettings the peer table's bounds; null with qualification only
     * @param icmpErrorsPerSecond the most ICMPv6 errors written back to the tunnel per second
     */
    public ClientDataPath(
            QualificationSettings settings,
            ClientStatus status,
            PeerTableSettings peerSettings,
            int icmpErrorsPerSecond,
            Clock clock,
            UdpSender.Factory senders) {
        this(settings, status, peerSettings, icmpErrorsPerSecond, clock, MILLIS, senders);
    }

    /** @param millis the qualification's monotonic clock in milliseconds (injected by tests and fuzzers) */
    public ClientDataPath(
            QualificationSettings settings,
            ClientStatus status,
            PeerTableSettings peerSettings,
            int icmpErrorsPerSecond,
            Clock clock,
            LongSupplier millis,
            UdpSender.Factory senders) {
        this.millis = millis;
        this.settings = settings;
        this.status = status;
        this.clock = clock;
        this.senders = senders;
        this.icmpErrorsPerSecond = icmpErrorsPerSecond;
        this.peers = peerSettings == null ? null : new PeerTable(peerSettings);
    }

    /**
     * Has the server's host names looked up again after a failed round (before the channel is initialised); without
     * it, the configured addresses are kept.
     */
    public ClientDataPath lookUpServers(ServerLookup lookup) {
        this.serverLookup = lookup;
        return this;
    }

    /**
     * Budgets the answers anyone can ask for (before the channel is initialised; unlimited without it, as Miredo):
     * the direct bubbles a second to origins our server indicates, and the echo tests a second for native sources
     * speaking first ({@link ClientReception}); 0 = unlimited.
     */
    public ClientDataPath answerBudgets(int originBubbles, int echoTests) {
        this.originBubblesPerSecond = originBubbles;
        this.echoTestsPerSecond = echoTests;
        return this;
    }

    /** Qualification and maintenance alone on {@code udp}, read through Netty's pipeline; nothing is carried. */
    public void initQualificationOnly(Channel udp) {
        QualificationDriver driver =
                new QualificationDriver(settings, random, millis, null, null, status, counters, serverLookup);
        udp.pipeline().addLast(QualificationDriver.NAME, driver);
        udp.pipeline()
                .addLast("udp-ingress", new UdpIngressHandler(new ClientIngress(driver, null, null, null, counters)));
    }

    @Override
    public UdpIngress initUdpChannel(Channel udp, TunQueue tun) {
        if (peers == null || output != null) {
            throw new IllegalStateException("the client has one socket and one tunnel queue, with a peer table");
        }
        output = new UdpTunOutput(udp, senders, tun, counters);
        burstClock = new BurstClock(clock);
        ClientSelf self = new ClientSelf(
                settings.primaryServer(),
                settings.prefix(),
                random.nextLong(),
                random.nextLong(),
                BubbleSource.random(random),
                udp.alloc());
        transmission = new ClientTransmission(
                self,
                peers,
                new IcmpErrors(icmpErrorsPerSecond, udp.alloc(), counters),
                burstClock,
                counters,
                udp.alloc());
        QualificationDriver driver =
                new QualificationDriver(settings, random, millis, self, peers, status, counters, serverLookup);
        ClientReception reception = new ClientReception(
                self, peers, burstClock, counters, udp.alloc(), originBubblesPerSecond, echoTestsPerSecond);
        ClientIngress ingress = new ClientIngress(driver, reception, output, burstClock, counters);
        udp.pipeline().addLast(QualificationDriver.NAME, driver);
        udp.pipeline().addLast("udp-ingress", new UdpIngressHandler(ingress));
        udp.eventLoop().scheduleAtFixedRate(() -> peers.expire(clock.nowSeconds()), 1, 1, TimeUnit.SECONDS);
        return ingress;
    }

    @Override
    public UdpIngress initLocalChannel(Channel udp, int local) {
        throw new UnsupportedOperationException("the client answers from its one socket");
    }

    @Override
    public TunReceiver tunReceiver(Channel udp, TunQueue tun) {
        if (transmission == null) {
            throw new IllegalStateException("tunReceiver before initUdpChannel");
        }
        return new TunToUdpPath(transmission, output, counters, burstClock);
    }

    /** The one loop's counters, for the metrics endpoint. */
    public List<DataPathCounters> counters() {
        return List.of(counters);
    }

    /** Null with qualification only. */
    public PeerTable peers() {
        return peers;
    }

    /** After the event loop has stopped. */
    @Override
    public void close() {
        if (peers != null) {
            peers.close();
        }
    }
}
