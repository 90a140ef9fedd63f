package org.jmiredo.server.netlink;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.slf4j.LoggerFactory;

/**
 * Runs the rtnetlink configurator against a persistent TUN made by {@code ip tuntap} in a throw-away namespace
 * (its netlink socket is opened in there), so nothing of this host's own routing is touched; {@code ip} reads
 * back what it did. The prefix is from 2001:db8::/32 (documentation), never routed off-host.
 */
class RtnetlinkConfiguratorTest {
    private static final String DEV = "jmtun0";
    private TestNetns ns;
    private RtnetlinkConfigurator configurator;
    private final Logger log = (Logger) LoggerFactory.getLogger(RtnetlinkConfigurator.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void namespaceWithATun() {
        Privileges.assumeNetAdmin();
        logged.start();
        log.addAppender(logged);
        ns = TestNetns.create();
        ns.ip("tuntap", "add", "mode", "tun", "name", DEV);
        configurator = RtnetlinkConfigurator.inNamespace(ns.name());
    }

    @AfterEach
    void removeNamespace() {
        log.detachAppender(logged);
        if (ns != null) {
            ns.close();
        }
    }

    private static TunnelInterfaceSpec spec(int mtu) {
        return TunnelInterfaceSpec.relay(DEV, mtu, TunnelInterfaceSpec.v6("2001:db8::"), 32);
    }

    /** The link's details but its UP flag and what follows from it (state, a qdisc), which the undo keeps. */
    private String link() {
        return ns.ip("-d", "link", "show", "dev", DEV)
                .replaceAll("NO-CARRIER,|,UP|,LOWER_UP|UP,", "")
                .replaceAll(" qdisc \\S+", "")
                .replaceAll(" state \\S+", "");
    }

    @Test
    void configuresAsMiredoAndUndoLeavesTheInterfaceAsFound() throws Exception {
        String before = link();
        String addressesBefore = ns.ip("-6", "addr", "show", "dev", DEV);
        ConfiguredInterface configured = configurator.configure(spec(1400));

        assertThat(ns.ip("link", "show", "dev", DEV))
                .contains("mtu 1400")
                .contains(",UP")
                .doesNotContain("MULTICAST");
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV))
                .as("usable at once: not tentative")
                .contains("inet6 fe80::ffff:ffff:ffff/64 scope link nodad")
                .doesNotContain("tentative");
        assertThat(ns.ip("-6", "route", "show", "table", "local", "dev", DEV))
                .as("packets to it are delivered")
                .contains("local fe80::ffff:ffff:ffff proto kernel metric 0");
        assertThat(ns.ip("-6", "route", "show", "dev", DEV)).contains("2001:db8::/32 metric 1024");

