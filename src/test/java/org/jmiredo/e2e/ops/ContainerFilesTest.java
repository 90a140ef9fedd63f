package org.jmiredo.e2e.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.e2e.lab.Preconditions;
import org.jmiredo.e2e.lab.Shell;
import org.junit.jupiter.api.Test;

/**
 * The container and Kubernetes files, tested without a Docker engine or a cluster (none runs here):
 * the entrypoint runs and builds the right java command line, the Dockerfile copies what exists and
 * every module's pom, compose and the manifests say what the relay needs (host network, NET_ADMIN,
 * /dev/net/tun, probes) and fit together. The probes and the HEALTHCHECK are exercised against a real
 * daemon in {@link DeployFilesTest}.
 */
class ContainerFilesTest {

    static final String COMPOSE = "deploy/docker/compose.yaml";
    private static final String ENTRYPOINT = "deploy/docker/entrypoint.sh";
    private static final String K8S = "deploy/kubernetes/";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> NATIVE = List.of("--enable-native-access=ALL-UNNAMED");
    /** C1's thresholds x5 and Unsafe for Netty: bin/jmiredo's defaults with any collector. */
    private static final List<String> ANY_GC = List.of(
            "--sun-misc-unsafe-memory-access=allow",
            "-XX:Tier3InvocationThreshold=1000",
            "-XX:Tier3MinInvocationThreshold=500",
            "-XX:Tier3CompileThreshold=10000",
            "-XX:Tier3BackEdgeThreshold=300000");
    /** ZGC's: the first heap of 16 MiB and the soft heap target set at ready, then the rest. */
    private static final List<String> ZGC_NAMED =
            concat(List.of("-Djmiredo.soft-max-heap-size=268435456", "-XX:InitialHeapSize=16m"), ANY_GC);

    private static final List<String> ZGC_DEFAULT = concat(List.of("-XX:+UseZGC"), ZGC_NAMED);

    // ------------------------------------------------------------------ entrypoint

    @Test
    void entrypointIsValidBash() {
        Path bash = Preconditions.tool("bash");
        Shell.Result result = Shell.quiet()
                .run(TIMEOUT, bash.toString(), "-n", RepoPaths.file(ENTRYPOINT).toString());
        assertThat(result.exit()).as(result.describe()).isZero();
    }

    /**
     * The launcher's defaults (bin/jmiredo's jvm_default_options, which the entrypoint sources), then the image's
     * JAVA_OPTS: ZGC with a first heap of 16 MiB (else it commits 1/64 of the memory at start) and the soft heap target
     * set at ready, as bin/jmiredo gives them; a ceiling in percent of the memory keeps both.
     */
    @Test
    void entrypointExecsJavaWithNativeAccessTheLaunchersDefaultsTheImageJavaOptsAndRelay() throws Exception {
        String imageOpts = Dockerfile.read().env("JAVA_OPTS").orElseThrow();
        List<String> args = runEntrypoint(Map.of(), "--config", "/etc/jmiredo/jmiredo.conf");
        List<String> expected = concat(
                NATIVE,
                ZGC_DEFAULT,
                List.of(imageOpts.split(" ")),
                List.of("-jar", "/opt/jmiredo/jmiredo.jar", "relay", "--config", "/etc/jmiredo/jmiredo.conf"));
        // Unset JAVA_OPTS gives the image's default, so `docker run -e` of other variables keeps its heap ceiling.
        assertThat(args.subList(1, args.size())).containsExactlyElementsOf(expected);
        assertThat(imageOpts).contains("-XX:MaxRAMPercentage=50");
    }

