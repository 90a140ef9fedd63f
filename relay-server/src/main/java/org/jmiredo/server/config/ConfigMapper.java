package org.jmiredo.server.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.engine.ServedPrefixes;
import org.jmiredo.engine.UnknownPeerPolicy;
import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.pipeline.HandshakeWarmUp;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6Prefix;
import org.jmiredo.proto.Teredo;
import org.jmiredo.server.transport.UdpGsoMode;
import org.jmiredo.server.tun.linux.ReceiveSteering;
import org.jmiredo.server.tun.linux.TunOffloadMode;

/** Reads a resolved {@code jmiredo} tree into {@link DaemonConfig}, checking every key's range. */
final class ConfigMapper {
    /** A multi-queue TUN device has at most 256 queues (MAX_TAP_QUEUES, drivers/net/tun.c). */
    private static final int MAX_EVENT_LOOPS = 256;
    /** UIO_MAXIOV: recvmmsg(2) takes at most this many messages per call. */
    private static final int MAX_RECV_BATCH = 1024;

    private static final int MAX_SOCKET_BUFFER = 1 << 30;
    private static final int MAX_PEERS = 1 << 30;
    private static final int MAX_SEGMENTS = 1 << 16;
    private static final int MAX_QUEUE_BYTES_PER_PEER = 1 << 20;
    /** A bound for the tunnel's txqueuelen: a million 1280-byte packets is over a GiB of kernel memory. */
    private static final int MAX_TX_QUEUE_LENGTH = 1_000_000;

    /** A bound for the bubbles to peers without an entry: beyond it a flood of forged packets aims too many. */
    private static final int MAX_UNKNOWN_BUBBLES_PER_SECOND = 100_000;

    /**
     * Keys only the relay reads, with why the client has no use for them. Set in a client's configuration they
     * would change nothing, silently; reference.conf's defaults for them are no operator's choice.
     */
    private static final List<RelayOnlyKey> RELAY_ONLY = List.of(
            new RelayOnlyKey("jmiredo.relay.type", "it is a Teredo client, whatever type a relay would be"),
            new RelayOnlyKey("jmiredo.relay.bind-address", "it binds to jmiredo.client.bind-address"),
            new RelayOnlyKey("jmiredo.relay.bind-port", "it binds to jmiredo.client.bind-port"),
            new RelayOnlyKey("jmiredo.relay.unknown-peers", "its own rules decide which peers it talks with"),
            new RelayOnlyKey("jmiredo.relay.warm-up-peers", "only a relay warms up its handshake path at start"),
            new RelayOnlyKey("jmiredo.relay.trust-renewal", "its own rules decide when it bubbles its peers"),
            new RelayOnlyKey(
                    "jmiredo.relay.unknown-bubbles-per-second", "its own rules decide when it bubbles its peers"),
            new RelayOnlyKey("jmiredo.relay.served-prefixes", "it forwards no one's packets but its own host's"),
            new RelayOnlyKey("jmiredo.tun.receive-steering", "its one tunnel queue is read by its one event loop"),
            new RelayOnlyKey("jmiredo.transport.event-loops", "it runs one event loop: one socket, one tunnel queue"),
            new RelayOnlyKey("jmiredo.transport.udp-gro", "its socket receives without UDP GRO"),
            new RelayOnlyKey(
                    "jmiredo.transport.local-address-refresh",
                    "it sends from its one socket, with no socket per local address"),
            new RelayOnlyKey("jmiredo.peers.segments", "its one event loop keeps its peers in one segment"));

    private record RelayOnlyKey(String key, String why) {}

    private final ConfigReader in;
    private final NameRecorder names;

    private ConfigMapper(Config config, Config written, NameRecorder names) {
        this.in = new ConfigReader(config, written);
        this.names = names;
    }

