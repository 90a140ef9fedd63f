package org.jmiredo.server.metrics;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.server.config.MetricsConfig;

/**
 * Fuzzes the metrics endpoint's request parsing through the handlers {@link MetricsServer} gives each
 * connection, on an {@link EmbeddedChannel}: requests built from the input (methods, targets in origin and
 * absolute form, Accept values, keep-alive or close, sized, chunked or oversized bodies, Expect, several
 * pipelined) or raw bytes, cut into arbitrary reads. After every read: nothing threw out of the pipeline,
 * every response starts with an HTTP/1.1 status line and none is a failed scrape
 * (500), and there are no more responses than request lines. At the end, every read and every buffer the
 * connection allocated was released. Regression seeds: {@code MetricsHttpFuzzTestInputs/metricsRequests/}.
 */
class MetricsHttpFuzzTest {
    private static final PrometheusMeterRegistry REGISTRY = MeterRegistries.prometheus();
    private static final String[] METHODS = {"GET", "GET", "HEAD", "POST", "OPTIONS", "CONNECT", "G\u00c9T", ""};
    private static final String[] TARGETS = {
        "/metrics",
        "/metrics?x=1&y",
        "/healthz",
        "/readyz",
        "/",
        "/nope",
        "http://host:9560/metrics",
        "http://host",
        "https://",
        "*",
        "//metrics",
        "/%zz",
        "metrics",
        "/metrics#frag"
    };
    private static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.", ""};
    private static final String[] HEADERS = {
        "Host: x",
        "Accept: application/openmetrics-text; version=1.0.0",
        "Accept: text/plain;q=0.5, */*;q=0",
        "Accept: ;;;,,q=",
        "Connection: close",
        "Connection: keep-alive",
        "Expect: 100-continue",
        "Expect: nonsense",
        "Content-Length: 5",
        "Content-Length: -1",
        "Content-Length: 99999999999",
        "Transfer-Encoding: chunked",
        "Transfer-Encoding: gzip, chunked",
        " folded continuation",
        "NoColon",
        ": empty name"
    };

    @FuzzTest(maxDuration = "2m")
    void metricsRequests(FuzzedDataProvider data) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        boolean ready = data.consumeBoolean();
        MetricsConnections connections =
                new MetricsConnections(1, 1, MetricsServer.REQUEST_TIMEOUT.toNanos(), System::nanoTime, () -> {});
        MetricsServer.addHandlers(
                channel.pipeline(),
                new MetricsHttpHandler(
                        REGISTRY,
                        () -> ready,
                        new ScrapeBudget(MetricsConfig.DEFAULT_SCRAPES_PER_SECOND, () -> 0L, why -> {})),
                connections,
                connections.add(channel, InetAddress.getLoopbackAddress()));
        byte[] input = data.consumeBoolean() ? requests(data) : data.consumeBytes(20_000);
        int lines = 1;
        for (byte b : input) {
            lines += b == '\n' ? 1 : 0;
        }
        int responses = 0;
        List<ByteBuf> reads = new ArrayList<>();
        try {
            for (int at = 0; at < input.length && channel.isOpen(); ) {
                int n = Math.min(input.length - at, data.consumeInt(1, 4096));
                ByteBuf read = alloc.heapBuffer(n).writeBytes(input, at, n);
                at += n;
                reads.add(read);
                channel.writeInbound(read);
                channel.checkException();
                responses += drainResponses(channel);
                check(responses <= lines, responses + " responses to " + lines + " lines");
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        // The decoder keeps a read that ends inside a request until the rest comes, or the connection closes.
        check(reads.stream().allMatch(r -> r.refCnt() == 0), "a read was never released");
        check(
                alloc.metric().usedHeapMemory() == 0 && alloc.metric().usedDirectMemory() == 0,
                "the connection leaked buffers");
    }

    /** Checks and releases what the endpoint wrote: each response begins with a status line. */
    private static int drainResponses(EmbeddedChannel channel) {
        int responses = 0;
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf out = (ByteBuf) msg;
            try {
                String text = out.toString(StandardCharsets.ISO_8859_1);
                if (text.startsWith("HTTP/")) {
                    check(text.startsWith("HTTP/1.1 ") && !text.startsWith("HTTP/1.1 500"), "response " + text);
                    responses++;
                }
            } finally {
                out.release();
            }
        }
        return responses;
    }

    /** One to eight requests, each a request line, some headers and maybe a body, mostly well-formed. */
    private static byte[] requests(FuzzedDataProvider data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = data.consumeInt(1, 8); i > 0; i--) {
            String eol = data.consumeInt(0, 7) == 0 ? "\n" : "\r\n";
            StringBuilder request = new StringBuilder();
            request.append(pick(data, METHODS))
                    .append(' ')
                    .append(data.consumeInt(0, 7) == 0 ? data.consumeString(64) : pick(data, TARGETS))
                    .append(' ')
                    .append(pick(data, VERSIONS))
                    .append(eol);
            for (int h = data.consumeInt(0, 4); h > 0; h--) {
                request.append(data.consumeInt(0, 7) == 0 ? data.consumeString(200) : pick(data, HEADERS))
                        .append(eol);
            }
            if (data.consumeInt(0, 15) == 0) {
                request.append("X-Big: ")
                        .append("a".repeat(data.consumeInt(0, 20_000)))
                        .append(eol); // past 16 KiB
            }
            request.append(eol);
            if (data.consumeInt(0, 3) == 0) {
                request.append(data.consumeBoolean() ? "5\r\nhello\r\n0\r\n\r\n" : data.consumeString(64)); // a body
            }
            out.writeBytes(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    private static String pick(FuzzedDataProvider data, String[] values) {
        return values[data.consumeInt(0, values.length - 1)];
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
