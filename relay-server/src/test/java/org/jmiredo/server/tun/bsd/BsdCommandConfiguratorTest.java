package org.jmiredo.server.tun.bsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jmiredo.server.tun.linux.EchoPackets.v6;

import java.util.List;
import org.jmiredo.server.netlink.InterfaceConfigException;
import org.jmiredo.server.netlink.InterfaceConfigurator.ConfiguredInterface;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.junit.jupiter.api.Test;

/**
 * The command plans that set up and tear down the relay's tunnel on each BSD and macOS, as data: the commands are
 * recorded, never run (there is no BSD here, and they would change this host's interfaces).
 */
class BsdCommandConfiguratorTest {
    private static final TunnelInterfaceSpec TEREDO = TunnelInterfaceSpec.relay("teredo", 1280, v6("2001::"), 32);

    private final RecordingCommands recording = new RecordingCommands();
    private final List<String> ran = recording.ran;

    @Test
    void freeBsdGivesTheInterfaceMiredosAddressMtuAndRoute() throws Exception {
        ConfiguredInterface configured = new BsdCommandConfigurator(BsdFlavor.FREEBSD, recording).configure(TEREDO);

        assertThat(ran)
                .containsExactly(
                        "/sbin/ifconfig teredo inet6 fe80::ffff:ffff:ffff%teredo prefixlen 64 alias",
                        "/sbin/ifconfig teredo mtu 1280 up",
                        "/sbin/route -n add -inet6 2001:: -prefixlen 32 -interface teredo");
        ran.clear();
        configured.close();
        assertThat(ran)
                .containsExactly(
                        "/sbin/route -n delete -inet6 2001:: -prefixlen 32",
                        "/sbin/ifconfig teredo inet6 fe80::ffff:ffff:ffff%teredo -alias");
    }

    @Test
    void eachSystemSpellsTheDirectRouteItsWay() throws Exception {
        TunnelInterfaceSpec tun0 = TunnelInterfaceSpec.relay("tun0", 1280, v6("2001::"), 32);
        new BsdCommandConfigurator(BsdFlavor.NETBSD, recording).configure(tun0);
        new BsdCommandConfigurator(BsdFlavor.OPENBSD, recording).configure(tun0);
        new BsdCommandConfigurator(BsdFlavor.DARWIN, recording)
                .configure(TunnelInterfaceSpec.relay("utun3", 1280, v6("2001::"), 32));

        assertThat(ran)
                .filteredOn(line -> line.startsWith("/sbin/route"))
                .containsExactly(
                        "/sbin/route -n add -inet6 2001:: -prefixlen 32 -interface fe80::ffff:ffff:ffff%tun0",
                        "/sbin/route -n add -inet6 2001:: -prefixlen 32 -iface fe80::ffff:ffff:ffff%tun0",
                        "/sbin/route -n add -inet6 2001:: -prefixlen 32 -interface utun3");
    }

    /** The route is the last step: when it fails (a route for the prefix exists), only the address is undone. */
    @Test
    void aFailedRouteUndoesTheAddressButNotSomeoneElsesRoute() {
        recording.failOn = "route -n add";

        assertThatThrownBy(() -> new BsdCommandConfigurator(BsdFlavor.FREEBSD, recording).configure(TEREDO))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessageContaining("cannot set up the tunnel interface teredo")
                .hasMessageContaining("File exists");
        assertThat(ran).last().isEqualTo("/sbin/ifconfig teredo inet6 fe80::ffff:ffff:ffff%teredo -alias");
        assertThat(ran).noneMatch(line -> line.contains("route -n delete"));
    }

    @Test
    void aFailedFirstStepLeavesNothingToUndo() {
        recording.failOn = "prefixlen 64 alias";

        assertThatThrownBy(() -> new BsdCommandConfigurator(BsdFlavor.FREEBSD, recording).configure(TEREDO))
                .isInstanceOf(InterfaceConfigException.class);
        assertThat(ran).hasSize(1);
    }

    @Test
    void undoingCarriesOnPastAnInterfaceAlreadyGone() throws Exception {
        ConfiguredInterface configured = new BsdCommandConfigurator(BsdFlavor.FREEBSD, recording).configure(TEREDO);
        recording.failOn = "teredo";
        ran.clear();

        configured.close();

        assertThat(ran).hasSize(2);
    }

    @Test
    void renamingAndDestroying() {
        assertThat(BsdInterfacePlan.rename("tun0", "teredo"))
                .containsExactly("/sbin/ifconfig", "tun0", "name", "teredo");
        assertThat(BsdInterfacePlan.destroy(BsdFlavor.FREEBSD, "teredo"))
                .containsExactly(List.of("/sbin/ifconfig", "teredo", "destroy"));
        assertThat(BsdInterfacePlan.destroy(BsdFlavor.DARWIN, "utun3"))
                .as("a utun goes with its socket")
                .isEmpty();
    }

    @Test
    void aHostsPersistentDeviceIsLinuxOnly() {
        assertThatThrownBy(() -> new BsdCommandConfigurator(BsdFlavor.FREEBSD, recording).checkHostSetup(TEREDO, 1))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessageContaining("Linux only");
        assertThat(ran).isEmpty();
    }
}