    /**
     * One value of the image's JAVA_OPTS, everywhere it is written (the cache the build records fits only it), holding
     * only what the image adds to the launcher's defaults, which come from bin/jmiredo itself: the image carries it,
     * before the training run, where the entrypoint looks for it.
     */
    @Test
    void theImagesJavaOptsAreOneValueAndTheDefaultsComeFromTheLauncher() throws Exception {
        Dockerfile dockerfile = Dockerfile.read();
        String imageOpts = dockerfile.env("JAVA_OPTS").orElseThrow();
        assertThat(imageOpts).doesNotContain("-XX:+UseZGC", "Tier3", "HeapSize", "unsafe");
        String assigned = ": \"${JAVA_OPTS=" + imageOpts + "}\"";
        assertThat(RepoPaths.read(ENTRYPOINT)).contains(assigned);
        assertThat(RepoPaths.read("deploy/docker/aot-train.sh")).contains(assigned);
        Object compose = MiniJson.object(MiniJson.object(MiniJson.object(DeployQueries.yamlMap(RepoPaths.read(COMPOSE))
                                        .get("services"))
                                .get("jmiredo"))
                        .get("environment"))
                .get("JAVA_OPTS");
        assertThat(compose).isEqualTo(imageOpts);
        List<Dockerfile.Instruction> all = dockerfile.instructions();
        int copy = indexOf(all, "COPY", "bin/jmiredo /opt/jmiredo/bin/jmiredo");
        assertThat(copy).isLessThan(indexOf(all, "RUN", "/opt/jmiredo/aot-train.sh"));

        // Laid out as in the image (/opt/jmiredo/entrypoint.sh, /opt/jmiredo/bin/jmiredo), it sources that copy.
        Path opt = Files.createDirectories(
                        Path.of("target", "ops", "image-layout", "bin").toAbsolutePath())
                .getParent();
        Path entrypoint = Files.copy(
                RepoPaths.file(ENTRYPOINT), opt.resolve("entrypoint.sh"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(
                opt.resolve("bin/jmiredo"),
                RepoPaths.read("bin/jmiredo")
                        .replace(
                                "-XX:InitialHeapSize=16m",
                                "-XX:InitialHeapSize=15m")); // this copy, not the repository's
        List<String> args = runEntrypoint(entrypoint, Map.of("JAVA_OPTS", ""));
        assertThat(args.subList(1, args.size()))
                .contains("-XX:InitialHeapSize=15m")
                .doesNotContain("-XX:InitialHeapSize=16m");
    }

    @Test
    void entrypointSplitsJavaOptsWithoutGlobbingAndHonoursCommandAndJar() throws Exception {
        List<String> args = runEntrypoint(
                Map.of(
                        "JAVA_OPTS",
                        "-Xmx1g   -Dx=* -XX:+UseZGC",
                        "JMIREDO_COMMAND",
                        "checkconf",
                        "JMIREDO_JAR",
                        "/x/j.jar"),
                "/etc/c.conf");
        // A heap size in bytes: neither the first heap nor the soft target (as bin/jmiredo).
        assertThat(args.subList(1, args.size()))
                .containsExactlyElementsOf(concat(
                        NATIVE,
                        ANY_GC,
                        List.of("-Xmx1g", "-Dx=*", "-XX:+UseZGC", "-jar", "/x/j.jar", "checkconf", "/etc/c.conf")));
        // JAVA_OPTS set but empty: the launcher's defaults alone, not the image's JAVA_OPTS.
        List<String> bare = runEntrypoint(Map.of("JAVA_OPTS", ""));
        assertThat(bare.subList(1, bare.size()))
                .containsExactlyElementsOf(
                        concat(NATIVE, ZGC_DEFAULT, List.of("-jar", "/opt/jmiredo/jmiredo.jar", "relay")));
    }

    @Test
    void entrypointMapsTheAotCacheWhenTheFileExists() throws Exception {
        Path cache = Files.createDirectories(Path.of("target", "ops"))
                .toAbsolutePath()
                .resolve("entrypoint-test.aot");
        Files.writeString(cache, "stand-in");
        List<String> args = runEntrypoint(Map.of("JAVA_OPTS", "-XX:+UseZGC", "JMIREDO_AOT_CACHE", cache.toString()));
        assertThat(args.subList(1, args.size()))
                .containsExactlyElementsOf(concat(
                        NATIVE,
                        ZGC_NAMED,
                        List.of("-XX:+UseZGC", "-XX:AOTCache=" + cache, "-jar", "/opt/jmiredo/jmiredo.jar", "relay")));
        // The image's kind, a dynamic CDS archive (*.jsa), with the JDK base archive's errors silenced.
        Path archive = cache.resolveSibling("entrypoint-test.jsa");
        Files.writeString(archive, "stand-in");
        List<String> withArchive =
                runEntrypoint(Map.of("JAVA_OPTS", "-XX:+UseZGC", "JMIREDO_AOT_CACHE", archive.toString()));
        assertThat(withArchive.subList(1, withArchive.size()))
                .containsExactlyElementsOf(concat(
                        NATIVE,
                        ZGC_NAMED,
                        List.of(
                                "-XX:+UseZGC",
                                "-XX:SharedArchiveFile=" + archive,
                                "-Xlog:cds=off",
                                "-jar",
                                "/opt/jmiredo/jmiredo.jar",
                                "relay")));
        // A missing file (an image built without it, a typo) or an empty value: a start without the cache.
        for (String none : List.of(cache + ".missing", "")) {
            List<String> without = runEntrypoint(Map.of("JAVA_OPTS", "-XX:+UseZGC", "JMIREDO_AOT_CACHE", none));
            assertThat(without)
                    .as(none)
                    .noneMatch(arg -> arg.startsWith("-XX:AOTCache") || arg.startsWith("-XX:Shared"));
        }
    }

    /**
     * JMIREDO_CACHE_DIR (a volume): the first start records the command's own archive there (the image's is then not
     * mapped: a JVM cannot record one archive while it maps another), later starts map it; one recorded for another
     * jar, JVM or JAVA_OPTS is deleted, another command's kept. Without a writable directory, the image's archive.
     */
    @Test
    void entrypointRecordsThenMapsItsOwnArchiveInTheCacheDirectory() throws Exception {
        Path ops = Files.createDirectories(Path.of("target", "ops")).toAbsolutePath();
        Path image = ops.resolve("entrypoint-image.jsa");
        Files.writeString(image, "stand-in");
        Path volume = ops.resolve("entrypoint-volume");
        if (Files.isDirectory(volume)) {
            try (var old = Files.list(volume)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
        }
        Files.createDirectories(volume);
        Path stale = Files.writeString(volume.resolve("jmiredo-relay-1.jsa"), "stand-in");
        Path server = Files.writeString(volume.resolve("jmiredo-server-2.jsa"), "stand-in");
        Map<String, String> env = Map.of(
                "JAVA_OPTS",
                "-XX:+UseZGC",
                "JMIREDO_AOT_CACHE",
                image.toString(),
                "JMIREDO_CACHE_DIR",
                volume.toString());

        List<String> first = runEntrypoint(env, "--config", "/c.conf");
        List<String> record = first.stream()
                .filter(arg -> arg.startsWith("-XX:ArchiveClassesAtExit="))
                .toList();
        assertThat(record)
                .as(first.toString())
                .singleElement()
                .asString()
                .matches("-XX:ArchiveClassesAtExit=" + Pattern.quote(volume.toString()) + "/jmiredo-relay-\\d+\\.jsa");
        assertThat(first).contains("-Xlog:cds=off").noneMatch(arg -> arg.startsWith("-XX:SharedArchiveFile"));
        assertThat(first.subList(first.size() - 5, first.size()))
                .containsExactly("-jar", "/opt/jmiredo/jmiredo.jar", "relay", "--config", "/c.conf");
        assertThat(stale).as("recorded for another jar, JVM or options").doesNotExist();
        assertThat(server).as("another command's").exists();

        Path archive = Path.of(record.getFirst().substring("-XX:ArchiveClassesAtExit=".length()));
        Files.writeString(archive, "stand-in"); // what the JVM writes when the first start stops
        List<String> next = runEntrypoint(env, "--config", "/c.conf");
        assertThat(next)
                .contains("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off")
                .noneMatch(arg ->
                        arg.startsWith("-XX:ArchiveClassesAtExit") || arg.equals("-XX:SharedArchiveFile=" + image));

        // Other JAVA_OPTS: another archive, recorded anew.
        List<String> other = runEntrypoint(Map.of(
                "JAVA_OPTS",
                "-XX:+UseZGC -Xmx1g",
                "JMIREDO_AOT_CACHE",
                image.toString(),
                "JMIREDO_CACHE_DIR",
                volume.toString()));
        assertThat(other)
                .anyMatch(arg -> arg.startsWith("-XX:ArchiveClassesAtExit=") && !arg.endsWith(archive.toString()));

        // No such directory (no volume mounted): the image's archive, as without the variable.
        List<String> without = runEntrypoint(Map.of(
                "JAVA_OPTS",
                "-XX:+UseZGC",
                "JMIREDO_AOT_CACHE",
                image.toString(),
                "JMIREDO_CACHE_DIR",
                ops.resolve("no-such-volume").toString()));
        assertThat(without)
                .contains("-XX:SharedArchiveFile=" + image)
                .noneMatch(arg -> arg.startsWith("-XX:ArchiveClasses"));
    }

    /**
     * Runs the entrypoint with a stand-in `java` first on PATH that prints its pid and arguments. Returns
     * them after checking that the pid is the one started: the entrypoint exec'd (signals reach java).
     */
    private static List<String> runEntrypoint(Map<String, String> env, String... args) throws Exception {
        return runEntrypoint(RepoPaths.file(ENTRYPOINT), env, args);
    }

    private static List<String> runEntrypoint(Path entrypoint, Map<String, String> env, String... args)
            throws Exception {
        Path bash = Preconditions.tool("bash");
        Path bin = Files.createDirectories(Path.of("target", "ops", "fake-java").toAbsolutePath());
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/bash\necho \"$$\"\nprintf '%s\\n' \"$@\"\n");
        java.toFile().setExecutable(true);
        List<String> command = new ArrayList<>(List.of(bash.toString(), entrypoint.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("JMIREDO_COMMAND");
        builder.environment().remove("JMIREDO_JAR");
        builder.environment().remove("JMIREDO_AOT_CACHE");
        builder.environment().remove("JMIREDO_CACHE_DIR");
        builder.environment().putAll(env);
        builder.environment().put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines.getFirst())
                .as("pid of the stand-in java = pid started")
                .isEqualTo(Long.toString(process.pid()));
        return lines;
    }

    // ------------------------------------------------------------------ Dockerfile

    @Test
    void dockerfileCopiesWhatExistsAndEveryModulePom() {
        Dockerfile dockerfile = Dockerfile.read();
        List<String> copies = copies(dockerfile);
        for (String source : copies) {
            assertThat(RepoPaths.file(source)).as("COPY source " + source).exists();
        }
        for (String module : rootPomModules()) {
            assertThat(copies)
                    .as("the Dockerfile copies the pom of module " + module)
                    .contains(module + "/pom.xml");
        }
        assertThat(copies).contains("mvnw", "pom.xml", ".mvn/", ENTRYPOINT);
        assertThat(dockerfile.all("FROM").getLast().args()).isEqualTo("${RUNTIME_IMAGE}");
        assertThat(dockerfile.all("ARG"))
                .extracting(Dockerfile.Instruction::args)
                .contains("BUILD_IMAGE=maven:3.9-eclipse-temurin-25", "RUNTIME_IMAGE=eclipse-temurin:25-jre");
        assertThat(dockerfile.all("RUN"))
                .anySatisfy(run -> assertThat(run.args()).contains("install", "curl"));
        assertThat(dockerfile.all("RUN"))
                .as("the daemon runs no ip: rtnetlink")
                .noneSatisfy(run -> assertThat(run.args()).contains("iproute2"));
        assertThat(dockerfile.all("RUN"))
                .anySatisfy(run -> assertThat(run.args()).contains("./mvnw -B -DskipTests"));
        assertThat(dockerfile.all("ENTRYPOINT"))
                .singleElement()
                .extracting(Dockerfile.Instruction::args)
                .isEqualTo("[\"/opt/jmiredo/entrypoint.sh\"]");
        assertThat(dockerfile.healthcheckCommand()).contains("$JMIREDO_HEALTH_URL");
    }

    @Test
    void dockerfileTrainsTheAotCacheInTheFinalImageWithItsOwnOptions() {
        Dockerfile dockerfile = Dockerfile.read();
        assertThat(dockerfile.env("JMIREDO_AOT_CACHE")).contains("/opt/jmiredo/jmiredo.jsa");
        assertThat(copies(dockerfile)).contains("deploy/docker/aot-train.sh");
        List<Dockerfile.Instruction> all = dockerfile.instructions();
        int training =
                indexOf(all, "RUN", "/opt/jmiredo/aot-train.sh \"$JMIREDO_AOT_CACHE\" /etc/jmiredo/jmiredo.conf");
        // The cache fits one JRE, jar, set of JVM options and configuration: those of the final image, all
        // in place before the training run.
        assertThat(indexOf(all, "FROM", "${RUNTIME_IMAGE}")).isLessThan(training);
        assertThat(indexOf(all, "COPY", "--from=build /jmiredo.jar /opt/jmiredo/jmiredo.jar"))
                .isLessThan(training);
        assertThat(indexOf(all, "COPY", "deploy/docker/jmiredo.conf /etc/jmiredo/jmiredo.conf"))
                .isLessThan(training);
        assertThat(indexOf(all, "ENV", "JAVA_OPTS=")).isLessThan(training);
        assertThat(all.subList(training + 1, all.size()))
                .noneMatch(i -> i.keyword().equals("ENV") && i.args().contains("JAVA_OPTS"))
                .noneMatch(i -> i.keyword().equals("COPY"));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    private static int indexOf(List<Dockerfile.Instruction> all, String keyword, String args) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals(keyword) && all.get(i).args().contains(args)) {
                return i;
            }
        }
        throw new AssertionError("no " + keyword + " " + args + " in " + Dockerfile.PATH);
    }

    /** The sources of the COPY instructions from the build context (not --from=another stage). */
    private static List<String> copies(Dockerfile dockerfile) {
        List<String> sources = new ArrayList<>();
        for (Dockerfile.Instruction copy : dockerfile.all("COPY")) {
            if (copy.args().startsWith("--from=")) {
                continue;
            }
            List<String> parts = List.of(copy.args().split("\\s+"));
            sources.addAll(parts.subList(0, parts.size() - 1));
        }
        return sources;
    }

    private static List<String> rootPomModules() {
        List<String> modules = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(RepoPaths.read("pom.xml"));
        while (m.find()) {
            modules.add(m.group(1).strip());
        }
        assertThat(modules).isNotEmpty();
        return modules;
    }

    // ------------------------------------------------------------------ compose

    @Test
    void composeRunsTheRelayOnTheHostNetworkWithTheTunDevice() {
        Map<String, Object> services =
                MiniJson.object(DeployQueries.yamlMap(RepoPaths.read(COMPOSE)).get("services"));
        Map<String, Object> relay = MiniJson.object(services.get("jmiredo"));
        assertThat(relay.get("network_mode")).isEqualTo("host");
        assertThat(MiniJson.array(relay.get("cap_add"))).containsExactly("NET_ADMIN");
        assertThat(MiniJson.array(relay.get("devices"))).containsExactly("/dev/net/tun:/dev/net/tun");
        assertThat(relay.get("restart")).isEqualTo("unless-stopped");
        Map<String, Object> build = MiniJson.object(relay.get("build"));
        Path context = RepoPaths.file("deploy/docker")
                .resolve((String) build.get("context"))
                .normalize();
        assertThat(context).isEqualTo(RepoPaths.root());
        assertThat(context.resolve((String) build.get("dockerfile"))).isEqualTo(RepoPaths.file(Dockerfile.PATH));
        // The --config file is the one mounted.
        List<Object> command = MiniJson.array(relay.get("command"));
        assertThat(MiniJson.array(relay.get("volumes"))).contains("./jmiredo.conf:" + command.getLast() + ":ro");
        // The relay's own start-up archive goes to a named volume, which outlives the container.
        Object cacheDir = MiniJson.object(relay.get("environment")).get("JMIREDO_CACHE_DIR");
        assertThat(MiniJson.array(relay.get("volumes"))).contains("jmiredo-cache:" + cacheDir);
        assertThat(MiniJson.object(
                        DeployQueries.yamlMap(RepoPaths.read(COMPOSE)).get("volumes")))
                .containsKey("jmiredo-cache");
        for (String name : List.of("prometheus", "grafana")) {
            Map<String, Object> service = MiniJson.object(services.get(name));
            assertThat(MiniJson.array(service.get("profiles"))).as(name).containsExactly("monitoring");
        }
        // Every bind mount's source exists (a typo here is only found at `docker compose up`).
        for (Object s : services.values()) {
            Object volumes = MiniJson.object(s).get("volumes");
            for (Object volume : volumes == null ? List.of() : MiniJson.array(volumes)) {
                String source = ((String) volume).split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(RepoPaths.file("deploy/docker").resolve(source).normalize())
                            .as(source)
                            .exists();
                }
            }
        }
    }

