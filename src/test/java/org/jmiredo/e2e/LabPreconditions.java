package org.jmiredo.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.e2e.lab.Preconditions;

/**
 * What the relay lab needs (root, the Debian packages, a TUN device, the packaged daemon), checked
 * through {@link Preconditions}: a skip with the reason, or a failure under {@code CI=true}.
 */
final class LabPreconditions {

    /** Executables and the Debian packages that bring them (see .ci/run). */
    private static final List<String[]> TOOLS = List.of(
            new String[] {"ip", "iproute2"},
            new String[] {"ss", "iproute2"},
            new String[] {"nstat", "iproute2"},
            new String[] {"sysctl", "procps"},
            new String[] {"iptables", "iptables"},
            new String[] {"ping", "iputils-ping"},
            new String[] {"iperf3", "iperf3"},
            new String[] {"miredo", "miredo"},
            new String[] {"miredo-server", "miredo-server"},
            new String[] {"unshare", "util-linux"},
            new String[] {"mount", "mount"},
            new String[] {"promtool", "prometheus"});

    private LabPreconditions() {}

    /** Skips (or, under CI, fails) unless everything the lab and this relay kind need is present. */
    static void require(RelayKind kind) {
        Preconditions.requireNone(
                missing(kind), "end-to-end lab not runnable", "run .ci/run as root, or set up per LAB.md");
    }

    static List<String> missing(RelayKind kind) {
        List<String> missing = new ArrayList<>();
        if (!Preconditions.isRoot()) {
            missing.add("not root (namespaces, TUN and iptables need uid 0)");
        }
        for (String[] tool : TOOLS) {
            if (Preconditions.onPath(tool[0]).isEmpty()) {
                missing.add("no '" + tool[0] + "' on PATH (Debian package " + tool[1] + ")");
            }
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            missing.add("no /dev/net/tun (modprobe tun)");
        }
        if (!Files.isRegularFile(Path.of("/etc/miredo/client-hook"))) {
            missing.add("no /etc/miredo/client-hook (Debian package miredo)");
        }
        if (kind == RelayKind.JMIREDO) {
            if (!Files.isRegularFile(RelayKind.jar())) {
                missing.add("no packaged daemon at " + RelayKind.jar() + " (./mvnw -B verify builds it before e2e)");
            }
            if (!Files.isExecutable(RelayKind.java())) {
                missing.add("no JVM at " + RelayKind.java());
            }
        }
        return missing;
    }
}
