package org.jmiredo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.e2e.lab.LabNet.*;

import java.time.Duration;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Netns;
import org.jmiredo.e2e.lab.Poll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our client with our server ({@link OurServerBeside}, which the test may stop) behind the lab's NAT: it
 * carries traffic through our relay, follows a renumbered NAT to a new address (RFC 4380 §5.2.5), and takes
 * its address and routes off the tunnel when the server is lost, then qualifies again when it is back.
 */
@Timeout(value = 300)
class ClientMaintenanceTest extends TeredoLabTest {
    private static final Duration QUALIFY = Duration.ofSeconds(30);
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    /** A refresh every 22.5 to 30 s (RFC 4380 §5.2), answered at once. */
    private static final Duration REQUALIFY = Duration.ofSeconds(45);
    /** The next refresh (at most 30 s) and its three solicitations 4 s apart, then unqualified. */
    private static final Duration LOSS = Duration.ofSeconds(60);
    /** The client's tunnel is checked every 2 s (TunnelWatch); a loaded machine gets room beyond that. */
    private static final Duration REPAIR = Duration.ofSeconds(8);

    private static final String LAN3 = "192.168.77.4";
    private static final String RENUMBERED_NAT_OUTSIDE = "198.51.100.21";
    private static final String METRICS = "127.0.0.1:9561";
    private static final String LAN4 = "192.168.77.5";
    private static final String METRICS4 = "127.0.0.1:9562";
    private static final String LAN5 = "192.168.77.6";
    private static final String METRICS5 = "127.0.0.1:9563";
    private static final String LAN6 = "192.168.77.7";
    private static final String METRICS6 = "127.0.0.1:9564";
    /** Above the 1280 our server advertises (its tun.mtu): the RA's MTU option lowers the tunnel's. */
    private static final int CONFIGURED_MTU = 1400;

    private Netns lan3;
    private LabProcess server;
    private JmiredoClient client;
    private String address;

    @BeforeAll
    void startOurServerAndClient() {
        OurServerBeside.addAddresses(teredo);
        server = OurServerBeside.start(teredo);
        lan3 = JmiredoClient.hostBehindTheNat(teredo, "lan3", LAN3);
        client = JmiredoClient.start(
                teredo.lab(),
                lan3,
                "jmiredo-client-lan3",
                OurServerBeside.PRIMARY,
                0,
                METRICS,
                false,
                "jmiredo.tun.mtu = " + CONFIGURED_MTU);
        address = client.awaitTeredoAddress(QUALIFY);
        JmiredoClient.awaitOnTunnel(lan3, address, QUALIFY);
    }

    @Test
    @Order(1)
    @DisplayName("Our client with our server: the tunnel takes the RA's MTU; pings the native host (relay discovery "
            + "through our server) and is pinged")
    void carriesTrafficWithOurServer() {
        assertThat(TeredoAddressView.parse(address).serverIpv4()).isEqualTo(OurServerBeside.PRIMARY);
        assertThat(lan3.ip("link", "show", "dev", TUN_NAME).output())
                .as("the RA's MTU option, not tun.mtu " + CONFIGURED_MTU)
                .contains("mtu 1280 ");
        Ping.assertAnswered(lan3, NATIVE_HOST, WARM_UP);
        Ping.assertAnswered(teredo.ns(Host.V6), address, WARM_UP);
    }

    /**
     * Found here: the kernel takes the address and the routes off a link set down, and up brings none back; the
     * client carried nothing until its next new mapping.
     */
    @Test
    @Order(2)
    @DisplayName("The tunnel set down and up, then its address deleted: the client puts back the address and the "
            + "routes within seconds, and traffic flows again")
    void tunnelFlap() {
        lan3.ip("link", "set", "dev", TUN_NAME, "down");
        assertThat(lan3.globalInet6(TUN_NAME)).as("the kernel's doing").isEmpty();
        lan3.ip("link", "set", "dev", TUN_NAME, "up");
        awaitAddressAndRoutes();
        Ping.assertAnswered(lan3, NATIVE_HOST, REPAIR);
        Ping.assertAnswered(teredo.ns(Host.V6), address, WARM_UP);

        lan3.ip("-6", "addr", "del", address + "/32", "dev", TUN_NAME);
        awaitAddressAndRoutes();
        Ping.assertAnswered(lan3, NATIVE_HOST, REPAIR);
        String log = client.process().output();
        assertThat(log).contains("put back its address " + address + "/32 and default route");
        assertThat(log.split(java.util.regex.Pattern.quote("put back its address " + address), -1))
                .as("two repairs in the log")
                .hasSizeGreaterThanOrEqualTo(3);
    }