    // ------------------------------------------------------------------ Kubernetes

    @Test
    void daemonSetRunsOnTheHostNetworkWithNetAdminTheTunDeviceAndProbes() {
        Map<String, Object> pod = podSpec();
        assertThat(pod.get("hostNetwork")).isEqualTo("true");
        Map<String, Object> container = container(pod);
        Map<String, Object> security = MiniJson.object(container.get("securityContext"));
        assertThat(MiniJson.array(MiniJson.object(security.get("capabilities")).get("add")))
                .containsExactly("NET_ADMIN");
        assertThat(security.get("privileged")).isEqualTo("false");
        Map<String, Object> tun = volume(pod, "tun");
        assertThat(MiniJson.object(tun.get("hostPath")))
                .containsEntry("path", "/dev/net/tun")
                .containsEntry("type", "CharDevice");
        assertThat(mountPath(container, "tun")).isEqualTo("/dev/net/tun");
        String metricsPort = MiniJson.array(container.get("ports")).stream()
                .map(MiniJson::object)
                .filter(p -> "metrics".equals(p.get("name")))
                .findFirst()
                .orElseThrow()
                .get("containerPort")
                .toString();
        assertThat(metricsPort).isEqualTo("9544");
        assertThat(probe(container, "livenessProbe"))
                .containsEntry("path", "/healthz")
                .containsEntry("port", "metrics");
        assertThat(probe(container, "readinessProbe"))
                .containsEntry("path", "/readyz")
                .containsEntry("port", "metrics");
        Map<String, Object> resources = MiniJson.object(container.get("resources"));
        assertThat(resources).containsKeys("requests", "limits");
        assertThat(MiniJson.object(resources.get("limits"))).containsKey("memory");
        // The image's AOT cache was recorded with the image's JVM options; other ones would not map it.
        String javaOpts = MiniJson.array(container.get("env")).stream()
                .map(MiniJson::object)
                .filter(e -> "JAVA_OPTS".equals(e.get("name")))
                .findFirst()
                .orElseThrow()
                .get("value")
                .toString();
        assertThat(javaOpts).isEqualTo(Dockerfile.read().env("JAVA_OPTS").orElseThrow());
        // The relay's own start-up archive, on a writable volume (the root file system is read-only).
        String cacheDir = MiniJson.array(container.get("env")).stream()
                .map(MiniJson::object)
                .filter(e -> "JMIREDO_CACHE_DIR".equals(e.get("name")))
                .findFirst()
                .orElseThrow()
                .get("value")
                .toString();
        assertThat(mountPath(container, "cache")).isEqualTo(cacheDir);
        assertThat(volume(pod, "cache")).containsKey("emptyDir");
    }

