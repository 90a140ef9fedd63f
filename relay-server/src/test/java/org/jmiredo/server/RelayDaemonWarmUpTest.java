package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmiredo.pipeline.HandshakeWarmUp;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.netlink.TestNetns;
import org.jmiredo.server.sys.Privileges;
import org.jmiredo.server.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay daemon with its real transport (epoll loop, UDP socket on loopback, a TUN moved into a throw-away
 * namespace): the warm-up runs once ready, through the live loop, and leaves nothing in what operators read;
 * with {@code jmiredo.relay.warm-up-peers = 0} there is none.
 */
class RelayDaemonWarmUpTest {
    @TempDir
    Path dir;

    private TestNetns ns;
    private int metricsPort;

    @BeforeEach
    void namespace() throws Exception {
        Privileges.assumeNetAdmin();
        ns = TestNetns.create();
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            metricsPort = socket.getLocalPort();
        }
    }

    @AfterEach
    void removeNamespace() {
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void itRunsOnceReadyThroughTheLiveLoopAndNoMetricShowsIt() throws Exception {
        try (RelayDaemon daemon = start("jmiredo.relay.warm-up-peers = 2000")) {
            assertThat(daemon.isReady()).isTrue();
            HandshakeWarmUp.Result result = daemon.warmUp().orElseThrow().get(60, TimeUnit.SECONDS);
            assertThat(result.handshakes()).isEqualTo(2_000);
            assertThat(result.trusted()).isEqualTo(2_000);

            String metrics = get("/metrics");
            for (String series : new String[] {
                "jmiredo_peers",
                "jmiredo_peers_trusted_total",
                "jmiredo_bubbles_sent_total{kind=\"indirect\"}",
                "jmiredo_udp_sent_packets_total",
                "jmiredo_bubbles_received_total",
                "jmiredo_udp_received_packets_total",
                "jmiredo_tun_written_packets_total",
                "jmiredo_queued_packets_total"
            }) {
                assertThat(value(metrics, series)).as(series).isZero();
            }
            // The kernel's own packets into the tunnel as it comes up (router solicitations, MLD reports to
            // multicast groups) are read and dropped as multicast; any other drop would be the warm-up's.
            assertThat(metrics)
                    .doesNotContainPattern("jmiredo_dropped_packets_total\\{reason=\"(?!multicast\")[^}]*\\} [1-9]");
            assertThat(ns.ip("-s", "link", "show", "dev", daemon.config().tun().name()))
                    .as("nothing written into the tunnel (its RX)")
                    .containsPattern("RX:[^\\n]*\\n\\s+0\\s+0\\s");
        }
    }

    @Test
    void zeroPeersMeansNoWarmUp() throws Exception {
        try (RelayDaemon daemon = start("jmiredo.relay.warm-up-peers = 0")) {
            assertThat(daemon.isReady()).isTrue();
            assertThat(daemon.warmUp()).isEmpty();
        }
    }

    private RelayDaemon start(String warmUp) throws Exception {
        Path conf = Files.writeString(
                dir.resolve("relay.conf"),
                warmUp + "\n"
                        + "jmiredo.metrics.listen = \"127.0.0.1:" + metricsPort + "\"\n"
                        + "jmiredo.tun.name = \"" + TestNetns.uniqueName("jmw") + "\"\n"
                        + "jmiredo.transport.event-loops = 1\n");
        DaemonConfig config = ConfigLoader.load(ConfigLoader.Sources.none().withHocon(conf));
        return RelayDaemon.start(
                config,
                (settings, wiring) -> Transport.start(
                        settings.withBind((Inet4Address) InetAddress.getByName("127.0.0.1"), 0)
                                .withTun(config.tun().name(), (Inet6Address) InetAddress.getByName("2001::"), 32),
                        wiring,
                        ns.adoptingConfigurator()));
    }

    private static double value(String metrics, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("series %s in the scrape", series).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private String get(String path) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }
}