    private void awaitAddressAndRoutes() {
        Poll.until(address + " back on lan3's tunnel", REPAIR, () -> lan3.globalInet6(TUN_NAME)
                .filter(address::equals)
                .isPresent());
        Poll.until("the default route back into lan3's tunnel", REPAIR, () -> lan3.route6("default")
                .contains("dev " + TUN_NAME));
        assertThat(lan3.route6(TEREDO_PREFIX)).contains("dev " + TUN_NAME);
    }

    @Test
    @Order(3)
    @DisplayName("R-5.2.5-mapping: the NAT renumbered, the next refresh gives a new address, which carries traffic")
    void followsARenumberedNat() {
        Netns nat = teredo.ns(Host.NAT);
        nat.ip("addr", "del", NAT_OUTSIDE + V4_PREFIX_LEN, "dev", IF_V4);
        nat.addAddress(IF_V4, RENUMBERED_NAT_OUTSIDE + V4_PREFIX_LEN);
        String before = address;
        address = Poll.value("a new Teredo address on lan3's tunnel", REQUALIFY, () -> {
            client.process().assertAlive();
            return lan3.globalInet6(TUN_NAME).filter(a -> a.startsWith("2001:0:") && !a.equals(before));
        });
        assertThat(TeredoAddressView.parse(address).mappedIpv4()).isEqualTo(RENUMBERED_NAT_OUTSIDE);
        assertThat(lan3.globalInet6(TUN_NAME)).as("the old address is gone").contains(address);
        Ping.assertAnswered(lan3, NATIVE_HOST, WARM_UP);
        Ping.assertAnswered(teredo.ns(Host.V6), address, WARM_UP);
    }

    @Test
    @Order(4)
    @DisplayName("R-5.2.5-check: the server lost, the address and routes leave the tunnel and /readyz says 503; "
            + "the server back, the client qualifies again, with the same address")
    void serverLostThenBack() {
        teredo.lab().stop(server);
        Poll.until("our client to give up its address", LOSS, () -> lan3.globalInet6(TUN_NAME)
                .isEmpty());
        assertThat(lan3.route6("default")).doesNotContain("dev " + TUN_NAME);
        assertThat(lan3.route6(TEREDO_PREFIX)).doesNotContain("dev " + TUN_NAME);
        assertThat(client.readyz()).isEqualTo(503);
        assertThat(Metrics.sample(client.metrics(), "jmiredo_client_qualified")).isZero();
        // Logged by the loop before the netlink thread takes the address off: the wait is room for a loaded host.
        client.awaitLog("lost the Teredo server", Duration.ofSeconds(10));

        server = OurServerBeside.start(teredo);
        String before = address;
        address = Poll.value("our client to qualify again", QUALIFY, () -> lan3.globalInet6(TUN_NAME)
                .filter(a -> a.startsWith("2001:0:")));
        // R-5.2.5-mapping, M12: the NAT kept the mapping, so the address is the same and connections live on.
        assertThat(address).as("the same mapping, the same address").isEqualTo(before);
        // Ready once the netlink thread notes its assignment done: a moment after the address shows on the tunnel.
        Poll.until("/readyz 200 once the address is on the tunnel", REPAIR, () -> client.readyz() == 200);
        Ping.assertAnswered(lan3, NATIVE_HOST, WARM_UP);
    }

    /**
     * Found in review: the address's assignment failed, was logged, and /readyz said 200 all the same; an
     * orchestrator then sends traffic to a client that cannot carry it. IPv6 turned off on the tunnel (inherited from
     * "default", the tunnel being the client's own) is a real such failure: the kernel refuses the address.
     */
    @Test
    @Order(5)
    @DisplayName("The kernel refuses the Teredo address (IPv6 off on the tunnel): qualified, yet /readyz 503 and the "
            + "failure counted and logged once; IPv6 back on, the retry puts the address on and /readyz says 200")
    void refusedAddressIsNotReady() {
        Netns lan4 = JmiredoClient.hostBehindTheNat(teredo, "lan4", LAN4);
        lan4.sysctl("net.ipv6.conf.default.disable_ipv6=1");
        JmiredoClient refused = JmiredoClient.start(
                teredo.lab(), lan4, "jmiredo-client-lan4", OurServerBeside.PRIMARY, 0, METRICS4, false);
        String teredoAddress = refused.awaitTeredoAddress(QUALIFY);
        refused.awaitLog("cannot put the Teredo address on the tunnel", QUALIFY);
        assertThat(refused.readyz())
                .as("qualified, but no address on the tunnel")
                .isEqualTo(503);
        String metrics = refused.metrics();
        assertThat(Metrics.sample(metrics, "jmiredo_client_qualified")).isEqualTo(1.0);
        assertThat(Metrics.sample(metrics, "jmiredo_client_address_assign_failures_total"))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(lan4.globalInet6(TUN_NAME)).isEmpty();

        lan4.sysctl("net.ipv6.conf." + TUN_NAME + ".disable_ipv6=0");
        JmiredoClient.awaitOnTunnel(lan4, teredoAddress, REPAIR);
        Poll.until("/readyz 200 once the address is on the tunnel", REPAIR, () -> refused.readyz() == 200);
        assertThat(refused.process().output().split("cannot put the Teredo address", -1))
                .as("one WARN")
                .hasSize(2);
    }