    @Test
    void kubernetesManifestsFitTogether() {
        Map<String, Object> daemonSet = k8s("daemonset.yaml");
        Map<String, Object> configMap = k8s("configmap.yaml");
        Map<String, Object> pod = podSpec();
        Map<String, Object> container = container(pod);
        String namespace =
                (String) MiniJson.object(k8s("namespace.yaml").get("metadata")).get("name");
        for (Map<String, Object> doc : List.of(daemonSet, configMap, k8s("podmonitor.yaml"))) {
            assertThat(MiniJson.object(doc.get("metadata")).get("namespace")).isEqualTo(namespace);
        }
        // The ConfigMap is mounted where --config looks for it.
        Map<String, Object> config = volume(pod, "config");
        String configMapName =
                (String) MiniJson.object(configMap.get("metadata")).get("name");
        assertThat(MiniJson.object(config.get("configMap")).get("name")).isEqualTo(configMapName);
        String key = MiniJson.object(configMap.get("data")).keySet().iterator().next();
        List<Object> args = MiniJson.array(container.get("args"));
        assertThat(args).containsExactly("--config", mountPath(container, "config") + "/" + key);
        // The selector selects the pods, and the PodMonitor selects them too and labels them job="jmiredo".
        Map<String, Object> labels = MiniJson.object(MiniJson.object(
                        MiniJson.object(MiniJson.object(daemonSet.get("spec")).get("template"))
                                .get("metadata"))
                .get("labels"));
        Map<String, Object> selector = MiniJson.object(
                MiniJson.object(MiniJson.object(daemonSet.get("spec")).get("selector"))
                        .get("matchLabels"));
        assertThat(labels).containsAllEntriesOf(selector);
        Map<String, Object> podMonitor = MiniJson.object(k8s("podmonitor.yaml").get("spec"));
        assertThat(labels)
                .containsAllEntriesOf(MiniJson.object(
                        MiniJson.object(podMonitor.get("selector")).get("matchLabels")));
        assertThat(MiniJson.array(podMonitor.get("podMetricsEndpoints")).toString())
                .contains("replacement=jmiredo", "targetLabel=job");
        // kustomization lists existing files; `kubectl kustomize` renders them where kubectl exists.
        for (Object resource : MiniJson.array(k8s("kustomization.yaml").get("resources"))) {
            assertThat(RepoPaths.file(K8S + resource)).exists();
        }
        Optional<Path> kubectl = Preconditions.onPath("kubectl");
        if (kubectl.isPresent()) {
            Shell.Result render = Shell.quiet()
                    .run(
                            TIMEOUT,
                            kubectl.get().toString(),
                            "kustomize",
                            RepoPaths.file(K8S).toString());
            assertThat(render.exit()).as(render.describe()).isZero();
            assertThat(render.output()).contains("kind: DaemonSet", "kind: ConfigMap", "kind: Namespace");
        } else {
            System.out.println("kubectl not installed: `kubectl kustomize deploy/kubernetes` not run");
        }
    }

