package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.Test;

/**
 * tun.receive-steering on a real two-queue TUN device: the kernel keeps the mask on both receive queues and
 * prints it back. The device lives in this JVM's namespace (whose devices /sys/class/net shows) for the test's
 * length only; it stays down, without address or route, so nothing is sent.
 */
class RpsTunTest {
    private static final Path SYS = Path.of("/sys/class/net");

    @Test
    void theMaskIsSetOnEveryReceiveQueueReadBackAndCheckedAsTheHostWouldSetIt() throws Exception {
        Privileges.assumeNetAdmin();
        String name = TestNetns.uniqueName("jmr");
        try (LinuxTunDevice tun = LinuxTunDevice.open(name, 2, new TunQueueOptions(2, 8, 1280), TunOffloadMode.OFF)) {
            if (!Files.exists(SYS.resolve(name).resolve("queues/rx-1/rps_cpus"))) {
                Privileges.skipOrFail("the kernel has no receive packet steering (CONFIG_RPS)");
            }
            var rps = new RpsQueues(SYS);
            BitSet cpu0 = CpuList.parse("0");
            assertThat(rps.read(name, 0)).isEqualTo(new BitSet());

            assertThat(RpsQueues.setUp(ReceiveSteering.parse("0"), tun, false)).isEmpty();
            assertThat(rps.read(name, 0)).isEqualTo(cpu0);
            assertThat(rps.read(name, 1)).isEqualTo(cpu0);
            assertThat(RpsQueues.setUp(ReceiveSteering.parse("0"), tun, true)).isEmpty();

            BitSet allowed = RpsQueues.allowedCpus(Path.of("/proc/self/status"));
            assertThat(RpsQueues.setUp(ReceiveSteering.AUTO, tun, false)).isEmpty();
            assertThat(rps.read(name, 0)).isEqualTo(allowed);
            assertThat(rps.read(name, 1)).isEqualTo(allowed);

            assertThat(RpsQueues.setUp(ReceiveSteering.OFF, tun, false)).isEmpty();
            assertThat(rps.read(name, 1)).isEqualTo(allowed);
            if (allowed.cardinality() > 1) {
                assertThat(RpsQueues.setUp(ReceiveSteering.parse("0"), tun, true))
                        .hasSize(2)
                        .allSatisfy(
                                w -> assertThat(w).contains("but tun.receive-steering is 0", "echo 1 > $q/rps_cpus"));
            }
        }
        assertThat(SYS.resolve(name)).doesNotExist();
    }
}
