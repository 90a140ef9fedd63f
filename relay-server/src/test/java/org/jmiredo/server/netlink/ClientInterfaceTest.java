package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.nio.file.Path;
import org.jmiredo.server.sys.NetlinkSocket;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's tunnel interface against a TUN made by {@code ip tuntap} in a throw-away namespace: the address
 * and the RA's MTU applied, and what a link flap or an address deletion takes put back by {@link
 * ClientInterface#restore}. Addresses are Teredo ones of the lab's documentation ranges; nothing leaves.
 */
class ClientInterfaceTest {
    private static final String DEV = "jmcli0";
    /** Server 198.51.100.1, mapping 198.51.100.20:40000. */
    private static final String ADDRESS = "2001:0:c633:6401:0:63bf:39cc:9beb";

    private TestNetns ns;
    private ClientInterface tunnel;

    @BeforeEach
    void namespaceWithATun() throws Exception {
        Privileges.assumeNetAdmin();
        ns = TestNetns.create();
        ns.ip("tuntap", "add", "mode", "tun", "name", DEV);
        Path netns = Path.of("/var/run/netns", ns.name());
        tunnel = new ClientInterface(true, () -> NetlinkSocket.openRouteIn(netns));
        tunnel.configure(TunnelInterfaceSpec.relay(DEV, 1400, TunnelInterfaceSpec.v6("2001::"), 32));
    }

    @AfterEach
    void removeNamespace() {
        if (ns != null) {
            ns.close();
        }
    }

    private TunnelInterfaceSpec spec() {
        return TunnelInterfaceSpec.relay(DEV, 1400, TunnelInterfaceSpec.v6("2001::"), 32);
    }

    private static Inet6Address address() {
        return TunnelInterfaceSpec.v6(ADDRESS);
    }

    @Test
    void theRasMtuGoesOnTheLinkWithTheAddressAndRoutes() throws Exception {
        assertThat(ns.ip("link", "show", "dev", DEV)).contains("mtu 1400");
        tunnel.assign(address(), 1300);
        assertThat(ns.ip("link", "show", "dev", DEV)).contains("mtu 1300");
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).contains("inet6 " + ADDRESS + "/32");
        assertThat(ns.ip("-6", "route", "show", "default")).contains("dev " + DEV);
        tunnel.assign(address(), 1400);
        assertThat(ns.ip("link", "show", "dev", DEV)).contains("mtu 1400");
    }

    @Test
    void aFlappedLinkGetsItsAddressAndDefaultRouteBack() throws Exception {
        tunnel.assign(address(), 1400);
        assertThat(tunnel.restore(spec()).restored()).as("all in place").isEmpty();
        ns.ip("link", "set", "dev", DEV, "down");
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).doesNotContain(ADDRESS);
        assertThat(tunnel.restore(spec()).linkUp()).isFalse();

        ns.ip("link", "set", "dev", DEV, "up");
        InterfaceConfigurator.Restoration restored = tunnel.restore(spec());
        assertThat(restored.restored()).containsExactly("address " + ADDRESS + "/32", "default route");
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).contains("inet6 " + ADDRESS + "/32");
        assertThat(ns.ip("-6", "route", "show", "2001::/32")).contains("dev " + DEV);
        assertThat(ns.ip("-6", "route", "show", "default")).contains("dev " + DEV);
        assertThat(ns.ip("link", "show", "dev", DEV))
                .as("the MTU survives a flap")
                .contains("mtu 1400");

        ns.ip("-6", "addr", "del", ADDRESS + "/32", "dev", DEV);
        assertThat(tunnel.restore(spec()).restored()).containsExactly("address " + ADDRESS + "/32");
    }

    /**
     * R-3.2.1-lastresort: Teredo only as a last resort. A default route the host has already (native IPv6, the
     * kernel's metric 1024) is kept and wins: the tunnel's goes beneath it at Miredo's metric 1029, so only
     * Teredo peers (2001::/32) go through the tunnel. (Not running at all beside native IPv6, RFC 4380 §5.5, is
     * the operator's choice, as in Miredo: README "Teredo client".)
     */
    @Test
    void r321LastresortANativeDefaultRouteIsKeptAndWins() throws Exception {
        nativeLink();
        ns.ip("-6", "route", "add", "default", "dev", "jmnat0");
        tunnel.assign(address(), 1400);
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).contains("inet6 " + ADDRESS + "/32");
        assertThat(ns.ip("-6", "route", "get", "2001:db8::1")).contains("dev jmnat0");
        assertThat(ns.ip("-6", "route", "get", "2001:0:c633:6401::1")).contains("dev " + DEV);
        assertThat(ns.ip("-6", "route", "show", "default")).contains("dev " + DEV + " metric 1029");
    }

    /**
     * R-3.2.1-lastresort, the other way round: native IPv6 that comes after the client qualified can still put
     * its default route in (at 1024, the tunnel's took that metric and the kernel refused a second one: File
     * exists) and wins; when it goes, the tunnel's carries again, and withdrawing the tunnel's leaves it alone.
     */
    @Test
    void r321LastresortANativeDefaultRouteAddedLaterWinsAndTheTunnelsTakesOverWhenItGoes() throws Exception {
        nativeLink();
        tunnel.assign(address(), 1400);
        assertThat(ns.ip("-6", "route", "get", "2001:db8::1")).contains("dev " + DEV);
        ns.ip("-6", "route", "add", "default", "dev", "jmnat0");
        assertThat(ns.ip("-6", "route", "get", "2001:db8::1")).contains("dev jmnat0");
        ns.ip("-6", "route", "del", "default", "dev", "jmnat0");
        assertThat(ns.ip("-6", "route", "get", "2001:db8::1")).contains("dev " + DEV);
        ns.ip("-6", "route", "add", "default", "dev", "jmnat0");
        tunnel.withdraw();
        assertThat(ns.ip("-6", "route", "show", "default"))
                .contains("dev jmnat0")
                .doesNotContain(DEV);
    }

    /** A second link with an address, to carry "native" IPv6 (no dummy driver on every kernel). */
    private void nativeLink() {
        ns.ip("tuntap", "add", "mode", "tun", "name", "jmnat0");
        ns.ip("link", "set", "dev", "jmnat0", "up");
    }

    @Test
    void notQualifiedNothingIsPutBack() throws Exception {
        tunnel.assign(address(), 1400);
        tunnel.withdraw();
        ns.ip("link", "set", "dev", DEV, "down");
        ns.ip("link", "set", "dev", DEV, "up");
        assertThat(tunnel.restore(spec()).restored()).isEmpty();
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).doesNotContain(ADDRESS);
        assertThat(ns.ip("-6", "route", "show", "default")).doesNotContain(DEV);
    }
}
