package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jmiredo.server.sys.Privileges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as an operator runs it: a real process in a network namespace of its own ({@code unshare -n}),
 * with a real multi-queue TUN device, then SIGHUP and SIGTERM. Needs root, /dev/net/tun and util-linux;
 * skipped with the reason where they are missing, except under CI=true where it must run.
 */
class RelayProcessTest {
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void startsReloadsOnSighupAndStopsCleanlyWithExitZeroOnSigterm() throws Exception {
        requireNamespaces();
        String tun = tunName();
        Process relay = start(tun);
        try {
            awaitLog(log(), "ready: UDP 0.0.0.0:3546 on 2 event loops, TUN " + tun + " (mtu 1280, route 2001::/32)");
            String pid = Long.toString(relay.pid()); // sh exec'd java: same process
            assertThat(run("nsenter", "-t", pid, "-n", "ip", "-6", "route", "show", "dev", tun))
                    .contains("2001::/32");

            // miredo(8): SIGUSR1 and SIGUSR2 do nothing; the JVM's default would end the process on SIGUSR1.
            run("kill", "-USR1", pid);
            run("kill", "-USR2", pid);
            awaitLog(log(), "SIGUSR1: nothing to do (as Miredo)");
            assertThat(relay.isAlive()).as("alive after SIGUSR1 and SIGUSR2").isTrue();
            reloadWithJsonLogsAndNewMtu(tun, pid);
            reloadWithAClientsKeyIsRefused(tun, pid);
            reloadBeyondTheMemoryIsRefused(tun, pid);
            stopCleanly(relay);
        } finally {
            relay.destroyForcibly();
        }
    }

    /** The tunnel deleted under the running relay: it cannot carry anything, so it exits 1 and says why. */
    @Test
    void tunnelDeletedUnderTheRelayEndsItWithStatusOne() throws Exception {
        requireNamespaces();
        String tun = tunName();
        Process relay = start(tun);
        try {
            awaitLog(log(), "ready: UDP 0.0.0.0:3546 on 2 event loops, TUN " + tun);
            run("nsenter", "-t", Long.toString(relay.pid()), "-n", "ip", "link", "del", tun);
            assertThat(relay.waitFor(20, TimeUnit.SECONDS))
                    .as("stopped within 20 s")
                    .isTrue();
            assertThat(relay.exitValue()).isEqualTo(DaemonRun.TUNNEL_GONE);
            assertThat(Files.readString(log()))
                    .contains("the tunnel " + tun + " was deleted under the relay")
                    .as("the tunnel watch hands over to the daemon's reason")
                    .doesNotContain("cannot check");
        } finally {
            relay.destroyForcibly();
        }
    }

    /**
     * The same for the client: deleted under it, its tunnel carries nothing while the client stayed up and
     * qualifying, so no supervisor restarted it. Its server (a documentation address) is unreachable from the
     * empty namespace: the client's tunnel is up from its start, whether or not it qualifies.
     */
    @Test
    void tunnelDeletedUnderTheClientEndsItWithStatusOne() throws Exception {
        requireNamespaces();
        String tun = tunName();
        Process client = launch(tun, "", "client --server-address 198.51.100.1");
        try {
            awaitLog(log(), "Teredo client of server 198.51.100.1 and 198.51.100.2 started");
            run("nsenter", "-t", Long.toString(client.pid()), "-n", "ip", "link", "del", tun);
            assertThat(client.waitFor(20, TimeUnit.SECONDS))
                    .as("stopped within 20 s")
                    .isTrue();
            assertThat(client.exitValue()).isEqualTo(DaemonRun.TUNNEL_GONE);
            assertThat(Files.readString(log())).contains("the tunnel " + tun + " was deleted under the client");
        } finally {
            client.destroyForcibly();
        }
    }

    /**
     * A SIGHUP while the relay is still starting (an init system's reload right after its start) must not
     * end it, as the JVM's own SIGHUP handling would: it is applied once the relay is up. A shell watches for
     * the tunnel, which the relay creates early in its start, and then rewrites the configuration and sends
     * the HUP at once: while the relay still sets up the tunnel and binds its sockets, before "ready".
     */
    @Test
    void sighupDuringStartUpIsAppliedOnceUp() throws Exception {
        requireNamespaces();
        String tun = tunName();
        Process relay = start(tun);
        try {
            String pid = Long.toString(relay.pid());
            Process hup = new ProcessBuilder(
                            "sh",
                            "-c",
                            "until nsenter -t " + pid + " -n ip link show " + tun
                                    + " >/dev/null 2>&1; do :; done; printf '%s' '" + jsonLogsAndNewMtu(tun) + "' > '"
                                    + dir.resolve("relay.conf") + "' && kill -HUP " + pid)
                    .redirectErrorStream(true)
                    .start();
            assertThat(hup.waitFor(START.toSeconds(), TimeUnit.SECONDS))
                    .as("the HUP sent")
                    .isTrue();
            awaitLog(log(), "changes to jmiredo.tun take effect at the next restart\"");
            assertThat(relay.isAlive())
                    .as("alive after a SIGHUP during start-up")
                    .isTrue();
            assertThat(Files.readString(log())).contains("ready: UDP 0.0.0.0:3546");
            stopCleanly(relay);
        } finally {
            relay.destroyForcibly();
        }
    }

    /**
     * Started with SIGHUP ignored (nohup, or a CI harness that ignores it: the JVM then installs no handler
     * for it and silently never reloaded), the relay still reloads on SIGHUP.
     */
    @Test
    void startedWithSighupIgnoredStillReloads() throws Exception {
        requireNamespaces();
        String tun = tunName();
        Process relay = start(tun, "env --ignore-signal=HUP ");
        try {
            awaitLog(log(), "ready: UDP 0.0.0.0:3546 on 2 event loops, TUN " + tun);
            assertThat(Files.readString(log())).contains("SIGHUP was ignored by whoever started the daemon");
            reloadWithJsonLogsAndNewMtu(tun, Long.toString(relay.pid()));
            stopCleanly(relay);
        } finally {
            relay.destroyForcibly();
        }
    }