    /**
     * Found in review: the name was resolved once, at start, so a server moved under its name needed a restart;
     * Miredo looks it up again after losing the server. Here the name first gives Miredo's server, then (the
     * namespace's /etc/hosts rewritten, and Miredo's server unreachable from lan5) ours.
     */
    @Test
    @Order(6)
    @DisplayName("ServerAddress a host name: the server lost, the name is looked up again and the client qualifies "
            + "with the server at its new address, without a restart")
    void aServerMovedUnderItsNameIsFoundAgain() {
        Netns lan5 = JmiredoClient.hostBehindTheNat(teredo, "lan5", LAN5);
        lan5.resolves(java.util.List.of(SERVER_PRIMARY + " teredo.example"));
        JmiredoClient named = JmiredoClient.startWithMiredoConf(
                teredo.lab(),
                lan5,
                "jmiredo-client-lan5",
                "RelayType client\nServerAddress teredo.example\n",
                METRICS5,
                true);
        assertThat(TeredoAddressView.parse(named.awaitTeredoAddress(QUALIFY)).serverIpv4())
                .isEqualTo(SERVER_PRIMARY);

        lan5.resolves(java.util.List.of(OurServerBeside.PRIMARY + " teredo.example"));
        lan5.ip("route", "add", "blackhole", SERVER_PRIMARY + "/32");
        lan5.ip("route", "add", "blackhole", SERVER_SECONDARY + "/32");
        String moved = Poll.value("a Teredo address of the server's new address", LOSS.plus(QUALIFY), () -> {
            named.process().assertAlive();
            return java.util.Optional.of(named.awaitTeredoAddress(QUALIFY))
                    .filter(a -> TeredoAddressView.parse(a).serverIpv4().equals(OurServerBeside.PRIMARY));
        });
        assertThat(named.process().output())
                .contains("host name teredo.example gives " + OurServerBeside.PRIMARY + " and "
                        + OurServerBeside.SECONDARY + " now");
        assertThat(named.readyz()).isEqualTo(200);
        assertThat(moved).startsWith("2001:0:c633:6404:");
    }

    /**
     * Found in review: the relay, the server and mire said 503 while an address their sockets are bound to had left
     * the host, the client went on saying 200 (its socket sends and receives nothing meanwhile, and it would notice
     * only when three refreshes went unanswered).
     */
    @Test
    @Order(7)
    @DisplayName("The client bound to its address (jmiredo.client.bind-address): /readyz 503 while the host lacks the "
            + "address, with the reason in the log, and 200 again once it is back")
    void boundAddressRemovedAndAddedBack() {
        Netns lan6 = JmiredoClient.hostBehindTheNat(teredo, "lan6", LAN6);
        JmiredoClient bound = JmiredoClient.start(
                teredo.lab(),
                lan6,
                "jmiredo-client-lan6",
                OurServerBeside.PRIMARY,
                0,
                METRICS6,
                false,
                "jmiredo.client.bind-address = \"" + LAN6 + "\"");
        JmiredoClient.awaitOnTunnel(lan6, bound.awaitTeredoAddress(QUALIFY), QUALIFY);
        Poll.until("/readyz 200 once qualified", REPAIR, () -> bound.readyz() == 200);

        lan6.ip("addr", "del", LAN6 + V4_PREFIX_LEN, "dev", IF_LAN);
        Poll.until("/readyz 503 without the bound address", REPAIR, () -> bound.readyz() == 503);
        bound.awaitLog("jmiredo.client.bind-address " + LAN6 + " is bound but no longer on this host", REPAIR);

        lan6.addAddress(IF_LAN, LAN6 + V4_PREFIX_LEN);
        lan6.ip("route", "replace", "default", "via", NAT_INSIDE);
        Poll.until("/readyz 200 with the address back", REPAIR, () -> bound.readyz() == 200);
        bound.awaitLog("jmiredo.client.bind-address " + LAN6 + " is on this host again: ready", REPAIR);
        Ping.assertAnswered(lan6, NATIVE_HOST, WARM_UP);
    }
}
