package org.jmiredo.e2e.lab;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (root, tools, a TUN device, the packaged daemon). Missing on a
 * developer's machine: the test is skipped with the reason. Missing where {@code CI=true}: the test fails,
 * so that a CI machine that lost a package cannot turn the end-to-end tests into silent skips (TEAM.md).
 */
public final class Preconditions {

    private Preconditions() {}

    public static boolean underCi() {
        return "true".equals(System.getenv("CI"));
    }

    /** Skips (or, under CI, fails) the calling test unless {@code ok}. */
    public static void require(boolean ok, String missing) {
        if (!ok) {
            requireNone(List.of(missing), "this test cannot run", "");
        }
    }

    /**
     * Skips (or, under CI, fails) unless {@code missing} is empty.
     *
     * @param what what cannot run, for the message
     * @param hint how to fix it on a developer's machine ("" for none)
     */
    public static void requireNone(List<String> missing, String what, String hint) {
        if (missing.isEmpty()) {
            return;
        }
        String why = what + ": " + String.join("; ", missing);
        if (underCi()) {
            throw new AssertionError("CI=true, so this must run, but " + why);
        }
        Assumptions.abort(hint.isEmpty() ? why : why + " (" + hint + ")");
    }

    public static void requireRoot() {
        require(isRoot(), "needs root (network namespaces, TUN devices, iptables)");
    }

    /** The executable {@code name} on PATH (or in the sbin and bin directories), or skip/fail. */
    public static Path tool(String name) {
        Optional<Path> found = onPath(name);
        require(found.isPresent(), name + " is not installed");
        return found.orElseThrow();
    }

    /** Each tool that is not installed, as a message naming it. */
    public static List<String> missingTools(List<String> names) {
        return names.stream()
                .filter(t -> onPath(t).isEmpty())
                .map(t -> "no '" + t + "' on PATH")
                .toList();
    }

    public static Optional<Path> onPath(String executable) {
        List<String> dirs =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        return dirs.stream()
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, executable))
                .filter(Files::isExecutable)
                .findFirst();
    }

    public static boolean isRoot() {
        try {
            // /proc/self belongs to the effective uid of the reading process.
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The daemon's shaded jar: system property jmiredo.jar (set by e2e/pom.xml). */
    public static Path daemonJar() {
        return Path.of(System.getProperty("jmiredo.jar", "../relay-server/target/jmiredo.jar"))
                .toAbsolutePath()
                .normalize();
    }

    /** The java binary for the daemon: system property jmiredo.java, defaulting to this JVM's. */
    public static Path daemonJava() {
        return Path.of(System.getProperty(
                "jmiredo.java",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    }

    /** {@link #daemonJar()}, or skip/fail when it has not been built. */
    public static Path requireDaemonJar() {
        Path jar = daemonJar();
        require(Files.isRegularFile(jar), "no packaged daemon at " + jar + " (./mvnw -B verify builds it before e2e)");
        return jar;
    }

    /** {@link #daemonJava()}, or skip/fail when it is not executable. */
    public static Path requireDaemonJava() {
        Path java = daemonJava();
        require(Files.isExecutable(java), "no JVM at " + java);
        return java;
    }
}
