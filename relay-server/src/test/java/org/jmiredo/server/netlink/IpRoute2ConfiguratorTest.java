package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.server.netlink.InterfaceConfigurator.ConfiguredInterface;
import org.jmiredo.server.sys.Privileges;
import org.jmiredo.server.tun.linux.LinuxTunDevice;
import org.jmiredo.server.tun.linux.TunOffloadMode;
import org.jmiredo.server.tun.linux.TunQueueOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs iproute2 against a persistent TUN made by {@code ip tuntap} in a throw-away namespace, so nothing of
 * this host's own routing is touched. The prefix is from 2001:db8::/32 (documentation), never routed off-host.
 */
class IpRoute2ConfiguratorTest {
    private static final String DEV = "jmtun0";
    private TestNetns ns;
    private IpRoute2Configurator configurator;

    @BeforeEach
    void namespaceWithATun() {
        Privileges.assumeNetAdmin();
        ns = TestNetns.create();
        ns.ip("tuntap", "add", "mode", "tun", "name", DEV);
        configurator = new IpRoute2Configurator(ns.name(), Duration.ofSeconds(5));
    }

    @AfterEach
    void removeNamespace() {
        if (ns != null) {
            ns.close();
        }
    }

    private static TunnelInterfaceSpec spec(int mtu) {
        return TunnelInterfaceSpec.relay(DEV, mtu, TunnelInterfaceSpec.v6("2001:db8::"), 32);
    }

    @Test
    void configuresAsMiredoAndRemovesWhatItAdded() throws Exception {
        ConfiguredInterface configured = configurator.configure(spec(1400));

        String link = ns.ip("link", "show", "dev", DEV);
        assertThat(link).contains("mtu 1400").contains(",UP").doesNotContain("MULTICAST");
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).contains("inet6 fe80::ffff:ffff:ffff/64 scope link");
        assertThat(ns.ip("-6", "route", "show", "dev", DEV)).contains("2001:db8::/32 metric 1024");