    /** The HTTP paths of all the container's probes (asked of a live daemon by DeployFilesTest). */
    static List<String> probePaths() {
        Map<String, Object> container = container(podSpec());
        return List.of("startupProbe", "livenessProbe", "readinessProbe").stream()
                .filter(container::containsKey)
                .map(p -> (String) probe(container, p).get("path"))
                .toList();
    }

    private static Map<String, Object> k8s(String file) {
        return DeployQueries.yamlMap(RepoPaths.read(K8S + file));
    }

    private static Map<String, Object> podSpec() {
        Map<String, Object> daemonSet = k8s("daemonset.yaml");
        assertThat(daemonSet.get("kind")).isEqualTo("DaemonSet");
        return MiniJson.object(
                MiniJson.object(MiniJson.object(daemonSet.get("spec")).get("template"))
                        .get("spec"));
    }

    private static Map<String, Object> container(Map<String, Object> pod) {
        return MiniJson.object(MiniJson.array(pod.get("containers")).getFirst());
    }

    private static Map<String, Object> probe(Map<String, Object> container, String name) {
        return MiniJson.object(MiniJson.object(container.get(name)).get("httpGet"));
    }

    private static Map<String, Object> volume(Map<String, Object> pod, String name) {
        return MiniJson.array(pod.get("volumes")).stream()
                .map(MiniJson::object)
                .filter(v -> name.equals(v.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("volume " + name));
    }

    private static String mountPath(Map<String, Object> container, String volume) {
        return MiniJson.array(container.get("volumeMounts")).stream()
                .map(MiniJson::object)
                .filter(m -> volume.equals(m.get("name")))
                .findFirst()
                .orElseThrow()
                .get("mountPath")
                .toString();
    }
}
