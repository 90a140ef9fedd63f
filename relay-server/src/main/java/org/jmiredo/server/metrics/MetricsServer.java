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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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

    private final EventLoopGroup group;
    private final Channel channel;

    private MetricsServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds and starts serving.
     *
     * @param ready the readiness check behind /readyz
     * @throws IOException with a one-line reason when the address cannot be bound
     */
    public static MetricsServer start(MetricsConfig config, PrometheusMeterRegistry registry, BooleanSupplier ready)
            throws IOException {
        HostPort listen = config.listen();
        int maxConnections = config.maxConnections();
        int maxPerSource = config.maxConnectionsPerSource();
        InetSocketAddress address = new InetSocketAddress(listen.host(), listen.port());
        if (address.isUnresolved()) {
            throw new UnknownHostException("metrics endpoint: cannot listen on " + listen + ": unknown host");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("jmiredo-metrics", true), NioIoHandler.newFactory());
        MetricsHttpHandler handler = new MetricsHttpHandler(registry, ready);
        Counter refused = Counter.builder("jmiredo.metrics.connections.refused")
                .description("Connections to the metrics endpoint closed on accept: metrics.max-connections were open,"
                        + " or metrics.max-connections-per-source from its address")
                .register(registry);
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    // Runs on the endpoint's one loop, as do the close listeners: plain counts suffice.
                    private int open;
                    private final Map<InetAddress, Integer> openBySource = new HashMap<>();

                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetAddress source = ch.remoteAddress().getAddress();
                        int fromSource = openBySource.getOrDefault(source, 0);
                        if (open >= maxConnections || fromSource >= maxPerSource) {
                            LOG.debug("metrics endpoint: {} connections open, {} from {}, closing {}", open, fromSource,
                                    source, ch.remoteAddress());
                            refused.increment();
                            ch.close();
                            return;
                        }
                        open++;
                        openBySource.put(source, fromSource + 1);
                        ch.closeFuture().addListener(f -> {
                            open--;
                            openBySource.computeIfPresent(source, (a, n) -> n == 1 ? null : n - 1);
                        });
                        addHandlers(ch.pipeline(), handler);
                    }
                })
                .bind(address)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
            Throwable cause = bound.cause();
            throw new IOException("metrics endpoint: cannot listen on " + listen + ": " + cause.getMessage(), cause);
        }
        return new MetricsServer(group, bound.channel());
    }

    /** A connection's handlers: idle timeout, HTTP/1.1 codec, bounded request aggregation, then the endpoint. */
    static void addHandlers(ChannelPipeline pipeline, MetricsHttpHandler handler) {
        pipeline.addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS));
        pipeline.addLast(new HttpServerCodec());
        pipeline.addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES));
        pipeline.addLast(handler);
    }

    /** The bound address (useful when the configured port was 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
