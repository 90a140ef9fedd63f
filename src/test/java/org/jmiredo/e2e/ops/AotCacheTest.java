package org.jmiredo.e2e.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jmiredo.e2e.lab.LabProcess;
import org.jmiredo.e2e.lab.Poll;
import org.jmiredo.e2e.lab.Preconditions;
import org.jmiredo.e2e.lab.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up caches of the shipped start paths, with real daemons in a namespace: bin/jmiredo records
 * one at a daemon's first start and maps it at the next (or starts without where it cannot write): with ZGC,
 * its default, a dynamic CDS archive, which keeps the lambdas' classes that the JDK 25 AOT cache cannot keep with
 * ZGC; with another collector the AOT cache (BENCHMARKS.md, "Fourteenth iteration: start-up");
 * the image's training run (deploy/docker/aot-train.sh) works without capabilities and its AOT cache is
 * mapped by a relay the entrypoint starts. "Mapped" is read from -Xlog:class+load: the daemon's main
 * class comes from the "shared objects file" instead of the jar ("shared objects file (top)": the dynamic archive).
 */
class AotCacheTest {
    /** A start records, and its stop writes the cache (a second JVM): slow on a loaded 2-core machine. */
    private static final Duration START = Duration.ofSeconds(60);

    private static final Duration STOP = Duration.ofSeconds(90);
    private static final Pattern MAIN_SOURCE = Pattern.compile("org\\.jmiredo\\.server\\.Main source: (.+)");
    private static final String FROM_CACHE = "shared objects file";
    private static final String FROM_ARCHIVE = "shared objects file (top)";
    /** A lambda's class of ours and where it came from: the archive, or its host class when spun at run time. */
    private static final Pattern OUR_LAMBDA_SOURCE =
            Pattern.compile("\\] (org\\.jmiredo\\.\\S+\\$\\$Lambda\\S*) source: (.+)");
    /** A class of ours or picocli's with a name (not a lambda's or another hidden class) and where it came from. */
    private static final Pattern NAMED_CLASS_SOURCE =
            Pattern.compile("\\] ((?:picocli|org\\.jmiredo)\\.[^ /]+) source: (.+)");

    @Test
    void launcherRecordsTheCacheAtTheFirstStartAndMapsItAtTheNext() throws IOException {
        Preconditions.requireRoot();
        Preconditions.tool("curl");
        try (OpsNetns ns = OpsNetns.create()) {
            Path cache = Files.createDirectories(ns.dir().resolve("aot"));

            String first = runMire(ns, "first", cache);
            assertThat(mainSource(first)).as(first).startsWith("file:");
            List<Path> made = caches(cache);
            assertThat(made)
                    .as("one cache, written when the first daemon stopped; log:\n" + first)
                    .singleElement();
            Path file = made.getFirst();
            assertThat(file.getFileName().toString()).matches("jmiredo-mire-\\d+\\.jsa");
            assertThat(Files.size(file)).isGreaterThan(1 << 20);
            FileTime written = Files.getLastModifiedTime(file);

            String second = runMire(ns, "second", cache);
            assertThat(mainSource(second)).as(second).isEqualTo(FROM_ARCHIVE);
            assertThat(second).doesNotContain("[error][aot]", "[error][cds]", "[warning][cds]");
            assertOurLambdasComeFromTheArchive(second);
            assertThat(caches(cache)).containsExactly(file);
            assertThat(Files.getLastModifiedTime(file))
                    .as("mapped, not written again")
                    .isEqualTo(written);
            Files.delete(file); // 30 MB; the run's directory with the logs stays
        }
    }

    /**
     * The client is a daemon too (a restart is its start, 1.6 s without a cache against 0.8 s with it on a
     * 2-core VM, BENCHMARKS.md "Eleventh iteration"): its command gets a cache of its own. A help request is
     * enough to see it: the JVM writes the cache at any exit, and the launcher keys it by the command word.
     */
    @Test
    void launcherKeepsACacheForTheClientCommandToo(@TempDir Path cache) {
        List<Shell.Result> runs = twice(cache, "-Xlog:class+load", "client", "--help");
        Shell.Result first = runs.get(0);
        Shell.Result second = runs.get(1);

        assertThat(mainSource(first.output())).as(first.describe()).startsWith("file:");
        assertThat(mainSource(second.output()))
                .as("mapped at the second start: " + second.describe())
                .isEqualTo(FROM_ARCHIVE);
        assertThat(cache.toFile().list()).singleElement().asString().matches("jmiredo-client-\\d+\\.jsa");
    }