        configured.close();
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).doesNotContain("fe80::ffff:ffff:ffff");
        assertThat(ns.ip("-6", "route", "show", "dev", DEV)).doesNotContain("2001:db8::/32");
    }

    @Test
    void setsTheTxQueueLengthOnlyWhenAsked() throws Exception {
        String kernels = qlen();
        configurator.configure(spec(1280)).close();
        assertThat(qlen()).as("0 keeps the kernel's").isEqualTo(kernels);

        ConfiguredInterface configured = configurator.configure(spec(1280).withTxQueueLength(8192));
        assertThat(qlen()).isEqualTo("8192");
        configured.close();
    }

    @Test
    void aPersistentDevicesOtherTxQueueLengthIsOnlyWarnedOf() throws Exception {
        ns.ip("link", "set", "dev", DEV, "txqueuelen", "1000", "up");
        ns.ip("-6", "route", "add", "2001:db8::/32", "dev", DEV);
        assertThat(configurator.checkHostSetup(spec(1500), 1)).as("0: whatever the host set").isEmpty();
        assertThat(configurator.checkHostSetup(spec(1500).withTxQueueLength(4096), 1)).containsExactly(
                "interface jmtun0 has txqueuelen 1000 but tun.tx-queue-length is 4096: the host sets it "
                        + "(ip link set dev jmtun0 txqueuelen 4096)");
        assertThat(qlen()).as("nothing changed").isEqualTo("1000");
    }

    private String qlen() throws Exception {
        Matcher m = Pattern.compile(" qlen (\\d+)").matcher(ns.ip("link", "show", "dev", DEV));
        assertThat(m.find()).as("ip link show prints the qlen").isTrue();
        return m.group(1);
    }

    @Test
    void anExistingRouteForThePrefixIsAClearErrorAndTheAddressIsRolledBack() throws Exception {
        ns.ip("link", "set", "dev", DEV, "up");
        ns.ip("-6", "route", "add", "2001:db8::/32", "dev", DEV);

        assertThatThrownBy(() -> configurator.configure(spec(1280)))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessageStartingWith("a route for 2001:db8::/32 already exists (another Teredo relay on this host?)")
                .hasMessageContaining("File exists")
                .hasMessageNotContaining("\n");
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).doesNotContain("fe80::ffff:ffff:ffff");
    }

    @Test
    void anAddressAlreadyThereIsKeptAtShutdown() throws Exception {
        ns.ip("-6", "addr", "add", "fe80::ffff:ffff:ffff/64", "dev", DEV, "nodad");
        ConfiguredInterface configured = configurator.configure(spec(1280));
        configured.close();
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).contains("fe80::ffff:ffff:ffff/64");
        assertThat(ns.ip("-6", "route", "show", "dev", DEV)).doesNotContain("2001:db8::/32");
    }

    @Test
    void aMissingDeviceFailsWithIpsOwnMessage() {
        TunnelInterfaceSpec missing = TunnelInterfaceSpec.relay("jmnone0", 1280, TunnelInterfaceSpec.v6("2001:db8::"), 32);
        assertThatThrownBy(() -> configurator.configure(missing))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessageContaining("`ip -n " + ns.name() + " link set dev jmnone0 mtu 1280 multicast off up` failed:")
                .hasMessageContaining("jmnone0");
    }

    @Test
    void checkingTheHostsSetupFailsOnlyWhenDownAndChangesNothing() throws Exception {
        assertThatThrownBy(() -> configurator.checkHostSetup(spec(1280), 1))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessage("interface jmtun0 is down: with tun.persistent the host brings it up "
                        + "(ip link set dev jmtun0 mtu 1280 up)");

        ns.ip("link", "set", "dev", DEV, "mtu", "1400", "up");
        String link = ns.ip("link", "show", "dev", DEV);
        assertThat(configurator.checkHostSetup(spec(1280), 1)).containsExactly(
                "interface jmtun0 has mtu 1400 but tun.mtu is 1280: set both alike (packets longer than tun.mtu "
                        + "are read truncated and dropped)",
                "no route for 2001:db8::/32 into jmtun0 in the main table: no IPv6 traffic reaches the relay until "
                        + "the host adds it (ip -6 route add 2001:db8::/32 dev jmtun0)");
        assertThat(ns.ip("link", "show", "dev", DEV)).as("nothing changed").isEqualTo(link);
        assertThat(ns.ip("-6", "route", "show", "dev", DEV)).doesNotContain("2001:db8::/32");

        // A route for a longer prefix is not the route for the Teredo prefix.
        ns.ip("-6", "route", "add", "2001:db8:1::/48", "dev", DEV);
        assertThat(configurator.checkHostSetup(spec(1400), 1)).singleElement(as(STRING))
                .startsWith("no route for 2001:db8::/32 into jmtun0");
        ns.ip("-6", "route", "add", "2001:db8::/32", "dev", DEV);
        assertThat(configurator.checkHostSetup(spec(1400), 1)).isEmpty();
    }

    @Test
    void queuesOfAnotherProcessOnTheHostsDeviceAreRefused() throws Exception {
        // Attached in this JVM's namespace (where TUNSETIFF looks the name up), then moved: queues stay attached.
        String name = TestNetns.uniqueName("jmt");
        assertThat(TestNetns.run(List.of("ip", "tuntap", "add", "dev", name, "mode", "tun", "multi_queue")).ok())
                .isTrue();
        try (LinuxTunDevice device = LinuxTunDevice.attachPersistent(name, 2, TunQueueOptions.DEFAULTS, TunOffloadMode.AUTO)) {
            ns.adopt(name);
            ns.ip("link", "set", "dev", name, "up");
            TunnelInterfaceSpec spec = TunnelInterfaceSpec.relay(name, 1500, TunnelInterfaceSpec.v6("2001:db8::"), 32);
            assertThatThrownBy(() -> configurator.checkHostSetup(spec, 1))
                    .hasMessage("interface " + name + " has 2 queues attached, 1 of them ours: another process "
                            + "(a second relay?) uses it; stop it");
            assertThat(configurator.checkHostSetup(spec, device.queueCount())).singleElement(as(STRING))
                    .startsWith("no route for 2001:db8::/32");
        } finally {
            TestNetns.run(List.of("ip", "link", "del", "dev", name)); // if the move did not happen
        }
    }

    @Test
    void undoAfterTheDeviceVanishedDoesNotThrow() throws Exception {
        ConfiguredInterface configured = configurator.configure(spec(1280));
        ns.ip("link", "del", "dev", DEV);
        configured.close(); // logs nothing above debug for "Cannot find device", and never throws
        assertThat(ns.tryIp("link", "show", "dev", DEV).ok()).isFalse();
    }
}
