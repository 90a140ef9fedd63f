package org.jmiredo.server.tun.bsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jmiredo.server.tun.linux.EchoPackets.v6;

import java.net.Inet6Address;
import java.util.List;
import org.jmiredo.server.netlink.InterfaceConfigException;
import org.jmiredo.server.netlink.TunnelInterfaceSpec;
import org.junit.jupiter.api.Test;

/**
 * The client's tunnel interface on a BSD as a command plan: the link at start, the address and default route while
 * qualified, swapped on a new mapping, withdrawn when not qualified. The commands are recorded, never run.
 */
class BsdClientInterfaceTest {
    private static final TunnelInterfaceSpec TUN = TunnelInterfaceSpec.relay("tun0", 1280, v6("2001::"), 32);
    private static final Inet6Address FIRST = v6("2001:0:c633:6401:8000:f227:39e6:9bfd");
    private static final Inet6Address SECOND = v6("2001:0:c633:6401:8000:f227:39e6:9bfe");

    private final RecordingCommands recording = new RecordingCommands();
    private final List<String> ran = recording.ran;

    @Test
    void aQualifiedClientGetsItsAddressAndADefaultRouteAndLosesThemAgain() throws Exception {
        BsdClientInterface tunnel = new BsdClientInterface(BsdFlavor.FREEBSD, recording, true);

        tunnel.configure(TUN);
        tunnel.assign(FIRST, 1280);
        tunnel.assign(FIRST, 1280);
        tunnel.withdraw();

        assertThat(ran)
                .containsExactly(
                        "/sbin/ifconfig tun0 mtu 1280 up",
                        "/sbin/ifconfig tun0 inet6 2001:0:c633:6401:8000:f227:39e6:9bfd prefixlen 32 alias",
                        "/sbin/route -n add -inet6 default -interface tun0",
                        "/sbin/route -n delete -inet6 default",
                        "/sbin/ifconfig tun0 inet6 2001:0:c633:6401:8000:f227:39e6:9bfd -alias");
    }

    @Test
    void aNewMappingSwapsTheAddressAndTheRasMtuIsApplied() throws Exception {
        BsdClientInterface tunnel = new BsdClientInterface(BsdFlavor.DARWIN, recording, false);
        tunnel.configure(TUN);
        tunnel.assign(FIRST, 1280);
        ran.clear();

        tunnel.assign(SECOND, 1400);

        assertThat(ran)
                .containsExactly(
                        "/sbin/ifconfig tun0 mtu 1400",
                        "/sbin/ifconfig tun0 inet6 2001:0:c633:6401:8000:f227:39e6:9bfd -alias",
                        "/sbin/ifconfig tun0 inet6 2001:0:c633:6401:8000:f227:39e6:9bfe prefixlen 32 alias");
    }

    /**
     * A BSD has one default route per family: with a native one in place the tunnel's is refused; the client keeps
     * its address, and when it withdraws it does not delete the native route.
     */
    @Test
    void aNativeDefaultRouteIsLeftAlone() throws Exception {
        BsdClientInterface tunnel = new BsdClientInterface(BsdFlavor.NETBSD, recording, true);
        tunnel.configure(TUN);
        recording.failOn = "add -inet6 default";

        tunnel.assign(FIRST, 1280);
        ran.clear();
        tunnel.withdraw();

        assertThat(ran).containsExactly("/sbin/ifconfig tun0 inet6 2001:0:c633:6401:8000:f227:39e6:9bfd -alias");
    }

    @Test
    void anAddressThatCannotBeAddedFailsTheAssignment() throws Exception {
        BsdClientInterface tunnel = new BsdClientInterface(BsdFlavor.OPENBSD, recording, true);
        tunnel.configure(TUN);
        recording.failOn = "prefixlen 32 alias";

        assertThatThrownBy(() -> tunnel.assign(FIRST, 1280))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessageContaining("cannot set up the Teredo tunnel tun0");
        assertThat(ran).noneMatch(line -> line.contains("route"));
    }

    @Test
    void withdrawingBeforeTheLinkWasSetUpDoesNothing() {
        new BsdClientInterface(BsdFlavor.FREEBSD, recording, true).withdraw();

        assertThat(ran).isEmpty();
    }
}