    /** With a collector other than ZGC the launcher keeps the JDK's AOT cache, which links ahead with G1. */
    @Test
    void launcherGivesAnotherCollectorTheAotCache(@TempDir Path cache) {
        List<Shell.Result> runs = twice(cache, "-XX:+UseG1GC -Xlog:class+load", "client", "--help");

        assertThat(mainSource(runs.get(1).output())).as(runs.get(1).describe()).isEqualTo(FROM_CACHE);
        assertThat(cache.toFile().list()).singleElement().asString().matches("jmiredo-client-\\d+\\.aot");
    }

    /**
     * A daemon's command line runs from the cache: picocli's classes (rewritten at package from Java 5's class
     * format, which the cache refuses) and ours, and no proxy class for annotations (the daemon commands' models
     * are built by hand). BENCHMARKS.md, "Twelfth iteration: start-up".
     */
    @Test
    void theCacheKeepsTheCommandLinesClassesAndMakesNoProxies(@TempDir Path cache) {
        Shell.Result second =
                twice(cache, "-Xlog:class+load", "relay", "--help").get(1);

        Matcher loaded = NAMED_CLASS_SOURCE.matcher(second.output());
        Map<String, String> notFromCache = new HashMap<>();
        int picocli = 0;
        while (loaded.find()) {
            picocli += loaded.group(1).startsWith("picocli.") ? 1 : 0;
            if (!loaded.group(2).strip().startsWith(FROM_CACHE)) {
                notFromCache.put(loaded.group(1), loaded.group(2).strip());
            }
        }
        assertThat(picocli).as("picocli's classes loaded: " + second.describe()).isGreaterThan(50);
        assertThat(notFromCache)
                .as("our and picocli's classes not from the cache")
                .isEmpty();
        assertThat(second.output()).doesNotContain("__dynamic_proxy__");
    }

    @Test
    void launcherStartsWithoutACacheWhereItCannotWriteOne() throws IOException {
        Preconditions.requireRoot();
        Preconditions.tool("curl");
        try (OpsNetns ns = OpsNetns.create()) {
            Path missing = ns.dir().resolve("no-such-directory");

            String log = runMire(ns, "unwritable", missing);

            assertThat(mainSource(log)).as(log).startsWith("file:");
            assertThat(log).doesNotContain("[error][aot]", "AOTCache creation");
            assertThat(missing).doesNotExist();
        }
    }

    @Test
    void imageTrainingRunNeedsNoCapabilityAndTheEntrypointsRelayMapsItsCache() throws IOException {
        Preconditions.requireRoot();
        Preconditions.tool("curl");
        Path setpriv = Preconditions.tool("setpriv");
        Path java = Preconditions.requireDaemonJava();
        Path jar = Preconditions.requireDaemonJar();
        String imageOpts = Dockerfile.read().env("JAVA_OPTS").orElseThrow();
        try (OpsNetns ns = OpsNetns.create()) {
            Path cache = ns.dir().resolve("jmiredo.jsa"); // the Dockerfile's kind: a dynamic CDS archive
            // As the image build runs it: the image's JAVA_OPTS and configuration, and no capability
            // at all (a build container has no CAP_NET_ADMIN; the empty bounding set leaves root none).
            Shell.Result train = ns.exec(
                    START.plus(STOP),
                    setpriv.toString(),
                    "--bounding-set=-all",
                    "--inh-caps=-all",
                    "env",
                    "PATH=" + java.getParent() + ":/usr/bin:/bin",
                    "JMIREDO_JAR=" + jar,
                    "JAVA_OPTS=" + imageOpts,
                    "bash",
                    RepoPaths.file("deploy/docker/aot-train.sh").toString(),
                    cache.toString(),
                    RepoPaths.file("deploy/docker/jmiredo.conf").toString());
            assertThat(train.exit()).as(train.describe()).isZero();
            assertThat(train.output())
                    .contains("Teredo mire", " ready: ")
                    .doesNotContain("[error][cds]", "[warning][cds]");
            assertThat(cache).isNotEmptyFile();

            LiveRelay relay = LiveRelay.start(
                    ns, Map.of("JMIREDO_AOT_CACHE", cache.toString(), "JAVA_OPTS", imageOpts + " -Xlog:class+load"));
            String log = relay.log();
            assertThat(mainSource(log)).as(log).isEqualTo(FROM_ARCHIVE);
            assertThat(log).doesNotContain("[error][aot]", "[error][cds]");
            assertLaunchersHeapOptions(java.resolveSibling("jcmd"), relay.process());
            assertThat(relay.process().stop())
                    .hasValueSatisfying(code -> assertThat(code).isIn(0, 143));
            Files.delete(cache);
        }
    }

