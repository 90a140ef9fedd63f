package org.jmiredo.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.proto.Ipv4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmiredo.client} from HOCON (R-5.2-cfgserver, R-5.2-port), checked as the other roles' keys are. */
class ClientRoleConfigTest {
    @TempDir
    Path dir;

    private DaemonConfig load(String text) throws Exception {
        Path file = dir.resolve("c.conf");
        Files.writeString(file, text);
        return ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file));
    }

    @Test
    void defaultsLeaveTheRoleUnconfigured() {
        ClientRoleConfig role = ConfigLoader.defaults().client();
        assertThat(role).isEqualTo(new ClientRoleConfig(0, 0, 0, 0, true));
        assertThatThrownBy(() -> role.settings(0x2001_0000))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("server-address");
    }

    @Test
    void theSecondaryDefaultsToThePrimaryPlusOneAndThePrefixIsTheRelays() throws Exception {
        DaemonConfig config = load("""
                jmiredo.relay.prefix = "3ffe:831f::/32"
                jmiredo.client { server-address = "198.51.100.1", bind-port = 3546, default-route = false }
                """);
        QualificationSettings settings = config.client().settings(config.relay().prefix());
        assertThat(settings.primaryServer()).isEqualTo(Ipv4.of(198, 51, 100, 1));
        assertThat(settings.secondaryServer()).isEqualTo(Ipv4.of(198, 51, 100, 2));
        assertThat(settings.prefix()).isEqualTo(0x3ffe_831f);
        assertThat(config.client().bindPort()).isEqualTo(3546);
        assertThat(config.client().defaultRoute()).isFalse();
    }

    /**
     * A client behind a NAT has only a private address (RFC 4380 §5.2, R-5.2.10-port): binding it (Miredo's
     * BindAddress, e.g. the LAN side of a multi-homed host) must be possible. Addresses no socket can send
     * Teredo from are refused.
     */
    @Test
    void thePrivateAddressOfAClientBehindANatMayBeBound() throws Exception {
        DaemonConfig config = load("""
                jmiredo.client { server-address = "198.51.100.1", bind-address = "192.168.77.2" }
                """);
        assertThat(config.client().bindAddress()).isEqualTo(Ipv4.of(192, 168, 77, 2));
        Path miredo = dir.resolve("miredo.conf");
        Files.writeString(miredo, "RelayType client\nServerAddress 198.51.100.1\nBindAddress 10.1.2.3\n");
        assertThat(ConfigLoader.load(ConfigLoader.Sources.none().withMiredo(miredo))
                        .client()
                        .bindAddress())
                .isEqualTo(Ipv4.of(10, 1, 2, 3));
        Path file = dir.resolve("c.conf");
        for (String bad : new String[] {"224.0.0.253", "255.255.255.255", "127.0.0.1"}) {
            assertThatThrownBy(() -> load(
                            "jmiredo.client { server-address = \"198.51.100.1\", bind-address = \"" + bad + "\" }\n"))
                    .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                            .singleElement()
                            .asString()
                            .startsWith(file + ":1: jmiredo.client.bind-address")
                            .endsWith(bad));
        }
    }

    @Test
    void badValuesNameTheirFileLineAndKey() throws Exception {
        Path file = dir.resolve("c.conf");
        assertThatThrownBy(() -> load("""
                jmiredo.client.server-address = "10.0.0.1"
                jmiredo.client.bind-port = 70000
                """))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .hasSize(2)
                        .anySatisfy(p -> assertThat(p).startsWith(file + ":1: jmiredo.client.server-address"))
                        .anySatisfy(p -> assertThat(p).startsWith(file + ":2: jmiredo.client.bind-port")));
        assertThatThrownBy(() -> load("""
                jmiredo.client { server-address = "198.51.100.1", server-address2 = "198.51.100.1" }
                """))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .asString()
                        .contains("jmiredo.client.server-address2", "must differ"));
        assertThatThrownBy(() -> load("jmiredo.client.server-address2 = \"198.51.100.2\"\n"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .asString()
                        .contains("needs jmiredo.client.server-address"));
    }
    /**
     * The client creates its own plain tunnel: a host's persistent device or offloads it would not use are
     * refused at start, at their FILE:LINE, rather than ignored (and then failing with EBUSY on the host's
     * device). "auto" offloads may fall back to a plain device, as the relay's do.
     */
    @Test
    void theClientRefusesAPersistentTunnelAndOffloadsItWouldIgnore() throws Exception {
        Path file = dir.resolve("c.conf");
        DaemonConfig config = load("""
                jmiredo.client.server-address = "198.51.100.1"
                jmiredo.tun { name = jmtp1
                  persistent = true
                  offload = on }
                """);
        assertThatThrownBy(() -> config.client().requireOwnTunnel())
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                file
                                        + ":3: jmiredo.tun.persistent: `jmiredo client` creates its own tunnel and cannot attach"
                                        + " to a persistent device: set it to false",
                                file
                                        + ":4: jmiredo.tun.offload: `jmiredo client` opens its tunnel without offloads: set it"
                                        + " to off or auto"));
        load("""
                jmiredo.client.server-address = "198.51.100.1"
                jmiredo.tun { persistent = false, offload = auto }
                """).client().requireOwnTunnel();
    }

    /**
     * Keys only the relay reads (more event loops, receive steering, UDP GRO, per-address sockets...) are refused
     * at the client's start when an operator set them, in a file or the environment, rather than ignored.
     */
    @Test
    void theClientRefusesRelayOnlyKeysAnOperatorSet() throws Exception {
        Path file = dir.resolve("c.conf");
        DaemonConfig config = load("""
                jmiredo.client.server-address = "198.51.100.1"
                jmiredo.transport { event-loops = 4
                  udp-gro = true
                  local-address-refresh = 5s }
                jmiredo.tun.receive-steering = auto
                jmiredo.peers.segments = 256
                jmiredo.relay.bind-port = 3545
                """);
        assertThatThrownBy(() -> config.client().requireOwnTunnel())
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                file + ":7: jmiredo.relay.bind-port: `jmiredo client` does not use it (it binds to"
                                        + " jmiredo.client.bind-port): remove it",
                                file
                                        + ":5: jmiredo.tun.receive-steering: `jmiredo client` does not use it (its one tunnel"
                                        + " queue is read by its one event loop): remove it",
                                file
                                        + ":2: jmiredo.transport.event-loops: `jmiredo client` does not use it (it runs one"
                                        + " event loop: one socket, one tunnel queue): remove it",
                                file + ":3: jmiredo.transport.udp-gro: `jmiredo client` does not use it (its socket"
                                        + " receives without UDP GRO): remove it",
                                // Set to its default value, but by the operator: still a setting the client ignores.
                                file
                                        + ":4: jmiredo.transport.local-address-refresh: `jmiredo client` does not use it (it"
                                        + " sends from its one socket, with no socket per local address): remove it",
                                file
                                        + ":6: jmiredo.peers.segments: `jmiredo client` does not use it (its one event loop"
                                        + " keeps its peers in one segment): remove it"));
    }

    @Test
    void theClientRefusesARelayOnlyKeyFromTheEnvironment() throws Exception {
        Path file = dir.resolve("c.conf");
        Files.writeString(file, "jmiredo.client.server-address = \"198.51.100.1\"\n");
        Config env = ConfigFactory.parseMap(Map.of("jmiredo.transport.event-loops", "2"), "env variables overrides");
        DaemonConfig config = ConfigLoader.load(
                new ConfigLoader.Sources(Optional.of(file), Optional.empty(), env, ConfigFactory.empty()));
        assertThatThrownBy(() -> config.client().requireOwnTunnel())
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .asString()
                        .startsWith("environment variable CONFIG_FORCE_jmiredo_transport_event__loops: ")
                        .contains("jmiredo.transport.event-loops: `jmiredo client` does not use it"));
    }

    /**
     * The other way round: a client's file given to {@code jmiredo relay} (the wrong command, or a shared file)
     * started a relay on the defaults without a word, where a client's miredo.conf is refused by its RelayType.
     */
    @Test
    void theRelayRefusesTheClientsKeys() throws Exception {
        Path file = dir.resolve("c.conf");
        DaemonConfig config = load("""
                jmiredo.tun.name = teredo
                jmiredo.client { server-address = "198.51.100.1"
                  bind-port = 3546 }
                """);
        assertThatThrownBy(() -> config.requireRole(DataPathRole.RELAY))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                file + ":2: jmiredo.client.server-address: `jmiredo relay` does not use it (a Teredo"
                                        + " client's key): run `jmiredo client --config`, or remove it",
                                file
                                        + ":3: jmiredo.client.bind-port: `jmiredo relay` does not use it (a Teredo client's"
                                        + " key): run `jmiredo client --config`, or remove it"));
        config.requireRole(DataPathRole.CLIENT);
        config.requireRole(DataPathRole.SERVER);
        load("jmiredo.relay.bind-port = 3545\njmiredo.server.primary-address = \"198.51.100.1\"\n")
                .requireRole(DataPathRole.RELAY);
        ConfigLoader.defaults().requireRole(DataPathRole.RELAY);
    }

    /** reference.conf's defaults for the relay's keys are no operator's choice: the client starts. */
    @Test
    void theRelaysDefaultsAreNotRefused() throws Exception {
        load("""
                jmiredo.client.server-address = "198.51.100.1"
                jmiredo.transport { recv-batch = 16, socket-send-buffer = 1 MiB, udp-gso = off }
                jmiredo.tun { mtu = 1400, read-budget = 32 }
                jmiredo.peers.idle-timeout = 30s
                jmiredo.relay.prefix = "3ffe:831f::/32"
                """).client().requireOwnTunnel();
        ConfigLoader.defaults().client().requireOwnTunnel();
    }
}
