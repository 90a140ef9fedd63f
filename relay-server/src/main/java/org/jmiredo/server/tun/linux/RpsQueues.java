package org.jmiredo.server.tun.linux;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rps_cpus masks of a device's receive queues in sysfs ({@code /sys/class/net/DEV/queues/rx-N/rps_cpus},
 * Documentation/networking/scaling.rst). A TUN device has one receive queue per attached queue (rx-0 to
 * rx-(n-1)); what the relay writes on queue i is received on rx-i. Writing needs CAP_NET_ADMIN in the initial
 * user namespace and a writable sysfs (a container's is read-only by default); the file is absent in a kernel
 * built without CONFIG_RPS. None of that stops the relay: each method returns warnings naming the command
 * for the host instead.
 */
public final class RpsQueues {
    private static final Logger LOG = LoggerFactory.getLogger(RpsQueues.class);

    private final Path sysClassNet;

    /** @param sysClassNet normally /sys/class/net, which shows the devices of the mounting network namespace */
    public RpsQueues(Path sysClassNet) {
        this.sysClassNet = sysClassNet;
    }

    /** The daemon's sysfs and the CPUs this process may run on. */
    public static List<String> setUp(ReceiveSteering steering, LinuxTunDevice tun, boolean persistent) {
        return new RpsQueues(Path.of("/sys/class/net"))
                .setUp(steering, tun.name(), tun.queueCount(), persistent, Path.of("/proc/self/status"));
    }

    /**
     * Applies {@code steering} to the tunnel's queues, or with {@code persistent} (the host's device) only checks
     * them; off leaves the masks alone. Returns the warnings for the log.
     *
     * @param status /proc/self/status, whose Cpus_allowed_list is what auto steers to
     */
    List<String> setUp(ReceiveSteering steering, String dev, int queues, boolean persistent, Path status) {
        BitSet allowed;
        try {
            allowed = steering.kind() == ReceiveSteering.Kind.AUTO ? allowedCpus(status) : new BitSet();
        } catch (IOException | IllegalArgumentException e) {
            return List.of("tun.receive-steering = auto is not applied to " + dev + ": cannot read the CPUs this "
                    + "process may use from " + status + " (" + e.getMessage() + "); name them instead");
        }
        var cpus = steering.resolve(allowed);
        if (cpus.isEmpty()) {
            return List.of();
        }
        if (persistent) {
            return check(dev, queues, cpus.get());
        }
        List<String> warnings = apply(dev, queues, cpus.get());
        if (warnings.isEmpty()) {
            LOG.info(
                    "receive packet steering on {} (tun.receive-steering = {}): rps_cpus {} (CPUs {}) on rx-0 to rx-{}",
                    dev,
                    steering.label(),
                    CpuList.hexMask(cpus.get()),
                    CpuList.format(cpus.get()),
                    queues - 1);
        }
        return warnings;
    }

    /** Cpus_allowed_list of /proc/PID/status (proc(5)): the CPUs of the process's affinity and cpuset. */
    static BitSet allowedCpus(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return CpuList.parse(line.substring(line.indexOf(':') + 1));
            }
        }
        throw new IOException("no Cpus_allowed_list line");
    }

    /** Sets every queue's mask; empty when all were set. */
    public List<String> apply(String dev, int queues, BitSet cpus) {
        String mask = CpuList.hexMask(cpus);
        for (int i = 0; i < queues; i++) {
            try {
                Files.writeString(
                        file(dev, i), mask + "\n", StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                return List.of("tun.receive-steering (CPUs " + CpuList.format(cpus) + ") is not applied to " + dev
                        + ": " + reason(dev, e) + "; the host can set it, as root in the relay's network namespace: "
                        + command(dev, queues, mask));
            }
        }
        return List.of();
    }

    /** Reads back every queue's mask (with tun.persistent the host sets them); one warning per queue that differs. */
    public List<String> check(String dev, int queues, BitSet cpus) {
        String mask = CpuList.hexMask(cpus);
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < queues; i++) {
            try {
                BitSet actual = read(dev, i);
                if (!actual.equals(cpus)) {
                    warnings.add("interface " + dev + " rx-" + i + " has rps_cpus " + CpuList.hexMask(actual)
                            + " but tun.receive-steering is " + CpuList.format(cpus) + ": the host sets it after the "
                            + "relay attached its queues (" + command(dev, queues, mask) + ")");
                }
            } catch (IOException | IllegalArgumentException e) {
                return List.of("cannot check tun.receive-steering on " + dev + ": " + reason(dev, e));
            }
        }
        return warnings;
    }

    /** The current mask of one queue. */
    public BitSet read(String dev, int queue) throws IOException {
        return CpuList.parseHexMask(Files.readString(file(dev, queue)));
    }

    private Path file(String dev, int queue) {
        return sysClassNet.resolve(dev).resolve("queues").resolve("rx-" + queue).resolve("rps_cpus");
    }

    private String reason(String dev, Exception e) {
        if (e instanceof NoSuchFileException) {
            return Files.isDirectory(sysClassNet.resolve(dev).resolve("queues"))
                    ? "the kernel has no receive packet steering (no rps_cpus: CONFIG_RPS is off)"
                    : sysClassNet + " does not show " + dev + " (sysfs was mounted in another network namespace)";
        }
        if (e instanceof AccessDeniedException) {
            return "no permission to write rps_cpus (it takes root with CAP_NET_ADMIN)";
        }
        String message = e.getMessage();
        if (message != null && message.contains("Read-only file system")) {
            return "sysfs is read-only here (a container's default)";
        }
        if (message != null && message.contains("Operation not permitted")) {
            return "no CAP_NET_ADMIN in the host's user namespace (the kernel asks for it to set rps_cpus)";
        }
        if (message != null && message.contains("Value too large")) {
            return "the mask names CPUs this machine does not have";
        }
        if (message != null && message.contains("Invalid argument")) {
            return "the kernel refused the mask (no online CPU in it outside isolcpus/nohz_full)";
        }
        return e.getClass().getSimpleName() + " " + message;
    }

    private static String command(String dev, int queues, String mask) {
        return queues == 1
                ? "echo " + mask + " > /sys/class/net/" + dev + "/queues/rx-0/rps_cpus"
                : "for q in /sys/class/net/" + dev + "/queues/rx-*; do echo " + mask + " > $q/rps_cpus; done";
    }
}