    /**
     * The launcher's heap options, which the entrypoint takes from bin/jmiredo: a first heap of 16 MiB (ZGC's default
     * is 1/64 of the memory, committed and zeroed at start) and the soft heap target of 256 MiB, set once ready (the
     * flag is manageable; awaited, since /readyz may answer just before it is set), as the JVM itself reports them.
     */
    private static void assertLaunchersHeapOptions(Path jcmd, LabProcess relay) {
        long pid = relay.handle().info().command().orElse("").endsWith("/java")
                ? relay.pid()
                : relay.handle()
                        .descendants()
                        .filter(h -> h.info().command().orElse("").endsWith("/java"))
                        .findFirst()
                        .orElseThrow()
                        .pid();
        String[] flags = {""};
        Poll.until("the soft heap target set once ready", Duration.ofSeconds(20), () -> {
            flags[0] = Shell.quiet()
                    .run(START, jcmd.toString(), Long.toString(pid), "VM.flags")
                    .output();
            return flags[0].contains("-XX:SoftMaxHeapSize=268435456");
        });
        assertThat(flags[0]).contains("-XX:InitialHeapSize=16777216", "-XX:+UseZGC");
    }

    /**
     * JMIREDO_CACHE_DIR (a volume): the entrypoint's relay records an archive of its own start at its first stop and the
     * next start maps it, with the classes and lambdas of the relay's data path, tunnel and netlink set-up, which the
     * image's archive (trained by the mire: a build has no TUN) leaves to the jar (BENCHMARKS.md, "Fifteenth
     * iteration: start-up").
     */
    @Test
    void entrypointsRelayRecordsItsOwnArchiveInTheCacheDirectoryAndMapsItNext() throws IOException {
        Preconditions.requireRoot();
        Preconditions.tool("curl");
        try (OpsNetns ns = OpsNetns.create()) {
            Path volume = Files.createDirectories(ns.dir().resolve("volume"));
            Map<String, String> env = Map.of(
                    "JMIREDO_CACHE_DIR",
                    volume.toString(),
                    "JMIREDO_AOT_CACHE",
                    "",
                    "JAVA_OPTS",
                    Dockerfile.read().env("JAVA_OPTS").orElseThrow() + " -Xlog:class+load");

            LiveRelay first = LiveRelay.start(ns, env);
            assertThat(first.process().stop(STOP))
                    .hasValueSatisfying(code -> assertThat(code).isIn(0, 143));
            String recording = first.log();
            assertThat(mainSource(recording)).as(recording).startsWith("file:");
            List<Path> made = caches(volume);
            assertThat(made)
                    .as("one archive, written when the first relay stopped; log:\n" + recording)
                    .singleElement();
            Path archive = made.getFirst();
            assertThat(archive.getFileName().toString()).matches("jmiredo-relay-\\d+\\.jsa");
            FileTime written = Files.getLastModifiedTime(archive);

            LiveRelay second = LiveRelay.start(ns, env);
            String log = second.log(); // its own log, not the first relay's (jmiredo-2.log)
            assertThat(mainSource(log)).as(log).isEqualTo(FROM_ARCHIVE);
            assertThat(log).doesNotContain("[error][cds]", "[warning][cds]");
            for (String relayOnly : List.of(
                    "org.jmiredo.pipeline.RelayDataPath",
                    "org.jmiredo.server.tun.linux.LinuxTunDevice",
                    "org.jmiredo.server.netlink.RtnetlinkConfigurator")) {
                assertThat(sourceOf(log, relayOnly)).as(relayOnly).isEqualTo(FROM_ARCHIVE);
            }
            assertOurLambdasComeFromTheArchive(log);
            assertThat(second.process().stop(STOP))
                    .hasValueSatisfying(code -> assertThat(code).isIn(0, 143));
            assertThat(caches(volume)).containsExactly(archive);
            assertThat(Files.getLastModifiedTime(archive))
                    .as("mapped, not written again")
                    .isEqualTo(written);
            Files.delete(archive);
        }
    }

