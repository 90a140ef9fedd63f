package org.jmiredo.bench.gen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jmiredo.bench.sys.NetNs;

/**
 * Kernel drop counters of one network namespace, to say where lost packets went: UDP receive-buffer
 * overflows (RFC 4113 udpInErrors' RcvbufErrors, /proc/net/snmp and snmp6) and the TUN interface's
 * transmit drops (a full TUN queue the relay did not read in time, /proc/net/dev). Read from
 * /proc/thread-self/net, which shows the namespace of the reading thread, after a setns into it.
 */
final class KernelDrops {
    private KernelDrops() {}

    static Map<String, Long> read(String netns) {
        if (netns == null) {
            return Map.of();
        }
        return NetNs.in(netns, () -> {
            Map<String, Long> m = new LinkedHashMap<>();
            try {
                m.put(
                        "udp_rcvbuf_errors",
                        snmp(Files.readString(Path.of("/proc/thread-self/net/snmp")), "Udp:", "RcvbufErrors"));
                m.put(
                        "udp6_rcvbuf_errors",
                        snmp6(Files.readString(Path.of("/proc/thread-self/net/snmp6")), "Udp6RcvbufErrors"));
                m.put(
                        "teredo_tx_dropped",
                        devTxDropped(Files.readString(Path.of("/proc/thread-self/net/dev")), "teredo"));
            } catch (IOException e) {
                m.put("unreadable", 1L);
            }
            return m;
        });
    }

    /** Machine-wide: packets dropped because a CPU's input backlog (netdev_max_backlog) was full. */
    static long softnetDropped() {
        try {
            long sum = 0;
            for (String line : Files.readAllLines(Path.of("/proc/net/softnet_stat"))) {
                sum += Long.parseLong(line.trim().split("\\s+")[1], 16);
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new LinkedHashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }

    private static long snmp(String text, String prefix, String field) {
        String[] lines = text.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith(prefix) && lines[i + 1].startsWith(prefix)) {
                String[] names = lines[i].trim().split("\\s+");
                String[] values = lines[i + 1].trim().split("\\s+");
                for (int j = 1; j < names.length && j < values.length; j++) {
                    if (names[j].equals(field)) {
                        return Long.parseLong(values[j]);
                    }
                }
            }
        }
        return 0;
    }

    private static long snmp6(String text, String field) {
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(field)) {
                return Long.parseLong(f[1]);
            }
        }
        return 0;
    }

    /** /proc/net/dev: "name: rx bytes packets errs drop fifo frame compressed multicast tx bytes packets errs drop ...". */
    private static long devTxDropped(String text, String ifname) {
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(ifname)) {
                String[] f = line.substring(colon + 1).trim().split("\\s+");
                return Long.parseLong(f[11]);
            }
        }
        return 0;
    }
}
