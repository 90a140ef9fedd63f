package org.jmiredo.server.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jmiredo.server.netlink.TestNetns;
import org.junit.jupiter.api.Test;

class TunSyscallsTest {
    private static final int MQ = TunSyscalls.IFF_TUN | TunSyscalls.IFF_NO_PI | TunSyscalls.IFF_MULTI_QUEUE;

    @Test
    void interfaceNamesAreCheckedBeforeAnySyscall() {
        assertThat(TunSyscalls.validName("teredo")).hasSize(6);
        assertThat(TunSyscalls.validName("a23456789012345")).hasSize(15);
        for (String bad : new String[] {"", "a234567890123456", "a/b", "a b", "a:b", ".", ".."}) {
            assertThatThrownBy(() -> TunSyscalls.validName(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("interface name");
        }
    }

    @Test
    void hintsTellTheOperatorWhatToDo() {
        assertThat(TunSyscalls.openHint("/dev/net/tun", Errno.ENOENT))
                .isEqualTo("no /dev/net/tun: load the tun module or pass --device /dev/net/tun to the container");
        assertThat(TunSyscalls.openHint("/dev/net/tun", Errno.EPERM)).startsWith("missing CAP_NET_ADMIN");
        assertThat(TunSyscalls.openHint("/dev/net/tun", Errno.EACCES)).startsWith("missing CAP_NET_ADMIN");
        assertThat(TunSyscalls.ioctlHint("teredo", Errno.EPERM))
                .isEqualTo("missing CAP_NET_ADMIN: run as root or grant CAP_NET_ADMIN");
        assertThat(TunSyscalls.ioctlHint("teredo", Errno.EBUSY)).contains("teredo already exists");
        assertThat(TunSyscalls.ioctlHint("teredo", Errno.EINVAL)).contains("not a multi-queue TUN");
    }

    @Test
    void missingControlDeviceIsEnoentWithTheModuleHint() {
        assertThatThrownBy(() -> TunSyscalls.attach("/nonexistent/jmiredo-tun", "jmt0", MQ))
                .isInstanceOfSatisfying(NativeException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.operation()).isEqualTo("open /nonexistent/jmiredo-tun");
                    assertThat(e.getMessage()).contains("load the tun module").endsWith("ENOENT)");
                });
    }

    @Test
    void ioctlErrnoIsCapturedAndTheFdClosed() throws IOException {
        long before = openFds();
        // /dev/null accepts open(O_RDWR) but not TUNSETIFF: the ioctl fails with ENOTTY. Done many times, so
        // that a leaked fd per attempt shows above the JVM's own fds coming and going meanwhile.
        int attempts = 40;
        for (int i = 0; i < attempts; i++) {
            assertThatThrownBy(() -> TunSyscalls.attach("/dev/null", "jmt0", MQ))
                    .isInstanceOfSatisfying(NativeException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.ENOTTY);
                        assertThat(e.operation()).isEqualTo("TUNSETIFF jmt0");
                    });
        }
        assertThat(openFds()).isLessThan(before + attempts / 4);
    }

    @Test
    void closeOfABadFdReportsEbadf() {
        assertThat(Libc.close(-1)).isEqualTo(-Errno.EBADF);
        assertThatThrownBy(() -> TunSyscalls.close(-1))
                .isInstanceOfSatisfying(
                        NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    }

    @Test
    void attachesQueuesOfOneMultiQueueDeviceAndRefusesConflicts() throws Exception {
        Privileges.assumeNetAdmin();
        String name = TestNetns.uniqueName("jmt");
        TunSyscalls.Attached first = TunSyscalls.attach(name, MQ | TunSyscalls.IFF_TUN_EXCL);
        TunSyscalls.Attached second = null;
        try {
            assertThat(first.name()).isEqualTo(name);
            assertThat(first.fd()).isNotNegative();
            second = TunSyscalls.attach(name, MQ);
            String link = TestNetns.run(java.util.List.of("ip", "-d", "link", "show", "dev", name))
                    .output();
            assertThat(link).contains("tun type tun pi off").contains("multi_queue numqueues 2");

            assertThatThrownBy(() -> TunSyscalls.attach(name, MQ | TunSyscalls.IFF_TUN_EXCL))
                    .isInstanceOfSatisfying(NativeException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.EBUSY);
                        assertThat(e.getMessage()).contains(name + " already exists");
                    });
            // A single-queue open of a multi-queue device: the kernel says EINVAL (tun_set_iff).
            assertThatThrownBy(() -> TunSyscalls.attach(name, TunSyscalls.IFF_TUN | TunSyscalls.IFF_NO_PI))
                    .isInstanceOfSatisfying(
                            NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
            // A name that belongs to a device of another kind.
            assertThatThrownBy(() -> TunSyscalls.attach("lo", MQ)).isInstanceOfSatisfying(NativeException.class, e -> {
                assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                assertThat(e.getMessage()).contains("lo exists and is not a multi-queue TUN");
            });
        } finally {
            TunSyscalls.close(first.fd());
            if (second != null) {
                TunSyscalls.close(second.fd());
            }
        }
        // Not persistent: the last close removed the device.
        assertThat(TestNetns.run(java.util.List.of("ip", "link", "show", "dev", name))
                        .ok())
                .isFalse();
    }

    @Test
    void kernelPicksTheNumberOfAPercentDName() throws Exception {
        Privileges.assumeNetAdmin();
        String pattern = TestNetns.uniqueName("jm") + "%d";
        TunSyscalls.Attached attached = TunSyscalls.attach(pattern, MQ);
        try {
            assertThat(attached.name())
                    .startsWith(pattern.substring(0, pattern.length() - 2))
                    .doesNotContain("%");
            assertThat(TestNetns.run(java.util.List.of("ip", "link", "show", "dev", attached.name()))
                            .ok())
                    .isTrue();
        } finally {
            TunSyscalls.close(attached.fd());
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
