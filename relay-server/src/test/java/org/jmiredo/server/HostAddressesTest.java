package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.InNetns;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.Test;

/** Issue 3: the server refuses, in one line, addresses that are not global unicast or not assigned. */
class HostAddressesTest {
    private static final int PRIMARY = Ipv4.of(198, 51, 100, 1);

    @Test
    void anAssignedGlobalAddressIsAccepted() {
        assertThatCode(() -> HostAddresses.requireUsable("k", PRIMARY, Set.of(PRIMARY)))
                .doesNotThrowAnyException();
    }

    @Test
    void aNonGlobalAddressIsRefusedEvenWhenAssigned() {
        int lan = Ipv4.of(192, 168, 1, 1);
        assertThatThrownBy(() -> HostAddresses.requireUsable("jmiredo.server.secondary-address", lan, Set.of(lan)))
                .isInstanceOf(StartupException.class)
                .hasMessage("jmiredo.server.secondary-address 192.168.1.1 is not a global unicast IPv4 address: "
                        + "Teredo clients cannot use it (RFC 4380 section 5.2.4)");
    }

    @Test
    void anUnassignedAddressIsRefusedWithTheHostsAddresses() {
        assertThatThrownBy(() -> HostAddresses.requireUsable(
                        "jmiredo.server.primary-address", PRIMARY, Set.of(Ipv4.of(127, 0, 0, 1))))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("jmiredo.server.primary-address 198.51.100.1 is not assigned to this host "
                        + "(its IPv4 addresses: 127.0.0.1)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aDefaultedSecondaryTheHostLacksIsNamedAsDefaultedAtThePrimarysLine() {
        int secondary = Ipv4.of(198, 51, 100, 2);
        assertThatCode(() -> HostAddresses.requireDefaultedSecondary("s.conf:3", secondary, Set.of(secondary)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> HostAddresses.requireDefaultedSecondary("s.conf:3", secondary, Set.of(PRIMARY)))
                .isInstanceOf(StartupException.class)
                .hasMessage("s.conf:3: jmiredo.server.secondary-address is not set; defaulted to primary-address + 1"
                        + " = 198.51.100.2, which this host does not have (its IPv4 addresses: 198.51.100.1); set it"
                        + " explicitly, or add it, e.g. ip addr add 198.51.100.2/32 dev eth0");
    }

    @Test
    void theHostsAddressesIncludeLoopback() throws Exception {
        assertThat(HostAddresses.ipv4()).contains(Ipv4.of(127, 0, 0, 1));
    }

    /**
     * An address no interface carries but a local route gives the host ("AnyIP", ip route add local ... dev lo):
     * the kernel binds and receives it, so miredo-server serves it; so must we. One outside the route still
     * gets the one-line refusal.
     */
    @Test
    void anAddressOfALocalRouteIsAcceptedAsMiredoBindsIt() throws Exception {
        Privileges.assumeNetAdmin();
        try (TestNetns ns = TestNetns.create()) {
            ns.ip("route", "add", "local", "198.51.100.64/26", "dev", "lo");
            int anyIp = Ipv4.of(198, 51, 100, 70);
            int elsewhere = Ipv4.of(198, 51, 100, 200);
            Set<Integer> assigned = InNetns.call(ns.name(), HostAddresses::ipv4);
            assertThat(assigned).doesNotContain(anyIp);

            assertThatCode(() -> InNetns.call(ns.name(), () -> {
                        HostAddresses.requireUsable("jmiredo.server.primary-address", anyIp, assigned);
                        return null;
                    }))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> InNetns.call(ns.name(), () -> {
                        HostAddresses.requireUsable("jmiredo.server.primary-address", elsewhere, assigned);
                        return null;
                    }))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith(
                            "jmiredo.server.primary-address 198.51.100.200 is not assigned to this host");
        }
    }
}
