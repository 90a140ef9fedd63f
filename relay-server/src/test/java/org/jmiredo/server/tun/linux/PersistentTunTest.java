package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.Errno;
import org.jmiredo.server.sys.NativeException;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attaching to a persistent device ({@code jmiredo.tun.persistent}): the sysfs checks against a fake
 * /sys/class/net, then the refusals against real devices. The real devices are made with {@code ip tuntap}
 * in this JVM's namespace (the one TUNSETIFF looks names up in), get no address or route, stay down, and are
 * deleted after each test. The non-root success path is in
 * {@link org.jmiredo.server.transport.NonRootPersistentTunTest}.
 */
class PersistentTunTest {
    @TempDir
    Path sys;

    private final List<String> devices = new ArrayList<>();

    @AfterEach
    void deleteDevices() {
        devices.forEach(d -> TestNetns.run(List.of("ip", "link", "del", "dev", d)));
    }

    // ------------------------------------------------------------------ sysfs, no privileges needed

    @Test
    void aMissingDeviceIsNamedWithTheCommandThatCreatesIt() {
        PersistentTun host = new PersistentTun(sys, "10001");
        assertThatThrownBy(() -> host.checkBeforeAttach("teredo"))
                .isInstanceOf(IOException.class)
                .hasMessage("tun.persistent is set but interface teredo does not exist: create it with "
                        + "ip tuntap add dev teredo mode tun multi_queue user 10001");
    }

    @Test
    void onlyAPersistentTunPassesTheSysfsCheck() throws Exception {
        PersistentTun host = new PersistentTun(sys, "10001");
        fakeDevice("teredo", "0x1901", "10001", "-1"); // TUN | MULTI_QUEUE | PERSIST | NO_PI, as ip tuntap makes it
        fakeDevice("other", "0x1101", "-1", "-1"); // a live daemon's device: no IFF_PERSIST
        fakeDevice("eth0", null, null, null); // not a TUN: no tun_flags

        host.checkBeforeAttach("teredo");
        assertThatThrownBy(() -> host.checkBeforeAttach("other"))
                .hasMessageStartingWith("tun.persistent is set but interface other is not persistent (another "
                        + "Teredo daemon's device?)");
        assertThatThrownBy(() -> host.checkPersistent("eth0"))
                .hasMessage("tun.persistent is set but interface eth0 is not a TUN device: choose another tun name");
    }

    @Test
    void theKernelsRefusalsBecomeHintsForThisMode() throws Exception {
        PersistentTun host = new PersistentTun(sys, "65534");
        fakeDevice("teredo", "0x1901", "10001", "-1");

        NativeException eperm = host.explain("teredo", new NativeException("x", "TUNSETIFF teredo", Errno.EPERM));
        assertThat(eperm.getMessage())
                .isEqualTo("interface teredo belongs to another user (owner 10001, group none, "
                        + "this daemon runs as uid 65534): recreate it with ip tuntap add dev teredo mode tun multi_queue "
                        + "user 65534 (TUNSETIFF teredo: EPERM)");
        assertThat(eperm.errno()).isEqualTo(Errno.EPERM);
        assertThat(host.explain("teredo", new NativeException("x", "TUNSETIFF teredo", Errno.EINVAL))
                        .getMessage())
                .startsWith("interface teredo is not a multi-queue TUN device: recreate it with ip tuntap add");
        NativeException other = new NativeException("x", "TUNSETIFF teredo", Errno.E2BIG);
        assertThat(host.explain("teredo", other)).isSameAs(other);
    }

    @Test
    void flagsAndUidAreReadAsTheKernelPrintsThem() throws Exception {
        assertThat(PersistentTun.parseFlags("0x1901") & PersistentTun.IFF_PERSIST)
                .isNotZero();
        assertThat(PersistentTun.parseFlags("0x1101") & PersistentTun.IFF_PERSIST)
                .isZero();
        assertThat(PersistentTun.parseFlags("garbage")).isZero();
        Path status = Files.writeString(sys.resolve("status"), "Name:\tjava\nUid:\t0\t65534\t65534\t65534\n");
        assertThat(PersistentTun.effectiveUid(status)).isEqualTo("65534");
        assertThat(PersistentTun.effectiveUid(sys.resolve("absent"))).isEqualTo("<uid>");
    }

    private void fakeDevice(String name, String flags, String owner, String group) throws IOException {
        Path dir = Files.createDirectories(sys.resolve(name));
        if (flags != null) {
            Files.writeString(dir.resolve("tun_flags"), flags + "\n");
            Files.writeString(dir.resolve("owner"), owner + "\n");
            Files.writeString(dir.resolve("group"), group + "\n");
        }
    }

    // ------------------------------------------------------------------ real devices, as root

    @Test
    void aMissingDeviceIsReportedInsteadOfCreated() {
        Privileges.assumeNetAdmin();
        String name = TestNetns.uniqueName("jmt");
        devices.add(name); // in case the check failed and TUNSETIFF created it
        // With CAP_NET_ADMIN, TUNSETIFF without IFF_TUN_EXCL would create a new, non-persistent device.
        assertThatThrownBy(
                        () -> LinuxTunDevice.attachPersistent(name, 2, TunQueueOptions.DEFAULTS, TunOffloadMode.AUTO))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("tun.persistent is set but interface " + name + " does not exist: create it "
                        + "with ip tuntap add dev " + name + " mode tun multi_queue user ");
        assertThat(TestNetns.run(List.of("ip", "link", "show", "dev", name)).ok())
                .isFalse();
    }