    /**
     * Runs {@code bin/jmiredo ARGS} twice, each exiting 0, with its cache in {@code cache} and {@code javaOpts} (with
     * -Xlog:class+load): the run that records the cache, then the one that maps it.
     */
    private static List<Shell.Result> twice(Path cache, String javaOpts, String... args) {
        Path java = Preconditions.requireDaemonJava();
        Preconditions.requireDaemonJar();
        Map<String, String> env = Map.of(
                "PATH",
                "/usr/bin:/bin",
                "JAVA_HOME",
                java.getParent().getParent().toString(),
                "JMIREDO_AOT_CACHE",
                cache.toString(),
                "JMIREDO_JAVA_OPTS",
                javaOpts);
        List<String> command = Stream.concat(
                        Stream.of("bash", RepoPaths.file("bin/jmiredo").toString()), Stream.of(args))
                .toList();
        Shell.Result first = Shell.quiet().run(START.plus(STOP), null, env, command);
        Shell.Result second = Shell.quiet().run(START, null, env, command);
        assertThat(first.exit()).as(first.describe()).isZero();
        assertThat(second.exit()).as(second.describe()).isZero();
        return List.of(first, second);
    }

    /** Starts `bin/jmiredo mire` with its cache in {@code cache}, waits for ready, stops it; its log. */
    private static String runMire(OpsNetns ns, String name, Path cache) {
        Path java = Preconditions.requireDaemonJava();
        Preconditions.requireDaemonJar();
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("JAVA_HOME", java.getParent().getParent().toString());
        env.put("JMIREDO_AOT_CACHE", cache.toString());
        env.put("JMIREDO_JAVA_OPTS", "-Xlog:class+load");
        LabProcess mire = ns.start(
                name,
                List.of("bash", RepoPaths.file("bin/jmiredo").toString(), "mire", "--metrics-listen", "127.0.0.1:9544"),
                env);
        Poll.until(name + ": /readyz to answer 200", START, () -> {
            mire.assertAlive();
            return ns.httpStatus(LiveRelay.METRICS_URL + "/readyz") == 200;
        });
        assertThat(mire.stop(STOP))
                .as(name + " stops on SIGTERM; log:\n" + mire.output())
                .hasValueSatisfying(code -> assertThat(code).isIn(0, 143));
        return mire.output();
    }

    /**
     * The lambdas of ours that a daemon's start made came from the archive, not spun again (a few may be, where a
     * start takes a path the recording start did not): without it a start spun all of them, about 130 for the relay.
     */
    private static void assertOurLambdasComeFromTheArchive(String log) {
        Matcher lambda = OUR_LAMBDA_SOURCE.matcher(log);
        int archived = 0;
        List<String> spun = new ArrayList<>();
        while (lambda.find()) {
            if (lambda.group(2).strip().equals(FROM_ARCHIVE)) {
                archived++;
            } else {
                spun.add(lambda.group(1));
            }
        }
        assertThat(archived)
                .as("our lambdas' classes from the archive; spun: " + spun)
                .isGreaterThanOrEqualTo(10);
        assertThat(spun.size()).as("spun again: " + spun).isLessThanOrEqualTo(archived / 10);
    }

    /** Where the daemon's main class came from, at its first load (a cache-writing JVM logs it again later). */
    private static String mainSource(String log) {
        Matcher m = MAIN_SOURCE.matcher(log);
        assertThat(m.find())
                .as("class+load of org.jmiredo.server.Main in:\n" + log)
                .isTrue();
        return m.group(1).strip();
    }

    /** Where {@code className} came from at its first load. */
    private static String sourceOf(String log, String className) {
        Matcher m = Pattern.compile(Pattern.quote(className) + " source: (.+)").matcher(log);
        assertThat(m.find()).as("class+load of " + className + " in:\n" + log).isTrue();
        return m.group(1).strip();
    }

    private static List<Path> caches(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(".*\\.(aot|jsa)"))
                    .toList();
        }
    }
}
