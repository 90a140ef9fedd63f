package org.jmiredo.e2e.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jmiredo.e2e.lab.Preconditions;
import org.jmiredo.e2e.lab.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options bin/jmiredo gives a daemon, read from a stand-in JDK whose java prints its arguments: C1's
 * thresholds x5 and sun.misc.Unsafe allowed for Netty, before JMIREDO_JAVA_OPTS (whose own values win), and the start-up cache by collector: a dynamic CDS
 * archive with ZGC (recorded at exit, then mapped), the JDK's AOT cache with another collector (BENCHMARKS.md,
 * "Fourteenth iteration: start-up"). The real JVM records and maps both in {@link AotCacheTest}.
 */
class LauncherOptionsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> C1_X5 = List.of(
            "-XX:Tier3InvocationThreshold=1000",
            "-XX:Tier3MinInvocationThreshold=500",
            "-XX:Tier3CompileThreshold=10000",
            "-XX:Tier3BackEdgeThreshold=300000");
    /**
     * Netty 4.2 on JDK 25 uses sun.misc.Unsafe only when allowed (else it goes without, and its allocator links malloc
     * and free through FFM at start), as the tests and the image run it.
     */
    private static final String UNSAFE_ALLOWED = "--sun-misc-unsafe-memory-access=allow";

    @TempDir
    Path dir;

    @Test
    void zgcByDefaultRecordsADynamicArchiveThenMapsIt() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("cache"));

        List<String> first = launch(cache, "", "relay", "--config", "/x.conf");
        assertThat(first).containsSubsequence("-XX:+UseZGC", C1_X5.getFirst());
        assertThat(first).containsAll(C1_X5).contains(UNSAFE_ALLOWED);
        // ZGC's soft heap target, 256 MiB, set by the daemon once ready: given at start, its warm-up collection ran
        // before ready.
        assertThat(first)
                .contains("-Djmiredo.soft-max-heap-size=268435456", "-XX:InitialHeapSize=16m")
                .noneMatch(arg -> arg.startsWith("-XX:SoftMaxHeapSize"));
        String record = single(first, "-XX:ArchiveClassesAtExit=");
        assertThat(record).matches("-XX:ArchiveClassesAtExit=" + cache + "/jmiredo-relay-\\d+\\.jsa");
        assertThat(first).contains("-Xlog:cds=off").noneMatch(arg -> arg.startsWith("-XX:AOTCache"));
        assertThat(first.subList(first.size() - 5, first.size()))
                .containsExactly(
                        "-jar",
                        RepoPaths.file("relay-server/target/jmiredo.jar")
                                .toRealPath()
                                .toString(),
                        "relay",
                        "--config",
                        "/x.conf");

        Path archive = Path.of(record.substring("-XX:ArchiveClassesAtExit=".length()));
        Files.writeString(archive, "stand-in"); // what the JVM writes at the recording start's exit
        List<String> second = launch(cache, "", "relay", "--config", "/x.conf");
        assertThat(second)
                .contains("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off")
                .noneMatch(arg -> arg.startsWith("-XX:ArchiveClassesAtExit") || arg.startsWith("-XX:AOT"));
    }

    @Test
    void anotherCollectorGetsTheAotCache() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("cache"));

        List<String> args = launch(cache, "-XX:+UseG1GC", "server");

        assertThat(args)
                .doesNotContain("-XX:+UseZGC")
                .containsAll(C1_X5)
                .noneMatch(arg -> arg.startsWith("-Djmiredo.soft-max-heap-size"));
        assertThat(single(args, "-XX:AOTCacheOutput="))
                .matches("-XX:AOTCacheOutput=" + cache + "/jmiredo-server-\\d+\\.aot");
        assertThat(args).noneMatch(arg -> arg.startsWith("-XX:ArchiveClassesAtExit") || arg.startsWith("-Xlog:cds"));
    }

    @Test
    void theOperatorsOptionsComeAfterTheThresholdsAndNoCommandNoCache() throws IOException {
        List<String> args = launch(
                dir.resolve("unused"),
                "-XX:Tier3InvocationThreshold=200 -XX:+UseZGC --sun-misc-unsafe-memory-access=warn",
                "checkconf",
                "/x.conf");

        assertThat(args).containsAll(C1_X5).contains(UNSAFE_ALLOWED);
        assertThat(args.lastIndexOf("-XX:Tier3InvocationThreshold=200"))
                .isGreaterThan(args.indexOf("-XX:Tier3InvocationThreshold=1000"));
        // The JVM takes the last of these: the operator's.
        assertThat(args.lastIndexOf("--sun-misc-unsafe-memory-access=warn"))
                .isGreaterThan(args.indexOf(UNSAFE_ALLOWED));
        assertThat(args).noneMatch(arg -> arg.contains("Archive") || arg.startsWith("-XX:AOT"));
    }

    /**
     * ZGC's first heap and soft target are given unless the operator sizes the heap in bytes or picks another
     * collector: a ceiling in percent of the memory (the image's -XX:MaxRAMPercentage=50) and ZGC named again keep
     * them, -Xms drops only the first heap, -Xmx both.
     */
    @Test
    void aCeilingInPercentOrZgcNamedAgainKeepsTheFirstHeapAndTheSoftTarget() throws IOException {
        String soft = "-Djmiredo.soft-max-heap-size=268435456";
        String first = "-XX:InitialHeapSize=16m";
        for (String opts : List.of("-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError", "-XX:+UseZGC")) {
            assertThat(launch(dir.resolve("unused"), opts, "checkconf", "/x.conf"))
                    .as(opts)
                    .contains(soft, first)
                    .containsOnlyOnce("-XX:+UseZGC");
        }
        assertThat(launch(dir.resolve("unused"), "-Xms64m", "checkconf", "/x.conf"))
                .contains(soft)
                .doesNotContain(first);
        assertThat(launch(dir.resolve("unused"), "-XX:MaxRAM=1g", "checkconf", "/x.conf"))
                .doesNotContain(soft, first);
        assertThat(launch(dir.resolve("unused"), "-Xmx1g", "checkconf", "/x.conf"))
                .doesNotContain(soft, first)
                .contains("-XX:+UseZGC");
    }

    /**
     * The container image's entrypoint gives the JVM what the launcher gives it, from the launcher itself (it sources
     * bin/jmiredo's shared part): the same options, in the same order, for the same operator's options.
     */
    @Test
    void theImagesEntrypointGivesTheLaunchersOptions() throws Exception {
        String imageOpts = Dockerfile.read().env("JAVA_OPTS").orElseThrow();
        for (String opts : List.of(imageOpts, "", "-XX:+UseG1GC -Xmx1g", "-XX:+UseZGC -Xms32m -Dx=y")) {
            List<String> launcher = launch(dir.resolve("unused"), opts, "checkconf", "/x.conf");
            Map<String, String> env = Map.of(
                    "PATH",
                    dir.resolve("jdk/bin") + ":/usr/bin:/bin",
                    "JAVA_OPTS",
                    opts,
                    "JMIREDO_COMMAND",
                    "checkconf",
                    "JMIREDO_AOT_CACHE",
                    "",
                    "JMIREDO_CACHE_DIR",
                    "");
            Shell.Result result = Shell.quiet()
                    .run(
                            TIMEOUT,
                            null,
                            env,
                            List.of(
                                    "bash",
                                    RepoPaths.file("deploy/docker/entrypoint.sh")
                                            .toString(),
                                    "/x.conf"));
            assertThat(result.exit()).as(result.describe()).isZero();
            List<String> image = result.output().lines().toList();
            assertThat(image.subList(0, image.indexOf("-jar")))
                    .as(opts)
                    .containsExactlyElementsOf(launcher.subList(0, launcher.indexOf("-jar")));
        }
    }

    /** bin/jmiredo ARGS with a stand-in JDK 25 whose java prints one argument a line; those arguments. */
    private List<String> launch(Path cache, String javaOpts, String... args) throws IOException {
        Preconditions.requireDaemonJar(); // else the launcher would build it
        Path home = dir.resolve("jdk");
        Path java = home.resolve("bin/java");
        if (!Files.exists(java)) {
            Files.createDirectories(java.getParent());
            Files.writeString(home.resolve("release"), "JAVA_VERSION=\"25.0.3\"\n");
            Files.writeString(java, "#!/bin/bash\nprintf '%s\\n' \"$@\"\n");
            assertThat(java.toFile().setExecutable(true)).isTrue();
        }
        Map<String, String> env = Map.of(
                "PATH",
                "/usr/bin:/bin",
                "JAVA_HOME",
                home.toString(),
                "JMIREDO_AOT_CACHE",
                cache.toString(),
                "JMIREDO_JAVA_OPTS",
                javaOpts);
        List<String> command =
                new ArrayList<>(List.of("bash", RepoPaths.file("bin/jmiredo").toString()));
        command.addAll(List.of(args));
        Shell.Result result = Shell.quiet().run(TIMEOUT, null, env, command);
        assertThat(result.exit()).as(result.describe()).isZero();
        List<String> printed = result.output().lines().toList();
        assertThat(printed).as(result.describe()).first().isEqualTo("--enable-native-access=ALL-UNNAMED");
        return printed;
    }

    private static String single(List<String> args, String prefix) {
        List<String> found = args.stream().filter(arg -> arg.startsWith(prefix)).toList();
        assertThat(found).as(prefix + " in " + args).hasSize(1);
        return found.getFirst();
    }
}
