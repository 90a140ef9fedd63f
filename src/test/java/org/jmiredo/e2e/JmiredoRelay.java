package org.jmiredo.e2e;

import static org.jmiredo.e2e.lab.LabNet.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jmiredo.e2e.lab.LabProcess;

/**
 * Our daemon, from the packaged jar, as {@code relay --config FILE} in rly, with the defaults but for the
 * lab's addresses and names, and {@code tun.offload = auto} (off by default) so that the end-to-end tests
 * cover the offloaded TUN; a test's {@link #configure} lines come after and may turn it off again.
 */
final class JmiredoRelay implements RelayUnderTest {

    /** The JVM start and the daemon's own setup; generous for a loaded 2-core machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    static final String METRICS_LISTEN = "127.0.0.1:9544";

    private final Lab lab;
    private final Path java;

    /** The WARN and ERROR lines of a daemon's log (the per-packet path logs at debug at most). */
    static List<String> loudLines(LabProcess daemon) {
        return daemon.output()
                .lines()
                .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                .toList();
    }

    private final Path jar;
    private LabProcess process;
    private String extraConfig = "";
    private List<String> jvmOptions = List.of();

    JmiredoRelay(Lab lab, Path java, Path jar) {
        this.lab = lab;
        this.java = java;
        this.jar = jar;
    }

    @Override
    public RelayKind kind() {
        return RelayKind.JMIREDO;
    }

    @Override
    public void start() {
        Path config = writeConfig();
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "relay", "--config", config.toString()));
        process = lab.start(Host.RLY, "jmiredo-relay", command);
        // The daemon brings the tunnel up and routes the prefix itself (issue 2, data path).
        RelayReadiness.await(lab, process, START_TIMEOUT);
    }

    /** Rewrites the running relay's configuration file with {@code hocon} as its extra lines, then sends SIGHUP. */
    void reload(String hocon) {
        extraConfig = hocon;
        writeConfig();
        lab.shell().run("kill", "-HUP", Long.toString(process.pid())).check();
    }

    private Path writeConfig() {
        return lab.writeFile(
                "jmiredo-relay.conf", """
                jmiredo.relay.bind-address = "%s"
                jmiredo.relay.bind-port = %d
                jmiredo.tun.name = "%s"
                jmiredo.metrics.listen = "%s"
                jmiredo.tun.offload = auto
                %s
                """.formatted(RELAY_V4, RELAY_PORT, TUN_NAME, METRICS_LISTEN, extraConfig));
    }

    /** JVM options of the next {@link #start} (none by default: the JVM's own defaults). */
    void jvmOptions(String... options) {
        jvmOptions = List.of(options);
    }

    /** HOCON lines added to the configuration of the next {@link #start} (a benchmark's variant). */
    void configure(String hocon) {
        extraConfig = hocon;
    }

    @Override
    public Optional<Integer> stop() {
        return lab.stop(process);
    }

    @Override
    public LabProcess process() {
        return process;
    }
}
