package org.jmiredo.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * What the lab needs (root, the Debian packages, a TUN device, the packaged daemon). Without it the
 * tests skip with a message saying why; under CI ({@code CI=true}) they fail instead, so that a CI
 * machine that lost a package cannot turn the end-to-end tests into silent skips.
 */
final class LabPreconditions {

    /** Executables and the Debian packages that bring them (see .ci/run). */
    private static final List<String[]> TOOLS = List.of(
            new String[] {"ip", "iproute2"}, new String[] {"ss", "iproute2"},
            new String[] {"sysctl", "procps"}, new String[] {"iptables", "iptables"},
            new String[] {"ping", "iputils-ping"}, new String[] {"iperf3", "iperf3"},
            new String[] {"miredo", "miredo"}, new String[] {"miredo-server", "miredo-server"},
            new String[] {"unshare", "util-linux"}, new String[] {"mount", "mount"},
            new String[] {"promtool", "prometheus"});

    private LabPreconditions() {
    }

    static boolean underCi() {
        return "true".equals(System.getenv("CI"));
    }

    /** Skips (or, under CI, fails) unless everything the lab and this relay kind need is present. */
    static void require(RelayKind kind) {
        List<String> missing = missing(kind);
        if (missing.isEmpty()) {
            return;
        }
        String why = "end-to-end lab not runnable: " + String.join("; ", missing);
        if (underCi()) {
            throw new AssertionError("CI=true, so this must run, but " + why);
        }
        Assumptions.abort(why + " (run .ci/run as root, or set up per LAB.md)");
    }

    static List<String> missing(RelayKind kind) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("not root (namespaces, TUN and iptables need uid 0)");
        }
        for (String[] tool : TOOLS) {
            if (onPath(tool[0]).isEmpty()) {
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

    private static boolean isRoot() {
        try {
            // /proc/self belongs to the effective uid of the reading process.
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static Optional<Path> onPath(String executable) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, executable))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
