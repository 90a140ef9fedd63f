package org.jmiredo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jmiredo.server.config.ConfigLoader;
import org.jmiredo.server.config.DaemonConfig;
import org.jmiredo.server.config.HostPort;
import org.jmiredo.server.config.MetricsConfig;
import org.jmiredo.server.transport.TransportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class RelayDaemonTest {
    @Test
    void metricsComeUpFirstNotReadyAndATransportFailureStopsEverything() throws Exception {
        int port = freePort();
        DaemonConfig defaults = ConfigLoader.defaults();
        DaemonConfig config = new DaemonConfig(
                defaults.relay(),
                defaults.tun(),
                defaults.transport(),
                defaults.peers(),
                defaults.icmp(),
                new MetricsConfig(new HostPort("127.0.0.1", port)),
                defaults.logging(),
                defaults.server(),
                defaults.client(),
                defaults.roleDirectives(),
                "test");
        List<String> seenDuringStart = new ArrayList<>();
        assertThatThrownBy(() -> RelayDaemon.start(config, (settings, wiring) -> {
                    // While the transport starts: the endpoint answers, says not ready, and already has the series.
                    seenDuringStart.add(get(port, "/healthz").statusCode() + " "
                            + get(port, "/readyz").statusCode());
                    seenDuringStart.add(String.valueOf(
                            get(port, "/metrics").body().contains("jmiredo_udp_received_packets_total")));
                    seenDuringStart.add(settings.tunName() + " " + settings.bindSocketAddress());
                    throw new TransportException("cannot bind UDP 0.0.0.0:3544: Address already in use");
                }))
                .isInstanceOf(StartupException.class)
                .hasMessage("cannot bind UDP 0.0.0.0:3544: Address already in use");
        assertThat(seenDuringStart).containsExactly("200 503", "true", "teredo /0.0.0.0:3544");
        // The metrics port was released.
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    void metricsBindFailureIsAStartupError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            DaemonConfig defaults = ConfigLoader.defaults();
            DaemonConfig config = new DaemonConfig(
                    defaults.relay(),
                    defaults.tun(),
                    defaults.transport(),
                    defaults.peers(),
                    defaults.icmp(),
                    new MetricsConfig(new HostPort("127.0.0.1", taken.getLocalPort())),
                    defaults.logging(),
                    defaults.server(),
                    defaults.client(),
                    defaults.roleDirectives(),
                    "test");
            assertThatThrownBy(() -> RelayDaemon.start(config, (s, w) -> {
                        throw new AssertionError("the transport must not start when the metrics endpoint cannot");
                    }))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith(
                            "metrics endpoint: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
        }
    }

    @Test
    void warnsAboutTheServersDirectivesAndShowsOnlyTheRelaysSeries(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(
                dir.resolve("miredo-server.conf"), "Prefix 2001:0::\nServerBindAddress 198.51.100.1\n");
        int port = freePort();
        DaemonConfig config = ConfigLoader.load(new ConfigLoader.Sources(
                Optional.empty(),
                Optional.of(conf),
                ConfigFactory.empty(),
                ConfigLoader.commandLineOption("jmiredo.metrics.listen", "127.0.0.1:" + port, "test")));
        Logger log = (Logger) LoggerFactory.getLogger(RelayDaemon.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        List<String> scraped = new ArrayList<>();
        try {
            assertThatThrownBy(() -> RelayDaemon.start(config, (settings, wiring) -> {
                        scraped.add(get(port, "/metrics").body());
                        throw new TransportException("no transport in this test");
                    }))
                    .isInstanceOf(StartupException.class);
        } finally {
            log.detachAppender(seen);
        }
        assertThat(seen.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .contains(conf
                        + ":2: directive \"ServerBindAddress\" is for `jmiredo server`; `jmiredo relay` ignores it");
        assertThat(scraped)
                .singleElement()
                .asString()
                .contains("jmiredo_dropped_packets_total{reason=\"queue_full\"} 0.0")
                .doesNotContain("jmiredo_router_", "jmiredo_native_", "jmiredo_echo_", "reason=\"local_loop\"");
    }

    private static HttpResponse<String> get(int port, String path) throws IOException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
