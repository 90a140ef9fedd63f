package org.jmiredo.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves /metrics (Prometheus text or OpenMetrics), /healthz (the process answers) and /readyz (the
 * supplied check: TUN up and sockets bound). GET and HEAD only. Runs on the metrics endpoint's own event
 * loop, never a data-path loop: a slow scrape cannot delay packets. A scrape beyond the {@link ScrapeBudget} is
 * answered 429 at once, without reading the registry; probes are never limited.
 */
@Sharable
final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpHandler.class);
    private static final String PLAIN = "text/plain; charset=utf-8";

    /** Whose share of the scrape budget a connection's requests count against ({@link MetricsConnections#source}). */
    static final AttributeKey<InetAddress> SOURCE = AttributeKey.valueOf(MetricsHttpHandler.class, "source");

    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier ready;
    private final ScrapeBudget budget;

    MetricsHttpHandler(PrometheusMeterRegistry registry, BooleanSupplier ready, ScrapeBudget budget) {
        this.registry = registry;
        this.ready = ready;
        this.budget = budget;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!ctx.channel().isWritable()) {
            // Responses to earlier requests wait unread: a client that pipelines scrapes and reads none of
            // them would otherwise make this loop buffer one scrape per request (1 MB of requests made
            // gigabytes of direct memory, which the data path's buffers share).
            LOG.debug(
                    "metrics connection {} does not read its responses: closing",
                    ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        FullHttpResponse response = respond(ctx, request);
        boolean keepAlive =
                HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear(); // the length stays that of the GET body (RFC 9110 §9.3.2)
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse respond(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            return text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
        }
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return response;
        }
        String path = path(request.uri());
        if (path == null) {
            return text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
        }
        return switch (path) {
            case "/metrics" -> budgetedScrape(ctx, request.headers().get(HttpHeaderNames.ACCEPT));
            case "/healthz" -> text(HttpResponseStatus.OK, "ok\n");
            case "/readyz" ->
                ready.getAsBoolean()
                        ? text(HttpResponseStatus.OK, "ready\n")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
            case "/" -> text(HttpResponseStatus.OK, "jmiredo: /metrics /healthz /readyz\n");
            default -> text(HttpResponseStatus.NOT_FOUND, "not found\n");
        };
    }

    /**
     * The path part of a request target: a request in absolute form ({@code GET http://host:9560/metrics}, as a
     * client talking to a proxy sends it) names the same resource, and a server must accept it (RFC 9112
     * §3.2.2); the authority is not checked, as no virtual hosts are served.
     */
    static String originForm(String target) {
        int scheme = target.indexOf("://");
        if (scheme <= 0 || target.charAt(0) == '/') {
            return target;
        }
        int path = target.indexOf('/', scheme + 3);
        return path < 0 ? "/" : target.substring(path);
    }

    /** The decoded path of a request target; null when a percent-escape in it is broken ("/%zz"). */
    private static String path(String target) {
        try {
            return new QueryStringDecoder(originForm(target)).path();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A scrape if the budget has room for one from this connection's source, else 429 with Retry-After. */
    private FullHttpResponse budgetedScrape(ChannelHandlerContext ctx, String accept) {
        InetAddress source = ctx.channel().attr(SOURCE).get();
        long retryAfter = budget.charge(source != null ? source : InetAddress.getLoopbackAddress());
        if (retryAfter == 0) {
            return scrape(ctx, accept);
        }
        FullHttpResponse response = text(HttpResponseStatus.TOO_MANY_REQUESTS, "too many scrapes\n");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        return response;
    }

    private FullHttpResponse scrape(ChannelHandlerContext ctx, String accept) {
        ExpositionFormat format = ExpositionFormat.negotiate(accept);
        ByteBuf body = ctx.alloc().buffer(64 * 1024);
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            registry.scrape(out, format.contentType);
        } catch (IOException | RuntimeException e) {
            body.release();
            LOG.warn("metrics scrape failed: {}", e.toString());
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed\n");
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, format.contentType);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, PLAIN);
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("metrics connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
