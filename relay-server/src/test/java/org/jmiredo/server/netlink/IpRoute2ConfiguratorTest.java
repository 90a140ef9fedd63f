package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.jmiredo.server.netlink.InterfaceConfigurator.ConfiguredInterface;
import org.jmiredo.server.sys.Privileges;
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
    void undoAfterTheDeviceVanishedDoesNotThrow() throws Exception {
        ConfiguredInterface configured = configurator.configure(spec(1280));
        ns.ip("link", "del", "dev", DEV);
        configured.close(); // logs nothing above debug for "Cannot find device", and never throws
        assertThat(ns.tryIp("link", "show", "dev", DEV).ok()).isFalse();
    }
}