    @Test
    void aSingleQueueDeviceIsTheKernelsEinvalWithAHint() {
        Privileges.assumeNetAdmin();
        String name = hostDevice("mode", "tun"); // persistent, but without multi_queue
        assertThatThrownBy(
                        () -> LinuxTunDevice.attachPersistent(name, 1, TunQueueOptions.DEFAULTS, TunOffloadMode.AUTO))
                .isInstanceOfSatisfying(NativeException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    assertThat(e.getMessage())
                            .startsWith("interface " + name + " is not a multi-queue TUN device: "
                                    + "recreate it with ip tuntap add dev " + name + " mode tun multi_queue user ");
                });
    }

    @Test
    void anotherDaemonsLiveDeviceIsNotJoined() throws Exception {
        Privileges.assumeNetAdmin();
        String name = TestNetns.uniqueName("jmt");
        try (LinuxTunDevice theirs = LinuxTunDevice.open(name, 1)) {
            assertThatThrownBy(() ->
                            LinuxTunDevice.attachPersistent(name, 2, TunQueueOptions.DEFAULTS, TunOffloadMode.AUTO))
                    .hasMessageContaining(name + " is not persistent");
            assertThat(TestNetns.run(List.of("ip", "-d", "link", "show", "dev", name))
                            .output())
                    .as("no queue of ours was attached")
                    .contains("numqueues 1");
        }
    }

    @Test
    void theHostsDeviceGetsOurQueuesAndOutlivesThem() throws Exception {
        Privileges.assumeNetAdmin();
        String name = hostDevice("mode", "tun", "multi_queue");
        LinuxTunDevice device = LinuxTunDevice.attachPersistent(name, 3, TunQueueOptions.DEFAULTS, TunOffloadMode.AUTO);
        assertThat(device.name()).isEqualTo(name);
        assertThat(device.queueCount()).isEqualTo(3);
        assertThat(TestNetns.run(List.of("ip", "-d", "link", "show", "dev", name))
                        .output())
                .contains("multi_queue numqueues 3")
                .contains("persist on");

        device.close();
        assertThat(TestNetns.run(List.of("ip", "-d", "link", "show", "dev", name))
                        .output())
                .as("still there, with no queue attached")
                .contains("numqueues 0")
                .contains("persist on");
    }

    /**
     * IFF_VNET_HDR need not match how the host created the device: each attach sets the device's flag
     * (tun_set_iff), so the daemon's tun.offload decides, and "off" also clears offloads a run left on.
     */
    @Test
    void tunOffloadDecidesTheVirtioHeaderWhateverTheHostCreatedTheDeviceWith() throws Exception {
        Privileges.assumeNetAdmin();
        String name = hostDevice("mode", "tun", "multi_queue", "vnet_hdr");
        try (LinuxTunDevice plain =
                LinuxTunDevice.attachPersistent(name, 2, TunQueueOptions.DEFAULTS, TunOffloadMode.OFF)) {
            assertThat(plain.offloads()).isEqualTo(TunOffloads.NONE);
            assertThat(TestNetns.run(List.of("ip", "-d", "link", "show", "dev", name))
                            .output())
                    .contains("vnet_hdr off")
                    .contains("numqueues 2");
        }
        try (LinuxTunDevice offloaded =
                LinuxTunDevice.attachPersistent(name, 2, TunQueueOptions.DEFAULTS, TunOffloadMode.ON)) {
            assertThat(offloaded.offloads()).isNotEqualTo(TunOffloads.NONE);
            assertThat(offloaded.queues()).allMatch(TunQueueHandle::segmentedWrites);
            assertThat(TestNetns.run(List.of("ip", "-d", "link", "show", "dev", name))
                            .output())
                    .contains("vnet_hdr on")
                    .contains("numqueues 2");
        }
    }

    /**
     * The client opens its device here too, and refuses tun.persistent: the hint used to tell it to set the key
     * ("to attach the relay"), which only led to the next refusal. It now says which command takes the key.
     */
    @Test
    void withoutTheKeyTheHostsDeviceIsRefusedWithAPointerToIt() {
        Privileges.assumeNetAdmin();
        String name = hostDevice("mode", "tun", "multi_queue");
        assertThatThrownBy(() -> LinuxTunDevice.open(name, 2)).isInstanceOfSatisfying(NativeException.class, e -> {
            assertThat(e.errno()).isEqualTo(Errno.EBUSY);
            assertThat(e.getMessage())
                    .isEqualTo("interface " + name + " is a persistent TUN device the host "
                            + "created: delete it (ip link del " + name + ") or choose another tun.name; `jmiredo "
                            + "relay` attaches to it with tun.persistent = true (`jmiredo client` cannot) (TUNSETIFF "
                            + name + ": EBUSY)");
        });
        // The client's single queue meets the same device the same way.
        assertThatThrownBy(() -> LinuxTunDevice.open(name, 1)).hasMessageContaining("`jmiredo client` cannot");
    }

    /** A persistent device made by {@code ip tuntap add dev NAME ARGS}, deleted after the test. */
    private String hostDevice(String... args) {
        String name = TestNetns.uniqueName("jmt");
        List<String> command = new ArrayList<>(List.of("ip", "tuntap", "add", "dev", name));
        command.addAll(List.of(args));
        TestNetns.Result made = TestNetns.run(command);
        assertThat(made.ok()).as(made.output()).isTrue();
        devices.add(name);
        return name;
    }
}
