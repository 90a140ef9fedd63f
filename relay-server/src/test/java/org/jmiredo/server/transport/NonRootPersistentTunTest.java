package org.jmiredo.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code jmiredo.tun.persistent} as it is meant to run: an unprivileged user (nobody, without any capability)
 * attached to a persistent multi-queue TUN the host created for it. A JVM cannot change its uid, so the
 * transport runs in a child JVM ({@link PersistentTunProbe}) started through {@code ip netns exec NS setpriv
 * --reuid=65534 ...} inside a throw-away namespace, where the test plays the host: {@code ip tuntap add ...
 * user 65534}, link up, address and the route 2001:db8::/32 (documentation space).
 */
class NonRootPersistentTunTest {
    private static final int NOBODY = 65534;
    private static final Path CLASSPATH_COPY =
            Path.of(System.getProperty("java.io.tmpdir"), TestNetns.uniqueName("jmiredo-cp-"));
    private static String childClasspath;

    private TestNetns ns;
    private String tun;

    @BeforeAll
    static void readableClasspath() throws IOException {
        Privileges.assumeNetAdmin();
        for (String tool : List.of("setpriv", "ping")) {
            if (!TestNetns.run(List.of("sh", "-c", "command -v " + tool)).ok()) {
                Privileges.skipOrFail("no " + tool + " (util-linux, iputils-ping)");
            }
        }
        childClasspath = copyClasspathForOthers(CLASSPATH_COPY);
    }

    @AfterAll
    static void deleteCopy() throws IOException {
        if (Files.exists(CLASSPATH_COPY)) {
            try (Stream<Path> files = Files.walk(CLASSPATH_COPY)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void hostWithAPersistentTunForNobody() {
        ns = TestNetns.create();
        tun = hostDevice(NOBODY);
        ns.ip("-6", "addr", "add", "fe80::ffff:ffff:ffff/64", "dev", tun, "nodad");
        ns.ip("-6", "route", "add", "2001:db8::/32", "dev", tun);
    }

    @AfterEach
    void removeNamespace() {
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void asNobodyTheHostsDeviceIsAttachedReadAndWrittenAndLeftAsItWas() throws Exception {
        Child child = Child.start(ns, tun, true);
        assertThat(child.awaitLine("READY", 60)).as(child.output()).isTrue();
        assertThat(ns.ip("-d", "link", "show", "dev", tun)).contains("multi_queue numqueues 2");
        // The kernel routes the echo request into the TUN; the child reads it from one of its queues.
        ns.exec("ping", "-6", "-c", "3", "-i", "0.3", "-W", "1", "2001:db8::1");
        int exit = child.awaitExit(30);

        assertThat(child.output()).contains("PROBE uid " + NOBODY + " capeff 0000000000000000");
        assertThat(exit).as(child.output()).isZero();
        assertThat(child.output()).contains("PROBE OK read on queue");
        // The daemon neither configured nor removed anything: the host's device stays as the host set it up.
        assertThat(ns.ip("-d", "link", "show", "dev", tun))
                .contains("numqueues 0")
                .contains("persist on")
                .contains(",UP");
        assertThat(ns.ip("-6", "route", "show", "dev", tun)).contains("2001:db8::/32");
        assertThat(ns.ip("-6", "addr", "show", "dev", tun)).contains("inet6 fe80::ffff:ffff:ffff/64");
    }

    @Test
    void asNobodyWithoutTheKeyCreatingADeviceFailsForWantOfCapNetAdmin() throws Exception {
        String fresh = TestNetns.uniqueName("jmt");
        Child child = Child.start(ns, fresh, false);

        assertThat(child.awaitExit(60)).as(child.output()).isEqualTo(2);
        assertThat(child.output())
                .contains("PROBE ERROR missing CAP_NET_ADMIN: run as root or grant CAP_NET_ADMIN " + "(TUNSETIFF "
                        + fresh + ": EPERM)");
        assertThat(ns.tryIp("link", "show", "dev", fresh).ok()).isFalse();
    }

    @Test
    void asNobodyADeviceOfAnotherUserIsTheKernelsEpermWithAHint() throws Exception {
        String theirs = hostDevice(10001);
        Child child = Child.start(ns, theirs, true);

        assertThat(child.awaitExit(60)).as(child.output()).isEqualTo(2);
        assertThat(child.output())
                .contains("PROBE ERROR interface " + theirs + " belongs to another user (owner "
                        + "10001, group none, this daemon runs as uid " + NOBODY
                        + "): recreate it with ip tuntap add dev "
                        + theirs + " mode tun multi_queue user " + NOBODY + " (TUNSETIFF " + theirs + ": EPERM)");
    }

    /** What the host does once per boot, in the namespace (then the address and route). */
    private String hostDevice(int owner) {
        String name = TestNetns.uniqueName("jmt");
        ns.ip("tuntap", "add", "dev", name, "mode", "tun", "multi_queue", "user", Integer.toString(owner));
        ns.ip("link", "set", "dev", name, "mtu", "1280", "multicast", "off", "up");
        return name;
    }

    /** The child JVM, its stdout and stderr read line by line (by {@code reader}, until the end of its output). */
    private record Child(Process process, BlockingQueue<String> lines, List<String> seen, Thread reader) {
        static Child start(TestNetns ns, String tun, boolean persistent) throws IOException {
            List<String> command = List.of(
                    "ip",
                    "netns",
                    "exec",
                    ns.name(),
                    "setpriv",
                    "--reuid=" + NOBODY,
                    "--regid=" + NOBODY,
                    "--clear-groups",
                    "--inh-caps=-all",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow",
                    "-XX:-UsePerfData",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    childClasspath,
                    PersistentTunProbe.class.getName(),
                    tun,
                    Boolean.toString(persistent));
            Process process = new ProcessBuilder(command)
                    .directory(CLASSPATH_COPY.toFile())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = Thread.ofVirtual().unstarted(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    in.lines().forEach(lines::add);
                } catch (IOException | UncheckedIOException e) {
                    lines.add("(reading the child's output failed: " + e + ")");
                }
            });
            reader.start();
            return new Child(process, lines, new ArrayList<>(), reader);
        }

        boolean awaitLine(String probeLine, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                    if (line.equals("PROBE " + probeLine)) {
                        return true;
                    }
                } else if (!process.isAlive() && lines.isEmpty()) {
                    return false;
                }
            }
            return false;
        }

        int awaitExit(int seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                seen.add("(killed after " + seconds + " s)");
            }
            // The reader ends at the end of the child's output: after its last line, which the asserts look for
            // (a fixed 100 ms pause stood for that, and a loaded machine can take longer).
            reader.join(TimeUnit.SECONDS.toMillis(10));
            lines.drainTo(seen);
            return process.exitValue();
        }

