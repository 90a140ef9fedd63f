package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.InNetns;
import org.jmiredo.server.sys.Privileges;
import org.jmiredo.server.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /readyz while an address the daemon is bound to has left the host (review16): a server without its secondary
 * qualifies no client, a relay without its bind address relays nothing, yet both said ready. Now 503 until the
 * address is back.
 */
class BoundAddressesTest {
    private static final int PRIMARY = Ipv4.of(198, 51, 100, 1);
    private static final int SECONDARY = Ipv4.of(198, 51, 100, 2);

    @TempDir
    Path dir;

    private final Set<Integer> host = new HashSet<>(Set.of(PRIMARY, SECONDARY));
    private final long[] now = {0};

    private BoundAddresses server() {
        Map<String, Integer> named = new LinkedHashMap<>();
        named.put("jmiredo.server.primary-address", PRIMARY);
        named.put("jmiredo.server.secondary-address", SECONDARY);
        return BoundAddresses.of(named, host::contains, () -> now[0]);
    }

    @Test
    void anAddressGoneIsSeenAtTheNextCheckAndItsReturnLikewise() {
        BoundAddresses bound = server();
        assertThat(bound.present()).isTrue();
        host.remove(SECONDARY);
        assertThat(bound.present())
                .as("checked less than a second ago: not asked again")
                .isTrue();
        now[0] += BoundAddresses.RECHECK_NANOS;
        assertThat(bound.present()).isFalse();
        host.add(SECONDARY);
        assertThat(bound.present()).as("within the second").isFalse();
        now[0] += BoundAddresses.RECHECK_NANOS;
        assertThat(bound.present()).isTrue();
    }

    @Test
    void allAddressesAreNeverChecked() {
        BoundAddresses bound =
                BoundAddresses.of(Map.of("jmiredo.relay.bind-address", 0), address -> false, () -> now[0]);
        assertThat(bound.present()).isTrue();
    }

    /**
     * A real server in a namespace of the test's own: ready with both addresses, not ready once the secondary is
     * deleted (the kernel no longer binds it), ready again when it is added back. The daemon's threads and each
     * check run in the namespace (a socket is bound on the calling thread).
     */
    @Test
    void aServerIsNotReadyWhileItsSecondaryAddressIsGone() throws Exception {
        Privileges.assumeNetAdmin();
        Path file = dir.resolve("server.conf");
        Files.writeString(file, """
                jmiredo.server.primary-address = "198.51.100.1"
                jmiredo.server.secondary-address = "198.51.100.2"
                jmiredo.server.native-forwarding = false
                jmiredo.metrics.listen = "127.0.0.1:0"
                jmiredo.transport.event-loops = 1
                """);
        DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(file));
        try (TestNetns ns = TestNetns.create()) {
            ns.ip("link", "set", "lo", "up");
            ns.ip("addr", "add", "198.51.100.1/32", "dev", "lo");
            ns.ip("addr", "add", "198.51.100.2/32", "dev", "lo");
            try (ServerDaemon daemon = InNetns.call(ns.name(), () -> ServerDaemon.start(config))) {
                assertReadinessFollows(ns, "198.51.100.2/32", daemon::isReady);
            }
        }
    }

    /**
     * The relay bound to a specific address (jmiredo.relay.bind-address) likewise. Its transport binds loopback
     * here (the test host's namespace), so that only the check of the configured address is under test: run in
     * the namespace, which has that address, then has it no more, then has it again.
     */
    @Test
    void aRelayBoundToItsAddressIsNotReadyWhileTheAddressIsGone() throws Exception {
        Privileges.assumeNetAdmin();
        try (TestNetns ns = TestNetns.create()) {
            ns.ip("addr", "add", "198.51.100.3/32", "dev", "lo");
            Path conf = Files.writeString(dir.resolve("relay.conf"), """
                    jmiredo.relay.bind-address = "198.51.100.3"
                    jmiredo.relay.warm-up-peers = 0
                    jmiredo.metrics.listen = "127.0.0.1:0"
                    jmiredo.transport.event-loops = 1
                    jmiredo.tun.name = "%s"
                    """.formatted(TestNetns.uniqueName("jmb")));
            DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(conf));
            try (RelayDaemon daemon = RelayDaemon.start(
                    config,
                    (settings, wiring) -> Transport.start(
                            settings.withBind((Inet4Address) InetAddress.getByName("127.0.0.1"), 0)
                                    .withTun(config.tun().name(), (Inet6Address) InetAddress.getByName("2001::"), 32),
                            wiring,
                            ns.adoptingConfigurator()))) {
                assertReadinessFollows(ns, "198.51.100.3/32", daemon::isReady);
            }
        }
    }

    /**
     * Ready with {@code address} in {@code ns}, not ready once it is deleted, ready again once it is back; each
     * check in the namespace, a recheck period after the change.
     */
    private static void assertReadinessFollows(TestNetns ns, String address, Callable<Boolean> ready) throws Exception {
        assertThat(InNetns.call(ns.name(), ready)).isTrue();
        ns.ip("addr", "del", address, "dev", "lo");
        Thread.sleep(BoundAddresses.RECHECK_NANOS / 1_000_000);
        assertThat(InNetns.call(ns.name(), ready)).as("%s gone", address).isFalse();
        ns.ip("addr", "add", address, "dev", "lo");
        Thread.sleep(BoundAddresses.RECHECK_NANOS / 1_000_000);
        assertThat(InNetns.call(ns.name(), ready)).as("%s back", address).isTrue();
    }
}