    private static String tunName() {
        return "jmt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
    }

    private Path log() {
        return dir.resolve("relay.log");
    }

    private Process start(String tun) throws IOException {
        return start(tun, "");
    }

    /** {@code launcher}: a command prefix for java, e.g. one that sets how the relay inherits a signal. */
    private Process start(String tun, String launcher) throws IOException {
        return launch(tun, launcher, "relay");
    }

    /** {@code role}: the command and its options before {@code --config}. */
    private Process launch(String tun, String launcher, String role) throws IOException {
        Path conf = dir.resolve("relay.conf");
        // A client refuses the relay's own keys (its event loops, its bind port): it gets the shared ones only.
        boolean client = role.startsWith("client");
        Files.writeString(
                conf,
                "jmiredo { tun.name = " + tun + (client ? "" : ", transport.event-loops = 2")
                        + ", metrics.listen = \"127.0.0.1:9544\" }\n");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ip link set lo up && exec " + launcher + java + " --enable-native-access=ALL-UNNAMED -cp '"
                + System.getProperty("java.class.path") + "' " + Main.class.getName() + " " + role + " --config '"
                + conf + "'";
        ProcessBuilder builder = new ProcessBuilder("unshare", "-n", "sh", "-c", command)
                .redirectErrorStream(true)
                .redirectOutput(log().toFile());
        // Typesafe Config's CONFIG_FORCE_ convention, read from the real environment: wins over the file.
        if (!client) {
            builder.environment().put("CONFIG_FORCE_jmiredo_relay_bind__port", "3546");
        }
        return builder.start();
    }

    private static String jsonLogsAndNewMtu(String tun) {
        return "jmiredo { tun.name = " + tun + ", transport.event-loops = 2, metrics.listen = \"127.0.0.1:9544\","
                + " logging.format = json, tun.mtu = 1400 }\n";
    }

    /** JSON logs are in force at once; the MTU waits for a restart, and the relay says so (as JSON). */
    private void reloadWithJsonLogsAndNewMtu(String tun, String pid) throws Exception {
        Files.writeString(dir.resolve("relay.conf"), jsonLogsAndNewMtu(tun));
        run("kill", "-HUP", pid);
        awaitLog(log(), "changes to jmiredo.tun take effect at the next restart\"");
        assertThat(metrics(pid))
                .contains(
                        "jmiredo_config_reloads_total{result=\"applied\"} 1",
                        "jmiredo_config_reloads_total{result=\"refused\"} 0",
                        "jmiredo_config_last_reload_successful 1");
    }

    /** A client's key refused at start is refused on SIGHUP too: the running configuration stays. */
    private void reloadWithAClientsKeyIsRefused(String tun, String pid) throws Exception {
        Files.writeString(
                dir.resolve("relay.conf"),
                jsonLogsAndNewMtu(tun) + "jmiredo.client.server-address = \"198.51.100.1\"\n");
        run("kill", "-HUP", pid);
        awaitLog(log(), "jmiredo.client.server-address: `jmiredo relay` does not use it");
        assertThat(Files.readString(log())).contains("configuration not reloaded, the running one stays");
        // Counted before the refusal is logged: an operator without the log sees it in /metrics.
        assertThat(metrics(pid))
                .contains(
                        "jmiredo_config_reloads_total{result=\"refused\"} 1",
                        "jmiredo_config_last_reload_successful 0");
    }

    /**
     * Peer bounds no memory holds wait for a restart, which would refuse to start with them: the reload refuses them
     * now, while the operator is there to see it.
     */
    private void reloadBeyondTheMemoryIsRefused(String tun, String pid) throws Exception {
        Files.writeString(
                dir.resolve("relay.conf"),
                jsonLogsAndNewMtu(tun)
                        + "jmiredo.peers { max = 1073741824, max-queued-peers = 1073741824, queue-bytes-per-peer = 1MiB }\n");
        run("kill", "-HUP", pid);
        awaitLog(log(), "of memory this process may use");
        assertThat(metrics(pid))
                .contains(
                        "jmiredo_config_reloads_total{result=\"refused\"} 2",
                        "jmiredo_config_last_reload_successful 0");
    }

    /** The relay's /metrics, from inside its namespace. */
    private static String metrics(String pid) throws Exception {
        return run("nsenter", "-t", pid, "-n", "curl", "-sS", "--max-time", "5", "http://127.0.0.1:9544/metrics");
    }

    private void stopCleanly(Process relay) throws Exception {
        relay.destroy(); // SIGTERM
        assertThat(relay.waitFor(20, TimeUnit.SECONDS))
                .as("stopped within 20 s")
                .isTrue();
        assertThat(relay.exitValue()).isZero();
        assertThat(Files.readString(log())).contains("stopping", "stopped").doesNotContain("Exception");
    }

    private static void requireNamespaces() {
        boolean possible = Files.isWritable(Paths.get("/dev/net/tun"))
                && "root".equals(System.getProperty("user.name"))
                && Files.isExecutable(Paths.get("/usr/bin/unshare"))
                && Files.isExecutable(Paths.get("/usr/bin/nsenter"));
        if (!possible) {
            Privileges.skipOrFail("needs root, /dev/net/tun, unshare and nsenter");
        }
    }

    private static void awaitLog(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)
                    && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no \"" + text + "\" within " + START + " in:\n" + Files.readString(log));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
