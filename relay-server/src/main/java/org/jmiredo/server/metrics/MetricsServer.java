package org.jmiredo.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jmiredo.server.config.HostPort;
import org.jmiredo.server.config.MetricsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint for Prometheus and probes, on its own one-thread NIO event loop: it shares nothing
 * with the data path but the counters it reads. NIO rather than epoll because it carries a few requests
 * a minute and must work wherever the daemon's tests run.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    /** Requests are a request line and a few headers; anything larger is not a scraper. */
    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    /** An idle keep-alive connection is closed after this long (Prometheus scrapes every 15-60 s). */
    private static final int IDLE_SECONDS = 120;
    /**
     * A request must be whole this long after its first byte (a scraper's is whole in its first read). Without it a
     * client trickling a byte at a time held its connection for good: the idle timeout counts only silence.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final Channel channel;
    private final MetricsConnections connections;

    private MetricsServer(EventLoopGroup group, Channel channel, MetricsConnections connections) {
        this.group = group;
        this.channel = channel;
        this.connections = connections;
    }

    /**
     * Binds and starts serving.
     *
     * @param ready the readiness check behind /readyz
     * @throws IOException with a one-line reason when the address cannot be bound
     */
    public static MetricsServer start(MetricsConfig config, PrometheusMeterRegistry registry, BooleanSupplier ready)
            throws IOException {
        return start(config, registry, ready, REQUEST_TIMEOUT, System::nanoTime);
    }

    /**
     * As {@link #start(MetricsConfig, PrometheusMeterRegistry, BooleanSupplier)}, with another request timeout and
     * the scrape budget's clock.
     */
    static MetricsServer start(
            MetricsConfig config,
            PrometheusMeterRegistry registry,
            BooleanSupplier ready,
            Duration requestTimeout,
            LongSupplier budgetClock)
            throws IOException {
        HostPort listen = config.listen();
        InetSocketAddress address = new InetSocketAddress(listen.host(), listen.port());
        if (address.isUnresolved()) {
            throw new UnknownHostException("metrics endpoint: cannot listen on " + listen + ": unknown host");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("jmiredo-metrics", true), NioIoHandler.newFactory());
        MetricsHttpHandler handler = new MetricsHttpHandler(
                registry, ready, new ScrapeBudget(config.scrapesPerSecond(), budgetClock, refusalCounters(registry)));
        Counter refused = Counter.builder("jmiredo.metrics.connections.refused")
                .description("Connections to the metrics endpoint closed on accept: metrics.max-connections-per-source"
                        + " were open from its address")
                .register(registry);
        Counter evicted = closedCounter(registry, "evicted");
        Counter timedOut = closedCounter(registry, "request_timeout");
        MetricsConnections connections = new MetricsConnections(
                config.maxConnections(),
                config.maxConnectionsPerSource(),
                requestTimeout.toNanos(),
                System::nanoTime,
                timedOut::increment);
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(acceptor(handler, connections, refused, evicted))
                .bind(address)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
            Throwable cause = bound.cause();
            throw new IOException("metrics endpoint: cannot listen on " + listen + ": " + cause.getMessage(), cause);
        }
        return new MetricsServer(group, bound.channel(), connections);
    }

    /**
     * Each accepted connection's initializer: admitted, refused or admitted in place of another by {@link
     * MetricsConnections}, then given its handlers.
     */
    private static ChannelInitializer<SocketChannel> acceptor(
            MetricsHttpHandler handler, MetricsConnections connections, Counter refused, Counter evicted) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // Runs on the endpoint's one loop, as do the close listeners and the deadlines.
                InetAddress source =
                        MetricsConnections.source(ch.remoteAddress().getAddress());
                switch (connections.admission(source)) {
                    case REFUSE -> {
                        LOG.debug(
                                "metrics endpoint: {} holds its share of connections, closing {}",
                                source,
                                ch.remoteAddress());
                        refused.increment();
                        ch.close();
                        return;
                    }
                    case EVICT_AND_ADMIT -> {
                        MetricsConnections.Slot victim = connections.victim();
                        if (victim != null) {
                            LOG.debug(
                                    "metrics endpoint: {} open, closing {} for {}",
                                    connections.openCount(),
                                    victim.channel.remoteAddress(),
                                    ch.remoteAddress());
                            evicted.increment();
                            victim.channel.close();
                        }
                    }
                    case ADMIT -> {}
                }
                addHandlers(ch.pipeline(), handler, connections, connections.add(ch, source));
            }
        };
    }

    /** {@code jmiredo_metrics_scrapes_refused_total{reason}}, registered at start so that it reads 0 until used. */
    private static ScrapeBudget.Refusals refusalCounters(PrometheusMeterRegistry registry) {
        Map<ScrapeBudget.Refusal, Counter> counters = new EnumMap<>(ScrapeBudget.Refusal.class);
        for (ScrapeBudget.Refusal why : ScrapeBudget.Refusal.values()) {
            counters.put(
                    why,
                    Counter.builder("jmiredo.metrics.scrapes.refused")
                            .description("Requests for /metrics answered 429 without a scrape: reason=budget when"
                                    + " metrics.scrapes-per-second were spent, source_share when the request's source had"
                                    + " spent its half of them")
                            .tag("reason", why.label)
                            .register(registry));
        }
        return why -> counters.get(why).increment();
    }

    private static Counter closedCounter(PrometheusMeterRegistry registry, String reason) {
        return Counter.builder("jmiredo.metrics.connections.closed")
                .description("Connections the metrics endpoint closed: reason=evicted to admit a new one with"
                        + " metrics.max-connections open, request_timeout for a request not whole within "
                        + REQUEST_TIMEOUT.toSeconds() + " s of its first byte")
                .tag("reason", reason)
                .register(registry);
    }

    /**
     * A connection's handlers: the request deadline's start, idle timeout, HTTP/1.1 codec, bounded request
     * aggregation, the deadline's end, then the endpoint.
     */
    static void addHandlers(
            ChannelPipeline pipeline,
            MetricsHttpHandler handler,
            MetricsConnections connections,
            MetricsConnections.Slot slot) {
        pipeline.channel().attr(MetricsHttpHandler.SOURCE).set(slot.source);
        pipeline.addLast(connections.requestStart(slot));
        pipeline.addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS));
        pipeline.addLast(new HttpServerCodec());
        pipeline.addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES));
        pipeline.addLast(connections.requestEnd(slot));
        pipeline.addLast(handler);
    }

    /** The bound address (useful when the configured port was 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The connections open now, as counted on the endpoint's loop (for tests). */
    int openConnections() {
        return group.submit(connections::openCount).syncUninterruptibly().getNow();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
