package org.jmiredo.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DataPathRole;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.server.config.HostPort;
import org.jmiredo.server.config.MetricsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    static final int MAX_CONNECTIONS = 4;
    static final String REFUSED_SERIES = "jmiredo_metrics_connections_refused_total";
    static final String CLOSED_SERIES = "jmiredo_metrics_connections_closed_total";
    static final String SCRAPES_REFUSED_SERIES = "jmiredo_metrics_scrapes_refused_total";
    final PrometheusMeterRegistry registry = MeterRegistries.prometheus();
    final DataPathCounters loop = new DataPathCounters();
    final AtomicBoolean ready = new AtomicBoolean();
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    MetricsServer server;
    String base;

    @BeforeEach
    void start() throws IOException {
        new DataPathMetrics(DataPathRole.RELAY, List.of(loop)).bindTo(registry);
        new PeerTableMetrics(
                        new PeerTableStats(() -> 7, () -> 100, () -> 0, () -> 0, () -> 0, () -> 0, () -> 0, () -> 4096))
                .bindTo(registry);
        server = MetricsServer.start(
                new MetricsConfig(new HostPort("127.0.0.1", 0), MAX_CONNECTIONS, MAX_CONNECTIONS, 0),
                registry,
                ready::get);
        base = "http://127.0.0.1:" + server.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    @Test
    void metricsServePrometheusTextWithLiveCounterValues() throws Exception {
        loop.add(Counter.UDP_RX_PACKETS, 11);
        loop.add(Counter.UDP_TX_BYTES, 4242);
        loop.drop(DropReason.NON_GLOBAL_SOURCE, 3);
        HttpResponse<String> first = get("/metrics", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("content-type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(first.body())
                .contains(
                        "jmiredo_udp_received_packets_total 11.0",
                        "jmiredo_udp_sent_bytes_total 4242.0",
                        "jmiredo_dropped_packets_total{reason=\"non_global_source\"} 3.0",
                        "jmiredo_peers 7.0",
                        "jmiredo_peer_table_bytes 4096.0");
        // The bound series and the endpoint's own, whatever the role.
        assertThat(DataPathMetricsTest.families(first.body()))
                .containsExactlyInAnyOrderElementsOf(Stream.concat(
                                DataPathMetricsTest.RELAY_SERIES.stream(),
                                Stream.of(REFUSED_SERIES, CLOSED_SERIES, SCRAPES_REFUSED_SERIES))
                        .toList());

        loop.add(Counter.UDP_RX_PACKETS, 1); // read at scrape time, not cached
        assertThat(get("/metrics", null).body()).contains("jmiredo_udp_received_packets_total 12.0");
    }

    @Test
    void openMetricsWhenAskedFor() throws Exception {
        loop.add(Counter.TUN_RX_PACKETS, 9);
        HttpResponse<String> response = get("/metrics", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .contains("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.body())
                .contains("# TYPE jmiredo_tun_read_packets counter", "jmiredo_tun_read_packets_total 9.0")
                .endsWith("# EOF\n");
    }

    @Test
    void healthAndReadiness() throws Exception {
        HttpResponse<String> health = get("/healthz", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        assertThat(get("/readyz", null).statusCode()).isEqualTo(503);
        ready.set(true);
        HttpResponse<String> readyNow = get("/readyz", null);
        assertThat(readyNow.statusCode()).isEqualTo(200);
        assertThat(readyNow.body()).isEqualTo("ready\n");
        ready.set(false);
        assertThat(get("/readyz", null).statusCode()).isEqualTo(503);
    }

    @Test
    void otherPathsAndMethods() throws Exception {
        assertThat(get("/nope", null).statusCode()).isEqualTo(404);
        assertThat(get("/metrics?name[]=x", null).statusCode()).isEqualTo(200);
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).contains("GET, HEAD");
        HttpResponse<String> head = http.send(
                HttpRequest.newBuilder(URI.create(base + "/healthz"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-length")).contains("3");
    }

    @Test
    void aRequestInAbsoluteFormNamesTheSamePath() throws Exception {
        int port = server.localAddress().getPort();
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write(("GET http://127.0.0.1:" + port + "/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("ok\n");
        }
        assertThat(MetricsHttpHandler.originForm("HTTP://h/readyz?x=1")).isEqualTo("/readyz?x=1");
        assertThat(MetricsHttpHandler.originForm("http://h")).isEqualTo("/");
        assertThat(MetricsHttpHandler.originForm("/metrics?a=http://x/y")).isEqualTo("/metrics?a=http://x/y");
    }

    /** A target with a broken percent-escape is a bad request (RFC 9112 §3.2): answered 400, not dropped unanswered. */
    @Test
    void aMalformedPercentEscapeIsABadRequest() throws Exception {
        for (String target : new String[] {"/%zz", "/metrics%", "/ready%7"}) {
            try (Socket socket = connect()) {
                socket.getOutputStream()
                        .write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Connection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).as(target).startsWith("HTTP/1.1 400").endsWith("bad request\n");
            }
        }
    }

    @Test
    void bindErrorIsOneClearLine() {
        int port = server.localAddress().getPort();
        assertThatThrownBy(() ->
                        MetricsServer.start(new MetricsConfig(new HostPort("127.0.0.1", port)), registry, () -> true))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("metrics endpoint: cannot listen on 127.0.0.1:" + port + ": ")
                .hasMessageContaining("in use");
        assertThatThrownBy(() -> MetricsServer.start(
                        new MetricsConfig(new HostPort("no-such-host.invalid", 0)), registry, () -> true))
                .hasMessage("metrics endpoint: cannot listen on no-such-host.invalid:0: unknown host");
    }

    /**
     * Bounded resources, and a scraper always served: with every place held (idle connections, as a flood of them or
     * eight hosts sending a whole request now and then leave them), a newcomer closes the one that waited longest
     * and is served; the others stay. Before, it was closed on accept for as long as they were held.
     */
    @Test
    void withEveryPlaceHeldANewScraperClosesTheLongestWaitingConnectionAndIsServed() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) { // from another address than the scraper's (one source's share)
                Socket held =
                        new Socket("127.0.0.1", server.localAddress().getPort(), InetAddress.getByName("127.0.0.2"), 0);
                held.setSoTimeout(10_000);
                idle.add(held);
                awaitOpen(i + 1); // accepted in this order, so that the first is the one waiting longest
            }
            assertThat(get("/metrics", null).statusCode())
                    .as("a scraper with every place held")
                    .isEqualTo(200);
            assertThat(idle.getFirst().getInputStream().read())
                    .as("the longest waiting: closed")
                    .isEqualTo(-1);
            for (Socket held : idle.subList(1, idle.size())) {
                held.setSoTimeout(200);
                assertThatThrownBy(() -> held.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            }
            assertThat(awaitClosed("evicted", 1)).isEqualTo(1);
            assertThat(refused()).isZero();
            assertThat(get("/metrics", null).body())
                    .contains(CLOSED_SERIES + "{reason=\"evicted\"} 1.0")
                    .contains(REFUSED_SERIES + " 0.0");
        } finally {
            for (Socket held : idle) {
                held.close();
            }
        }
    }

    /**
     * A slowloris trickling a request a byte at a time, which the idle timeout never ends, is closed at the request
     * timeout; a keep-alive scraper idle between its requests is not.
     */
    @Test
    void aRequestTrickledAByteAtATimeIsClosedAtTheRequestTimeout() throws Exception {
        try (MetricsServer quick = MetricsServer.start(
                        new MetricsConfig(new HostPort("127.0.0.1", 0), MAX_CONNECTIONS, MAX_CONNECTIONS, 0),
                        registry,
                        ready::get,
                        Duration.ofSeconds(1),
                        System::nanoTime);
                Socket trickle = new Socket("127.0.0.1", quick.localAddress().getPort());
                Socket scraper = new Socket("127.0.0.1", quick.localAddress().getPort())) {
            byte[] request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            scraper.getOutputStream().write(request);
            scraper.setSoTimeout(10_000);
            assertThat(readResponse(scraper)).startsWith("HTTP/1.1 200");
            byte[] endless = ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(200))
                    .getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < 100 && !closed; i++) { // up to 20 s of one byte every 200 ms
                try {
                    trickle.getOutputStream().write(endless[i]);
                    trickle.setSoTimeout(200);
                    closed = trickle.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // the next byte
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("trickling connection closed").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(awaitClosed("request_timeout", 1)).isEqualTo(1);
            scraper.getOutputStream().write(request); // idle for longer than the timeout meanwhile
            assertThat(readResponse(scraper)).startsWith("HTTP/1.1 200");
        }
    }

    /**
     * The scrape budget over real sockets (4 a second, so 2 for one source; its clock held still, so no scrape's worth
     * comes back while the test runs): one source pipelining scrapes gets its share, then 429 with Retry-After at
     * once and without a scrape of the registry; /healthz and /readyz are answered on the same connection all the
     * while; a scraper from another address is served; the Retry-After later the flooder is served again.
     */
    @Test
    void aScrapeFloodFromOneSourceIsRefusedCheaplyAndAScraperFromElsewhereIsServed() throws Exception {
        AtomicLong clock = new AtomicLong();
        AtomicInteger registryScrapes = new AtomicInteger();
        Gauge.builder("test.scrapes", registryScrapes, AtomicInteger::incrementAndGet)
                .register(registry);
        ready.set(true);
        try (MetricsServer budgeted = MetricsServer.start(
                        new MetricsConfig(new HostPort("127.0.0.1", 0), MAX_CONNECTIONS, MAX_CONNECTIONS, 4),
                        registry,
                        ready::get,
                        MetricsServer.REQUEST_TIMEOUT,
                        clock::get);
                Socket flood = new Socket(
                        "127.0.0.1", budgeted.localAddress().getPort(), InetAddress.getByName("127.0.0.2"), 0)) {
            flood.setSoTimeout(10_000);
            String scrape = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
            flood.getOutputStream()
                    .write((scrape.repeat(10) + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                    + "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            HttpStream answers = new HttpStream(flood);
            for (int i = 0; i < 10; i++) {
                HttpStream.Response answer = answers.next();
                if (i < 2) {
                    assertThat(answer.status())
                            .as("scrape %d: within its share", i)
                            .isEqualTo(200);
                    assertThat(answer.body()).contains("jmiredo_udp_received_packets_total");
                } else {
                    assertThat(answer.status())
                            .as("scrape %d: beyond its share", i)
                            .isEqualTo(429);
                    assertThat(answer.header("retry-after")).isEqualTo("1");
                    assertThat(answer.body()).isEqualTo("too many scrapes\n");
                }
            }
            assertThat(registryScrapes.get())
                    .as("the registry read for served scrapes only")
                    .isEqualTo(2);
            assertThat(answers.next().status()).as("/healthz, never limited").isEqualTo(200);
            assertThat(answers.next().status()).as("/readyz, never limited").isEqualTo(200);
            assertThat(scrapesRefused("source_share")).isEqualTo(8);

            String base = "http://127.0.0.1:" + budgeted.localAddress().getPort();
            for (int i = 0; i < 2; i++) { // from 127.0.0.1: the other half of the budget
                assertThat(getFrom(base, "/metrics").statusCode())
                        .as("a scraper from elsewhere, scrape %d", i)
                        .isEqualTo(200);
            }
            HttpResponse<String> spent = getFrom(base, "/metrics");
            assertThat(spent.statusCode()).as("the whole budget spent").isEqualTo(429);
            assertThat(spent.headers().firstValue("retry-after")).contains("1");
            try (Socket third =
                    new Socket("127.0.0.1", budgeted.localAddress().getPort(), InetAddress.getByName("127.0.0.3"), 0)) {
                third.setSoTimeout(10_000);
                third.getOutputStream().write(scrape.getBytes(StandardCharsets.US_ASCII));
                assertThat(new HttpStream(third).next().status())
                        .as("a third source, the budget spent")
                        .isEqualTo(429);
            }
            assertThat(scrapesRefused("budget")).isEqualTo(1);
            assertThat(getFrom(base, "/healthz").statusCode()).isEqualTo(200);
            assertThat(getFrom(base, "/readyz").statusCode()).isEqualTo(200);

            clock.addAndGet(TimeUnit.SECONDS.toNanos(1)); // the Retry-After
            flood.getOutputStream().write(scrape.getBytes(StandardCharsets.US_ASCII));
            assertThat(answers.next().status())
                    .as("the flooder after its Retry-After")
                    .isEqualTo(200);
            assertThat(scrapesRefused("source_share")).isEqualTo(9);
            assertThat(registryScrapes.get()).isEqualTo(5);
        }
    }

    private HttpResponse<String> getFrom(String base, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private double scrapesRefused(String reason) {
        return registry.get("jmiredo.metrics.scrapes.refused")
                .tag("reason", reason)
                .counter()
                .count();
    }

    private static String readResponse(Socket socket) throws IOException {
        byte[] buffer = new byte[4096];
        int n = socket.getInputStream().read(buffer);
        return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    private double closed(String reason) {
        return registry.get("jmiredo.metrics.connections.closed")
                .tag("reason", reason)
                .counter()
                .count();
    }

    /** The count once it reaches {@code expected} (the endpoint's loop counts, then closes), or as it is after 10 s. */
    private double awaitClosed(String reason, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (closed(reason) < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return closed(reason);
    }

    /** Waits until the endpoint holds {@code n} connections open (accepts run on its loop, after the connect). */
    private void awaitOpen(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (server.openConnections() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(server.openConnections()).isEqualTo(n);
    }

    /**
     * One host cannot take every place: with its connections held open (a slowloris trickling a header byte
     * now and then never reaches the idle timeout), a scraper from another address is still served.
     */
    @Test
    void oneSourceHoldsAtMostItsShareAndAScraperFromElsewhereIsServed() throws Exception {
        int perSource = 2;
        try (MetricsServer shared = MetricsServer.start(
                new MetricsConfig(new HostPort("0.0.0.0", 0), MAX_CONNECTIONS, perSource, 0), registry, ready::get)) {
            int port = shared.localAddress().getPort();
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_CONNECTIONS; i++) {
                    Socket slow = new Socket("127.0.0.1", port, InetAddress.getByName("127.0.0.2"), 0);
                    slow.setSoTimeout(10_000); // the server's close, which a loaded host may delay
                    slow.getOutputStream().write('G'); // the start of a request line, never finished
                    held.add(slow);
                }
                for (int i = 0; i < held.size(); i++) {
                    if (i < perSource) {
                        held.get(i).setSoTimeout(200);
                        int index = i;
                        assertThatThrownBy(
                                        () -> held.get(index).getInputStream().read())
                                .as("held connection %d", i)
                                .isInstanceOf(SocketTimeoutException.class);
                    } else {
                        assertThat(held.get(i).getInputStream().read())
                                .as("connection %d past the share", i)
                                .isEqualTo(-1);
                    }
                }
                assertThat(refused()).isEqualTo(MAX_CONNECTIONS - perSource);
                HttpResponse<String> scrape = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(scrape.statusCode()).isEqualTo(200);
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    /**
     * Bounded resources: a client that pipelines scrapes and reads none of the answers is closed once its
     * unread answers pass the write buffer's high-water mark; before, 1.3 MB of requests made the
     * endpoint buffer gigabytes of direct memory.
     */
    @Test
    void aClientPipeliningScrapesWithoutReadingIsClosedBeforeItsAnswersPileUp() throws Exception {
        byte[] request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] burst = new byte[request.length * 1_000];
        for (int i = 0; i < 1_000; i++) {
            System.arraycopy(request, 0, burst, i * request.length, request.length);
        }
        long before = PlatformDependent.usedDirectMemory();
        long peak = before;
        try (Socket socket = connect()) {
            socket.setReceiveBufferSize(4096);
            OutputStream out = socket.getOutputStream();
            try {
                for (int i = 0; i < 50; i++) {
                    out.write(burst);
                    peak = Math.max(peak, PlatformDependent.usedDirectMemory());
                }
            } catch (IOException closedByTheServer) {
                // expected once the server has closed the connection
            }
            for (int i = 0; i < 40; i++) { // two seconds of not reading
                Thread.sleep(50);
                peak = Math.max(peak, PlatformDependent.usedDirectMemory());
            }
            assertThat(peak - before)
                    .as("direct memory buffered for unread answers")
                    .isLessThan(32L << 20);
            assertThat(drainUntilClosed(socket, Duration.ofSeconds(15)))
                    .as("answers sent before the close")
                    .isLessThan(16L << 20);
        }
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    }

    /** Reads until the server closes (end of stream or reset); fails on a connection still open at the deadline. */
    private static long drainUntilClosed(Socket socket, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                total += n;
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("still answering after " + within + " (" + total + " bytes)");
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            throw stillOpen;
        } catch (IOException reset) {
            // closed with answers unread on the server's side: a reset is a close too
        }
        return total;
    }

    private double refused() {
        return registry.get("jmiredo.metrics.connections.refused").counter().count();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.localAddress().getPort());
        socket.setSoTimeout(10_000); // reads wait for the server's answer or close: room for a loaded host
        return socket;
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