    /**
     * @param written the HOCON file's layer as written (unresolved), where its substitutions are found
     * @param names the host names the Miredo file's addresses were looked up as
     * @param sources where the configuration came from, for the start-up log line
     * @throws InvalidConfigException listing every bad value with its FILE:LINE and key
     */
    static DaemonConfig map(
            Config config, Config written, List<RoleDirective> roleDirectives, NameRecorder names, String sources)
            throws InvalidConfigException {
        ConfigMapper mapper = new ConfigMapper(config, written, names);
        RelayConfig relay = mapper.relay();
        TunConfig tun = mapper.tun();
        TransportConfig transport = mapper.transport();
        PeerTableSettings peers = mapper.peers();
        IcmpConfig icmp = new IcmpConfig((int) mapper.in.integer("jmiredo.icmp.errors-per-second", 0, 1_000_000));
        MetricsConfig metrics = new MetricsConfig(
                mapper.in.parsed("jmiredo.metrics.listen", HostPort::parse, new HostPort("0.0.0.0", 9544)),
                (int) mapper.in.integer("jmiredo.metrics.max-connections", 1, 65_536),
                (int) mapper.in.integer("jmiredo.metrics.max-connections-per-source", 1, 65_536),
                (int) mapper.in.integer("jmiredo.metrics.scrapes-per-second", 0, 1_000_000));
        LoggingConfig logging = mapper.logging();
        ServerRoleConfig server = mapper.server(relay.prefix(), tun.mtu());
        ClientRoleConfig client = mapper.client(tun);
        if (!mapper.in.problems().isEmpty()) {
            throw new InvalidConfigException(mapper.in.problems());
        }
        return new DaemonConfig(
                relay, tun, transport, peers, icmp, metrics, logging, server, client, roleDirectives, sources);
    }

    private RelayConfig relay() {
        return new RelayConfig(
                in.parsed("jmiredo.relay.type", RelayType::parse, RelayType.CONE),
                in.parsed("jmiredo.relay.bind-address", ValueParsers::bindAddress, 0),
                (int) in.integer("jmiredo.relay.bind-port", 1, 65_535),
                in.parsed("jmiredo.relay.prefix", ValueParsers::teredoPrefix, Teredo.PREFIX),
                in.parsed("jmiredo.relay.unknown-peers", ConfigMapper::unknownPeers, UnknownPeerPolicy.ACCEPT_MATCHING),
                (int) in.integer("jmiredo.relay.warm-up-peers", 0, HandshakeWarmUp.MAX_PEERS),
                trustRenewal(),
                (int) in.integer("jmiredo.relay.unknown-bubbles-per-second", 0, MAX_UNKNOWN_BUBBLES_PER_SECOND),
                servedPrefixes());
    }

    /** The range the relay serves (RFC 4380 §5.4.2): at most {@value ServedPrefixes#MAX} IPv6 prefixes. */
    private ServedPrefixes servedPrefixes() {
        String key = "jmiredo.relay.served-prefixes";
        List<Ipv6Prefix> prefixes = in.list(key, Ipv6Prefix::parse, "[\"2001:db8::/48\"]");
        if (prefixes.size() > ServedPrefixes.MAX) {
            in.problem(
                    key,
                    "must hold at most " + ServedPrefixes.MAX + " prefixes, got " + prefixes.size()
                            + " (aggregate them into shorter ones)");
            return ServedPrefixes.defaults();
        }
        return ServedPrefixes.of(prefixes);
    }

    /** Whole seconds, as the peer table keeps its times: 0 (never, as Miredo) to 20 s before the lapse. */
    private int trustRenewal() {
        String key = "jmiredo.relay.trust-renewal";
        Duration renewal = in.duration(key, Duration.ZERO, Duration.ofSeconds(RelaySettings.MAX_TRUST_RENEWAL_SECONDS));
        if (renewal.toMillis() % 1000 != 0) {
            in.problem(key, "must be a whole number of seconds, got " + in.writtenDuration(key));
            return 0;
        }
        return (int) renewal.toSeconds();
    }

