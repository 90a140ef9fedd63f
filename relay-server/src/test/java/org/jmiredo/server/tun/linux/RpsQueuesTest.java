package org.jmiredo.server.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a directory laid out as sysfs: what is written, read back and warned. RpsTunTest does the real one. */
class RpsQueuesTest {
    @TempDir
    Path sys;

    private Path queue(String dev, int i) throws IOException {
        Path q = Files.createDirectories(sys.resolve(dev).resolve("queues").resolve("rx-" + i));
        Files.writeString(q.resolve("rps_cpus"), "00000000,00000000\n");
        return q.resolve("rps_cpus");
    }

    private static BitSet cpus(String list) {
        return CpuList.parse(list);
    }

    @Test
    void aListIsWrittenToEveryQueueAndOffTouchesNothing() throws IOException {
        Path rx0 = queue("teredo", 0);
        Path rx1 = queue("teredo", 1);
        var rps = new RpsQueues(sys);
        assertThat(rps.setUp(ReceiveSteering.OFF, "teredo", 2, false, sys.resolve("none")))
                .isEmpty();
        assertThat(Files.readString(rx0)).isEqualTo("00000000,00000000\n");

        assertThat(rps.setUp(ReceiveSteering.parse("1-3,33"), "teredo", 2, false, sys.resolve("none")))
                .isEmpty();
        assertThat(Files.readString(rx0)).isEqualTo("2,0000000e\n");
        assertThat(rps.read("teredo", 1)).isEqualTo(cpus("1-3,33"));
        assertThat(Files.readString(rx1)).isEqualTo("2,0000000e\n");
    }

    @Test
    void autoTakesTheProcessAllowedCpus() throws IOException {
        queue("teredo", 0);
        Path status =
                Files.writeString(sys.resolve("status"), "Name:\tjava\nCpus_allowed:\t5\nCpus_allowed_list:\t0,2\n");
        assertThat(new RpsQueues(sys).setUp(ReceiveSteering.AUTO, "teredo", 1, false, status))
                .isEmpty();
        assertThat(new RpsQueues(sys).read("teredo", 0)).isEqualTo(cpus("0,2"));
        assertThat(RpsQueues.allowedCpus(Path.of("/proc/self/status")).cardinality())
                .isEqualTo(Runtime.getRuntime().availableProcessors());

        Path bad = Files.writeString(sys.resolve("bad"), "Name:\tjava\n");
        assertThat(new RpsQueues(sys).setUp(ReceiveSteering.AUTO, "teredo", 1, false, bad))
                .singleElement()
                .asString()
                .contains("cannot read the CPUs", "name them instead");
    }

    @Test
    void persistentOnlyChecksAndNamesTheHostsCommand() throws IOException {
        Path rx0 = queue("tr0", 0);
        queue("tr0", 1);
        Files.writeString(rx0, "00000000,00000006\n");
        var warnings = new RpsQueues(sys).setUp(ReceiveSteering.parse("1,2"), "tr0", 2, true, sys.resolve("none"));
        assertThat(Files.readString(rx0)).isEqualTo("00000000,00000006\n");
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains(
                        "tr0 rx-1 has rps_cpus 0",
                        "tun.receive-steering is 1-2",
                        "for q in /sys/class/net/tr0/queues/rx-*; do echo 6 > $q/rps_cpus; done");
    }

    @Test
    void aKernelWithoutRpsOrAnotherNamespacesSysfsGiveOneWarningNotAFailure() throws IOException {
        Files.createDirectories(sys.resolve("teredo").resolve("queues").resolve("rx-0"));
        assertThat(new RpsQueues(sys).apply("teredo", 1, cpus("1")))
                .singleElement()
                .asString()
                .contains("CONFIG_RPS is off", "echo 2 > /sys/class/net/teredo/queues/rx-0/rps_cpus");
        assertThat(new RpsQueues(sys).apply("other", 1, cpus("1")))
                .singleElement()
                .asString()
                .contains("does not show other", "another network namespace");
        assertThat(new RpsQueues(sys).check("other", 1, cpus("1")))
                .singleElement()
                .asString()
                .contains("cannot check tun.receive-steering on other");
    }
}
