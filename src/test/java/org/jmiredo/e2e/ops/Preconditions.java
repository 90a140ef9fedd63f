package org.jmiredo.e2e.ops;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine. Missing on a developer's machine: the test is skipped with the
 * reason. Missing where {@code CI=true}: the test fails, because CI must run everything (TEAM.md).
 */
final class Preconditions {

    private Preconditions() {
    }

    static boolean inCi() {
        return "true".equals(System.getenv("CI"));
    }

    /** Skips (or, under CI, fails) the calling test unless {@code ok}. */
    static void require(boolean ok, String missing) {
        if (ok) {
            return;
        }
        if (inCi()) {
            fail("CI=true and this test cannot run: " + missing);
        }
        Assumptions.abort("skipped: " + missing);
    }

    static void requireRoot() {
        require(isRoot(), "needs root (network namespaces, TUN devices)");
    }

    /** The executable {@code name} on PATH (or in /usr/sbin, /sbin), or skip/fail. */
    static Path tool(String name) {
        Optional<Path> found = findTool(name);
        require(found.isPresent(), name + " is not installed");
        return found.orElseThrow();
    }

    static Optional<Path> findTool(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        return dirs.stream()
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The daemon's shaded jar (system property jmiredo.jar, set by the e2e pom), or skip/fail. */
    static Path daemonJar() {
        String property = System.getProperty("jmiredo.jar");
        require(property != null, "system property jmiredo.jar is not set (run through Maven)");
        Path jar = Path.of(property);
        require(Files.isRegularFile(jar), jar + " does not exist: build it with ./mvnw -B -DskipTests package");
        return jar;
    }

    /** The java binary for the daemon (system property jmiredo.java), defaulting to this JVM's. */
    static Path daemonJava() {
        String property = System.getProperty("jmiredo.java");
        Path java = property != null ? Path.of(property) : Path.of(System.getProperty("java.home"), "bin", "java");
        require(Files.isExecutable(java), java + " is not executable");
        return java;
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