        configured.close();
        assertThat(warnings()).isEmpty();
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV))
                .doesNotContain("fe80::ffff:ffff:ffff")
                .isEqualTo(addressesBefore);
        assertThat(ns.ip("-6", "route", "show", "table", "all")).doesNotContain("2001:db8::/32");
        assertThat(link())
                .as("mtu, multicast as found")
                .isEqualTo(before)
                .contains("mtu 1500")
                .contains("MULTICAST");
    }

    @Test
    void setsTheTxQueueLengthOnlyWhenAskedAndPutsItBack() throws Exception {
        String kernels = qlen();
        configurator.configure(spec(1280)).close();
        assertThat(qlen()).as("0 keeps the kernel's").isEqualTo(kernels);

        ConfiguredInterface configured = configurator.configure(spec(1280).withTxQueueLength(8192));
        assertThat(qlen()).isEqualTo("8192");
        configured.close();
        assertThat(qlen()).isEqualTo(kernels);
    }

    private String qlen() {
        Matcher m = Pattern.compile(" qlen (\\d+)").matcher(ns.ip("link", "show", "dev", DEV));
        assertThat(m.find()).as("ip link show prints the qlen").isTrue();
        return m.group(1);
    }

    @Test
    void anExistingRouteForThePrefixIsAClearErrorAndTheOtherStepsAreUndone() {
        ns.ip("link", "set", "dev", DEV, "up");
        ns.ip("-6", "route", "add", "2001:db8::/32", "dev", DEV);
        String before = link();

        assertThatThrownBy(() -> configurator.configure(spec(1400)))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessage("a route for 2001:db8::/32 already exists (another Teredo relay on this host?): "
                        + "RTNETLINK answers: File exists")
                .hasMessageNotContaining("\n");
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).doesNotContain("fe80::ffff:ffff:ffff");
        assertThat(link()).as("mtu and multicast put back").isEqualTo(before);
        assertThat(ns.ip("-6", "route", "show", "dev", DEV))
                .as("the other relay's route stays")
                .contains("2001:db8::/32");
    }

    @Test
    void anAddressAlreadyThereIsKeptAtShutdown() throws Exception {
        ns.ip("-6", "addr", "add", "fe80::ffff:ffff:ffff/64", "dev", DEV, "nodad");
        ConfiguredInterface configured = configurator.configure(spec(1280));
        assertThat(ns.ip("-6", "route", "show", "dev", DEV)).contains("2001:db8::/32");
        configured.close();
        assertThat(warnings()).isEmpty();
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).contains("fe80::ffff:ffff:ffff/64");
        assertThat(ns.ip("-6", "route", "show", "dev", DEV)).doesNotContain("2001:db8::/32");
    }

    @Test
    void restoreDoesNothingWhileDownAndPutsBackRouteAndAddressTheKernelDroppedWhenUpAgain() throws Exception {
        ConfiguredInterface configured = configurator.configure(spec(1280));
        assertThat(configurator.restore(spec(1280)))
                .as("all in place")
                .isEqualTo(new InterfaceConfigurator.Restoration(true, List.of()));

        ns.ip("link", "set", "dev", DEV, "down");
        assertThat(ns.ip("-6", "route", "show", "dev", DEV))
                .as("the kernel's doing")
                .doesNotContain("2001:db8::/32");
        assertThat(configurator.restore(spec(1280))).isEqualTo(new InterfaceConfigurator.Restoration(false, List.of()));
        assertThat(ns.ip("link", "show", "dev", DEV)).as("left down").doesNotContain(",UP");

        ns.ip("link", "set", "dev", DEV, "up");
        assertThat(configurator.restore(spec(1280)).restored())
                .containsExactly("address fe80::ffff:ffff:ffff/64", "route 2001:db8::/32");
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).contains("inet6 fe80::ffff:ffff:ffff/64");
        assertThat(ns.ip("-6", "route", "show", "dev", DEV)).contains("2001:db8::/32 metric 1024");
        assertThat(configurator.restore(spec(1280)).restored()).as("once").isEmpty();

        ns.ip("-6", "route", "del", "2001:db8::/32", "dev", DEV);
        assertThat(configurator.restore(spec(1280)).restored()).containsExactly("route 2001:db8::/32");
        configured.close();
        assertThat(ns.ip("-6", "route", "show", "dev", DEV)).doesNotContain("2001:db8::/32");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void servingMeansUpWithThePrefixRoutedIntoTheDeviceAndChangesNothing() throws Exception {
        assertThat(configurator.serving(spec(1280))).as("down, no route").isFalse();
        ns.ip("link", "set", "dev", DEV, "up");
        assertThat(configurator.serving(spec(1280))).as("up, no route").isFalse();
        ns.ip("-6", "route", "add", "2001:db8::/32", "dev", DEV);
        assertThat(configurator.serving(spec(1280))).isTrue();
        ns.ip("tuntap", "add", "mode", "tun", "name", "jmother0");
        ns.ip("link", "set", "dev", "jmother0", "up");
        ns.ip("-6", "route", "add", "2001:db8::/48", "dev", "jmother0");
        assertThat(configurator.serving(spec(1280)))
                .as("a more specific route leads elsewhere")
                .isFalse();
        ns.ip("-6", "route", "del", "2001:db8::/48", "dev", "jmother0");
        ns.ip("link", "set", "dev", DEV, "down");
        assertThat(configurator.serving(spec(1280))).isFalse();
        assertThat(ns.ip("-6", "addr", "show", "dev", DEV)).doesNotContain("fe80::ffff:ffff:ffff");
    }

    @Test
    void aMissingDeviceFailsWithTheKernelsAnswerAndTheName() {
        TunnelInterfaceSpec missing =
                TunnelInterfaceSpec.relay("jmnone0", 1280, TunnelInterfaceSpec.v6("2001:db8::"), 32);
        assertThatThrownBy(() -> configurator.configure(missing))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessage("cannot find interface jmnone0: RTNETLINK answers: No such device");
        assertThatThrownBy(() -> configurator.checkHostSetup(missing, 1))
                .hasMessage("cannot find interface jmnone0: RTNETLINK answers: No such device");
    }

    @Test
    void aMissingNamespaceFailsClearly() {
        RtnetlinkConfigurator nowhere = RtnetlinkConfigurator.inNamespace(TestNetns.uniqueName("jmnone"));
        assertThatThrownBy(() -> nowhere.configure(spec(1280)))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessageStartingWith("no such network namespace (open /var/run/netns/jmnone")
                .hasMessageEndingWith(": ENOENT)");
    }

    @Test
    void checkingTheHostsSetupFailsOnlyWhenDownAndChangesNothing() throws Exception {
        assertThatThrownBy(() -> configurator.checkHostSetup(spec(1280), 1))
                .isInstanceOf(InterfaceConfigException.class)
                .hasMessage("interface jmtun0 is down: with tun.persistent the host brings it up "
                        + "(ip link set dev jmtun0 mtu 1280 up)");

        ns.ip("link", "set", "dev", DEV, "mtu", "1400", "up");
        String link = ns.ip("link", "show", "dev", DEV);
        assertThat(configurator.checkHostSetup(spec(1280), 1))
                .containsExactly(
                        "interface jmtun0 has mtu 1400 but tun.mtu is 1280: set both alike (the read buffers are sized "
                                + "for tun.mtu and grow when longer packets come)",
                        "no route for 2001:db8::/32 into jmtun0 in the main table: no IPv6 traffic reaches the relay until "
                                + "the host adds it (ip -6 route add 2001:db8::/32 dev jmtun0)");
        assertThat(ns.ip("link", "show", "dev", DEV)).as("nothing changed").isEqualTo(link);
        assertThat(ns.ip("-6", "route", "show", "dev", DEV)).doesNotContain("2001:db8::/32");

        // A route for a longer prefix, or in another table, is not the route for the Teredo prefix.
        ns.ip("-6", "route", "add", "2001:db8:1::/48", "dev", DEV);
        ns.ip("-6", "route", "add", "2001:db8::/32", "dev", DEV, "table", "100");
        assertThat(configurator.checkHostSetup(spec(1400), 1))
                .singleElement(as(STRING))
                .startsWith("no route for 2001:db8::/32 into jmtun0");
        ns.ip("-6", "route", "add", "2001:db8::/32", "dev", DEV);
        assertThat(configurator.checkHostSetup(spec(1400), 1)).isEmpty();
    }

    @Test
    void aPersistentDevicesOtherTxQueueLengthIsOnlyWarnedOf() throws Exception {
        ns.ip("link", "set", "dev", DEV, "txqueuelen", "1000", "up");
        ns.ip("-6", "route", "add", "2001:db8::/32", "dev", DEV);
        assertThat(configurator.checkHostSetup(spec(1500), 1))
                .as("0: whatever the host set")
                .isEmpty();
        assertThat(configurator.checkHostSetup(spec(1500).withTxQueueLength(4096), 1))
                .containsExactly(
                        "interface jmtun0 has txqueuelen 1000 but tun.tx-queue-length is 4096: the host sets it "
                                + "(ip link set dev jmtun0 txqueuelen 4096)");
        assertThat(qlen()).as("nothing changed").isEqualTo("1000");
    }

    @Test
    void queuesOfAnotherProcessOnTheHostsDeviceAreRefused() throws Exception {
        // Attached in this JVM's namespace (where TUNSETIFF looks the name up), then moved: queues stay attached.
        String name = TestNetns.uniqueName("jmt");
        assertThat(TestNetns.run(List.of("ip", "tuntap", "add", "dev", name, "mode", "tun", "multi_queue"))
                        .ok())
                .isTrue();
        try (LinuxTunDevice device =
                LinuxTunDevice.attachPersistent(name, 2, TunQueueOptions.DEFAULTS, TunOffloadMode.AUTO)) {
            ns.adopt(name);
            ns.ip("link", "set", "dev", name, "up");
            TunnelInterfaceSpec spec = TunnelInterfaceSpec.relay(name, 1500, TunnelInterfaceSpec.v6("2001:db8::"), 32);
            assertThatThrownBy(() -> configurator.checkHostSetup(spec, 1))
                    .hasMessage("interface " + name + " has 2 queues attached, 1 of them ours: another process "
                            + "(a second relay?) uses it; stop it");
            assertThat(configurator.checkHostSetup(spec, device.queueCount()))
                    .singleElement(as(STRING))
                    .startsWith("no route for 2001:db8::/32");
        } finally {
            TestNetns.run(List.of("ip", "link", "del", "dev", name)); // if the move did not happen
        }
    }

    @Test
    void undoAfterTheDeviceVanishedDoesNotThrow() throws Exception {
        ConfiguredInterface configured = configurator.configure(spec(1280));
        ns.ip("link", "del", "dev", DEV);
        configured.close(); // ENODEV, ESRCH: nothing to undo, nothing to say
        assertThat(ns.tryIp("link", "show", "dev", DEV).ok()).isFalse();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void undoAfterTheNamespaceVanishedDoesNotThrow() throws Exception {
        ConfiguredInterface configured = configurator.configure(spec(1280));
        ns.close();
        configured.close(); // cannot even open the socket: a warning, never an exception
        assertThat(warnings())
                .singleElement(as(STRING))
                .startsWith("cannot undo the set-up of jmtun0: no such network namespace (open /var/run/netns/");
    }

    private List<String> warnings() {
        return logged.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