        String output() {
            lines.drainTo(seen);
            return String.join("\n", seen);
        }
    }

    /**
     * This JVM's class path, copied where nobody can read it: the Maven repository under /root is not
     * readable by other users. Surefire may pass a manifest-only jar; its Class-Path is expanded.
     */
    private static String copyClasspathForOthers(Path target) throws IOException {
        Files.createDirectories(target);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> copied = new ArrayList<>();
        List<Path> entries = classpathEntries(System.getProperty("java.class.path"));
        for (int i = 0; i < entries.size(); i++) {
            Path entry = entries.get(i);
            Path copy = target.resolve(i + "-" + entry.getFileName());
            if (Files.isDirectory(entry)) {
                copyTree(entry, copy);
            } else if (Files.isRegularFile(entry)) {
                Files.copy(entry, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            } else {
                continue;
            }
            copied.add(copy.toString());
        }
        return String.join(File.pathSeparator, copied);
    }

    private static List<Path> classpathEntries(String classPath) throws IOException {
        List<Path> entries = new ArrayList<>();
        for (String part : classPath.split(File.pathSeparator)) {
            if (!part.isEmpty()) {
                Path path = Path.of(part);
                List<Path> listed = manifestClassPath(path);
                entries.addAll(listed.isEmpty() ? List.of(path) : listed);
            }
        }
        return entries;
    }

    // Surefire's surefirebooter*.jar is empty but for a manifest whose Class-Path lists the real entries as URLs.
    private static List<Path> manifestClassPath(Path jar) throws IOException {
        if (!jar.getFileName().toString().startsWith("surefirebooter") || !Files.isRegularFile(jar)) {
            return List.of();
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String listed =
                    manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (listed == null || listed.isBlank()) {
                return List.of();
            }
            List<Path> entries = new ArrayList<>();
            for (String url : listed.strip().split("\\s+")) {
                entries.add(Path.of(jar.toAbsolutePath().getParent().toUri().resolve(url)));
            }
            return entries;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path dest = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(dest);
                    Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(file, dest);
                    Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }
}