    private TunConfig tun() {
        return new TunConfig(
                in.parsed("jmiredo.tun.name", ValueParsers::interfaceName, "teredo"),
                (int) in.integer("jmiredo.tun.mtu", Teredo.MTU, ValueParsers.MAX_MTU),
                (int) in.integer("jmiredo.tun.read-budget", 1, 65_536),
                in.bool("jmiredo.tun.persistent"),
                in.parsed("jmiredo.tun.offload", TunOffloadMode::parse, TunOffloadMode.OFF),
                (int) in.integer("jmiredo.tun.tx-queue-length", 0, MAX_TX_QUEUE_LENGTH),
                in.parsed("jmiredo.tun.receive-steering", ReceiveSteering::parse, ReceiveSteering.OFF));
    }

    private TransportConfig transport() {
        return new TransportConfig(
                (int) in.integer("jmiredo.transport.event-loops", 0, MAX_EVENT_LOOPS),
                (int) in.integer("jmiredo.transport.recv-batch", 1, MAX_RECV_BATCH),
                (int) in.integer("jmiredo.transport.max-messages-per-read", 1, 65_536),
                (int) in.bytes("jmiredo.transport.socket-receive-buffer", 0, MAX_SOCKET_BUFFER),
                (int) in.bytes("jmiredo.transport.socket-send-buffer", 0, MAX_SOCKET_BUFFER),
                in.bool("jmiredo.transport.udp-gro"),
                in.parsed("jmiredo.transport.udp-gso", UdpGsoMode::parse, UdpGsoMode.OFF),
                in.duration("jmiredo.transport.udp-gso-retry", Duration.ofSeconds(1), Duration.ofDays(1)),
                localAddressRefresh());
    }

    /** 0 turns the per-address sockets off; else at least a second, so the refresh never busies the host. */
    private Duration localAddressRefresh() {
        String key = "jmiredo.transport.local-address-refresh";
        Duration refresh = in.duration(key, Duration.ZERO, Duration.ofDays(1));
        if (!refresh.isZero() && refresh.compareTo(Duration.ofSeconds(1)) < 0) {
            in.problem(key, "must be 0 (off) or at least 1s, got " + in.writtenDuration(key));
            return Duration.ZERO;
        }
        return refresh;
    }

    private PeerTableSettings peers() {
        int max = (int) in.integer("jmiredo.peers.max", 1, MAX_PEERS);
        int segments = (int) in.integer("jmiredo.peers.segments", 1, MAX_SEGMENTS);
        if (Integer.bitCount(segments) != 1) {
            in.problem("jmiredo.peers.segments", "must be a power of two, got " + segments);
            segments = 1;
        }
        Duration idle = in.duration("jmiredo.peers.idle-timeout", Duration.ofSeconds(1), Duration.ofDays(1));
        int queueBytes = (int) in.bytes("jmiredo.peers.queue-bytes-per-peer", 0, MAX_QUEUE_BYTES_PER_PEER);
        if (queueBytes > 0 && queueBytes < PeerTableSettings.MIN_QUEUE_BYTES_PER_PEER) {
            // Not even an IPv6 header fits, charged what its copy costs: every packet would be dropped as
            // queue_full. Perhaps "1" meant 1 KiB.
            in.problem(
                    "jmiredo.peers.queue-bytes-per-peer",
                    "must be 0 (queue nothing) or at least "
                            + PeerTableSettings.MIN_QUEUE_BYTES_PER_PEER
                            + " bytes (about what a queue holding one IPv6 "
                            + "header costs), got " + queueBytes
                            + " (a number without a unit is bytes: write 9KiB or 9216)");
        }
        int queuedPeers = (int) in.integer("jmiredo.peers.max-queued-peers", 0, MAX_PEERS);
        return new PeerTableSettings(max, segments, (int) Math.max(1, idle.toSeconds()), queueBytes, queuedPeers);
    }

    private LoggingConfig logging() {
        return new LoggingConfig(
                in.parsed("jmiredo.logging.format", LogFormat::parse, LogFormat.TEXT),
                in.parsed("jmiredo.logging.level", ConfigMapper::level, "INFO"),
                in.parsed("jmiredo.logging.syslog-facility", SyslogFacility::parse, Optional.empty()),
                in.parsed("jmiredo.logging.syslog-address", HostPort::parse, new HostPort("localhost", 514)));
    }

