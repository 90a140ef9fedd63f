package org.jmiredo.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jmiredo.server.metrics.MetricsConnections.Admission;
import org.jmiredo.server.metrics.MetricsConnections.Slot;
import org.junit.jupiter.api.Test;

/** The metrics endpoint's connection rules on their own: who is closed for a newcomer, and the request deadline. */
class MetricsConnectionsTest {
    static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    final AtomicLong now = new AtomicLong(1_000);
    final AtomicInteger timedOut = new AtomicInteger();
    final InetAddress a = address(1);
    final InetAddress b = address(2);

    @Test
    void aFullEndpointAdmitsANewcomerAtTheExpenseOfTheLongestWaitingConnection() {
        MetricsConnections connections = new MetricsConnections(3, 2, TIMEOUT, now::get, timedOut::incrementAndGet);
        EmbeddedChannel first = connection(connections, a);
        now.addAndGet(5);
        EmbeddedChannel second = connection(connections, b);
        now.addAndGet(5);
        assertThat(connections.admission(a)).isEqualTo(Admission.ADMIT);
        EmbeddedChannel third = connection(connections, address(3));
        assertThat(connections.admission(address(4))).isEqualTo(Admission.EVICT_AND_ADMIT);
        assertThat(connections.victim().channel).isSameAs(first);

        // A request in progress keeps its connection while any other waits; a whole one makes it wait again.
        now.addAndGet(5);
        first.writeInbound(ascii("GET /met"));
        assertThat(connections.victim().channel).isSameAs(second);
        now.addAndGet(5);
        second.writeInbound(ascii("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(connections.victim().channel).as("waiting since the connect").isSameAs(third);

        // With every connection in a request, the one whose request started first.
        third.writeInbound(ascii("G"));
        now.addAndGet(5);
        second.writeInbound(ascii("G"));
        assertThat(connections.victim().channel).isSameAs(first);
        first.close();
        assertThat(connections.openCount()).isEqualTo(2);
        assertThat(connections.victim().channel).isSameAs(third);
        third.close();
        second.close();
        assertThat(connections.victim()).isNull();
        assertThat(timedOut).hasValue(0);
    }

    @Test
    void aClosedVictimIsNotChosenTwiceBeforeItsCloseIsCounted() {
        MetricsConnections connections = new MetricsConnections(2, 2, TIMEOUT, now::get, timedOut::incrementAndGet);
        EmbeddedChannel first = connection(connections, a);
        now.addAndGet(5);
        EmbeddedChannel second = connection(connections, b);
        Slot victim = connections.victim();
        assertThat(victim.channel).isSameAs(first);
        first.unsafe().close(first.voidPromise()); // closed, as the endpoint does; the count may follow later
        assertThat(connections.victim().channel).isSameAs(second);
    }

    @Test
    void oneSourceBeyondItsShareIsRefusedEvenWithPlacesFree() {
        MetricsConnections connections = new MetricsConnections(8, 2, TIMEOUT, now::get, timedOut::incrementAndGet);
        connection(connections, a);
        EmbeddedChannel second = connection(connections, a);
        assertThat(connections.admission(a)).isEqualTo(Admission.REFUSE);
        assertThat(connections.admission(b)).isEqualTo(Admission.ADMIT);
        second.close();
        assertThat(connections.admission(a)).isEqualTo(Admission.ADMIT);
    }

    /** One IPv6 host has a /64 of addresses: its share is counted per /64; IPv4 per address. */
    @Test
    void anIpv6SourcesShareIsItsSlash64() throws Exception {
        assertThat(MetricsConnections.source(InetAddress.getByName("2001:db8:6:1::1")))
                .isEqualTo(MetricsConnections.source(InetAddress.getByName("2001:db8:6:1:ffff:1234:5678:9abc")))
                .isEqualTo(InetAddress.getByName("2001:db8:6:1::"))
                .isNotEqualTo(MetricsConnections.source(InetAddress.getByName("2001:db8:6:2::1")));
        assertThat(MetricsConnections.source(InetAddress.getByName("::ffff:198.51.100.7")))
                .isEqualTo(InetAddress.getByName("198.51.100.7"));
        assertThat(MetricsConnections.source(address(7))).isEqualTo(address(7));
    }

    /** A slowloris: bytes keep coming, so the idle timeout never fires; the request's own deadline does. */
    @Test
    void aRequestNotWholeWithinTheTimeoutOfItsFirstByteIsClosed() {
        MetricsConnections connections = new MetricsConnections(8, 8, TIMEOUT, now::get, timedOut::incrementAndGet);
        EmbeddedChannel trickle = connection(connections, a);
        trickle.freezeTime();
        trickle.advanceTimeBy(1, TimeUnit.HOURS);
        trickle.runScheduledPendingTasks();
        assertThat(trickle.isOpen())
                .as("connected and silent: the idle timeout's business")
                .isTrue();
        String request = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 9; i++) {
            trickle.writeInbound(ascii(request.substring(i, i + 1)));
            trickle.advanceTimeBy(1, TimeUnit.SECONDS);
            trickle.runScheduledPendingTasks();
        }
        assertThat(trickle.isOpen()).as("9 s after its first byte").isTrue();
        trickle.writeInbound(ascii(request.substring(9, 10)));
        trickle.advanceTimeBy(1, TimeUnit.SECONDS);
        trickle.runScheduledPendingTasks();
        assertThat(trickle.isOpen()).as("10 s after its first byte").isFalse();
        assertThat(timedOut).hasValue(1);
        assertThat(connections.openCount()).isZero();
    }

    /** The deadline counts a request's own time only: a keep-alive connection idles between scrapes as long as it likes. */
    @Test
    void wholeRequestsOnAKeepAliveConnectionAreNeverTimedOut() {
        MetricsConnections connections = new MetricsConnections(8, 8, TIMEOUT, now::get, timedOut::incrementAndGet);
        EmbeddedChannel scraper = connection(connections, a);
        scraper.freezeTime();
        for (int i = 0; i < 5; i++) {
            scraper.writeInbound(ascii("GET /healthz HTTP/1.1\r\n"));
            scraper.advanceTimeBy(9, TimeUnit.SECONDS);
            scraper.runScheduledPendingTasks();
            scraper.writeInbound(ascii("Host: x\r\n\r\n"));
            FullHttpResponse response = scraper.readOutbound();
            assertThat(response.status().code()).isEqualTo(200);
            response.release();
            scraper.advanceTimeBy(30, TimeUnit.SECONDS);
            scraper.runScheduledPendingTasks();
            assertThat(scraper.isOpen()).as("after scrape %d", i).isTrue();
        }
        assertThat(timedOut).hasValue(0);
        scraper.finishAndReleaseAll();
    }

    private static EmbeddedChannel connection(MetricsConnections connections, InetAddress source) {
        EmbeddedChannel channel = new EmbeddedChannel();
        Slot slot = connections.add(channel, source);
        channel.pipeline().addLast(connections.requestStart(slot));
        channel.pipeline().addLast(new HttpRequestDecoder());
        channel.pipeline().addLast(new HttpObjectAggregator(16 * 1024));
        channel.pipeline().addLast(connections.requestEnd(slot));
        channel.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
            }
        });
        return channel;
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