    /**
     * {@code jmiredo.server}. Empty strings are the defaults that depend on other keys: the secondary
     * address is the primary plus one (miredo-server.conf(5)), the prefix is {@code jmiredo.relay.prefix}
     * and the advertised MTU is {@code jmiredo.tun.mtu}, so that miredo-server.conf's Prefix and
     * InterfaceMTU, which the Miredo reader maps to those keys, apply to the server too.
     */
    private ServerRoleConfig server(int relayPrefix, int tunMtu) {
        String base = "jmiredo.server.";
        int primary = in.parsed(base + "primary-address", ConfigMapper::optionalGlobalIpv4, 0);
        int secondary = in.parsed(base + "secondary-address", ConfigMapper::optionalGlobalIpv4, 0);
        int prefix =
                in.parsed(base + "prefix", t -> t.isBlank() ? relayPrefix : ValueParsers.teredoPrefix(t), relayPrefix);
        int mtu = in.parsed(base + "advertised-mtu", t -> t.isBlank() ? tunMtu : advertisedMtu(t), tunMtu);
        int maxIcmp = (int) in.integer(base + "max-icmp-payload", 0, 65_535);
        int raPerSecond = (int) in.integer(base + "ra-per-second", 0, 1_000_000);
        boolean nativeForwarding = in.bool(base + "native-forwarding");
        int raPerDestination = (int) in.integer(base + "ra-per-destination", 0, 1_000_000);
        int raSlots = (int) in.integer(base + "ra-destination-slots", 1_024, 1 << 22);
        int forwardPerSecond = (int) in.integer(base + "forward-per-second", 0, 10_000_000);
        int forwardPerDestination = (int) in.integer(base + "forward-per-destination", 0, 10_000_000);
        if (Integer.bitCount(raSlots) != 1) {
            in.problem(base + "ra-destination-slots", "must be a power of two, got " + raSlots);
            raSlots = ServerSettings.DEFAULT_RA_DESTINATION_SLOTS;
        }
        String secondaryDefaultedAt = null;
        if (primary == 0 && secondary != 0) {
            in.problem(base + "secondary-address", "needs jmiredo.server.primary-address as well");
            secondary = 0;
        } else if (primary != 0 && secondary == 0) {
            secondary = primary + 1;
            secondaryDefaultedAt = in.where(base + "primary-address");
            if (!Ipv4.isGlobalUnicast(secondary)) {
                in.problem(
                        base + "primary-address",
                        "the default secondary address (the primary plus one, " + Ipv4.toString(secondary)
                                + ") is not global unicast: set secondary-address");
            }
        } else if (primary != 0 && primary == secondary) {
            in.problem(base + "secondary-address", "must differ from the primary address (RFC 4380 section 5.3.2)");
        }
        return new ServerRoleConfig(
                primary,
                secondary,
                prefix,
                mtu,
                maxIcmp,
                raPerSecond,
                nativeForwarding,
                raPerDestination,
                raSlots,
                forwardPerSecond,
                forwardPerDestination,
                secondaryDefaultedAt);
    }

    /**
     * The settings the client cannot honour: it creates its own plain device (ClientInterface puts the
     * address it qualifies for on it), so a host's persistent device or demanded offloads would be ignored;
     * and the relay's own keys ({@link #RELAY_ONLY}), refused when an operator set them.
     */
    private List<String> clientRefusals(TunConfig tun) {
        List<String> refusals = new ArrayList<>();
        if (tun.persistent()) {
            refusals.add(in.located(
                    "jmiredo.tun.persistent",
                    "`jmiredo client` creates its own tunnel and cannot "
                            + "attach to a persistent device: set it to false"));
        }
        if (tun.offload() == TunOffloadMode.ON) {
            refusals.add(in.located(
                    "jmiredo.tun.offload",
                    "`jmiredo client` opens its tunnel without offloads: set " + "it to off or auto"));
        }
        for (RelayOnlyKey k : RELAY_ONLY) {
            if (in.setByOperator(k.key())) {
                refusals.add(in.located(k.key(), "`jmiredo client` does not use it (" + k.why() + "): remove it"));
            }
        }
        return refusals;
    }

    /** {@code jmiredo.client}: the server's two addresses ("" secondary = the primary plus one) and the bind. */
    private ClientRoleConfig client(TunConfig tun) {
        String base = "jmiredo.client.";
        int primary = in.parsed(base + "server-address", ConfigMapper::optionalGlobalIpv4, 0);
        int secondary = in.parsed(base + "server-address2", ConfigMapper::optionalGlobalIpv4, 0);
        int bindAddress = in.parsed(base + "bind-address", ValueParsers::clientBindAddress, 0);
        int bindPort = (int) in.integer(base + "bind-port", 0, 65_535);
        boolean defaultRoute = in.bool(base + "default-route");
        int originBubbles = (int) in.integer(base + "origin-bubbles-per-second", 0, 1_000_000);
        int echoTests = (int) in.integer(base + "echo-tests-per-second", 0, 1_000_000);
        ServerNames serverNames = new ServerNames(
                names.nameOf(primary, in.originFile(base + "server-address")),
                names.nameOf(secondary, in.originFile(base + "server-address2")),
                secondary == 0);
        if (primary == 0 && secondary != 0) {
            in.problem(base + "server-address2", "needs jmiredo.client.server-address as well");
            secondary = 0;
        } else if (primary != 0 && secondary == 0) {
            secondary = primary + 1;
            if (!Ipv4.isGlobalUnicast(secondary)) {
                in.problem(
                        base + "server-address",
                        "the default secondary address (the primary plus one, " + Ipv4.toString(secondary)
                                + ") is not global unicast: set server-address2");
            }
        } else if (primary != 0 && primary == secondary) {
            in.problem(base + "server-address2", "must differ from server-address (RFC 4380 section 5.2.1)");
        }
        return new ClientRoleConfig(
                primary,
                secondary,
                bindAddress,
                bindPort,
                defaultRoute,
                clientRefusals(tun),
                serverNames.any() ? serverNames : ServerNames.NONE,
                clientKeysSet(),
                originBubbles,
                echoTests);
    }

    /**
     * The client's keys an operator set, each as the relay's refusal: a client's file given to {@code jmiredo
     * relay} would otherwise run a relay on the defaults without a word (its miredo.conf is refused by its
     * RelayType). The server reads a shared file with the relay's keys and is not concerned.
     */
    private List<String> clientKeysSet() {
        return in.setByOperatorUnder("jmiredo.client").stream()
                .map(key -> in.located(
                        key,
                        "`jmiredo relay` does "
                                + "not use it (a Teredo client's key): run `jmiredo client --config`, or remove it"))
                .toList();
    }

    /** "" (not set) as 0, else a global unicast IPv4 address. */
    static int optionalGlobalIpv4(String text) {
        return text.isBlank() ? 0 : ValueParsers.globalIpv4(text);
    }

    /** The RA's MTU option: 0 (left out) or 1280-65535 (RFC 4380 section 5.1.2; RFC 4861 section 4.6.4). */
    static int advertisedMtu(String text) {
        long value = ValueParsers.integer(text);
        if (value != 0 && (value < Teredo.MTU || value > ValueParsers.MAX_MTU)) {
            throw new IllegalArgumentException(
                    "must be 0 (no MTU option) or " + Teredo.MTU + "-" + ValueParsers.MAX_MTU + ", got " + value);
        }
        return (int) value;
    }

    static UnknownPeerPolicy unknownPeers(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "accept-matching" -> UnknownPeerPolicy.ACCEPT_MATCHING;
            case "drop" -> UnknownPeerPolicy.DROP;
            default -> throw new IllegalArgumentException("must be accept-matching or drop, got \"" + text + "\"");
        };
    }

    static String level(String text) {
        String level = text.trim().toUpperCase(Locale.ROOT);
        return switch (level) {
            case "ERROR", "WARN", "INFO", "DEBUG", "TRACE" -> level;
            default ->
                throw new IllegalArgumentException("must be error, warn, info, debug or trace, got \"" + text + "\"");
        };
    }
}
