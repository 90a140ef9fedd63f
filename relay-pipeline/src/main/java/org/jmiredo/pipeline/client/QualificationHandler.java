package org.jmiredo.pipeline.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jmiredo.engine.client.ClientState;
import org.jmiredo.engine.client.Qualification;
import org.jmiredo.engine.client.QualificationFailure;
import org.jmiredo.engine.client.QualificationOutput;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.pipeline.server.DecodingHandler;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.RouterSolicitation;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoHeaders;

/**
 * The client's UDP channel handler while only qualification is built: runs {@link Qualification} on the
 * channel's event loop, its timer as one scheduled task moved to each new deadline, its solicitations
 * written and flushed at once (a few per minute). Every other datagram is dropped and counted.
 */
public final class QualificationHandler extends DecodingHandler implements QualificationOutput {
    public static final String NAME = "teredo-client-qualification";

    private final Qualification qualification;
    private final ClientStatus status;
    private final LongSupplier millis;
    private Channel channel;
    private ScheduledFuture<?> timer;
    private long scheduledFor = Long.MAX_VALUE;
    private ClientState reported;

    /**
     * @param random the nonces, link-local address and address flags (a SecureRandom: RFC 4380 §5.2.2
     *     wants nonces an attacker cannot guess)
     * @param millis a monotonic clock in milliseconds
     */
    public QualificationHandler(QualificationSettings settings, RandomGenerator random, LongSupplier millis,
            ClientStatus status, DataPathCounters counters) {
        super(counters);
        this.qualification = new Qualification(settings, random, this);
        this.status = status;
        this.millis = millis;
    }

    /** Starts qualifying once the socket is bound. */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        qualification.start(millis.getAsLong());
        after();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    protected DropReason process(ByteBuf content, TeredoHeaders headers, int srcIpv4, int srcPort) {
        int at = headers.ipv6Offset();
        boolean advertisement = Ipv6.nextHeader(content, at) == Ipv6.NEXT_HEADER_ICMPV6
                && headers.ipv6Length() > Ipv6.HEADER_LENGTH
                && Icmpv6.type(content, at + Ipv6.HEADER_LENGTH) == Icmpv6.TYPE_ROUTER_ADVERTISEMENT;
        if (!advertisement) {
            return DropReason.NOT_QUALIFIED;
        }
        if (!qualification.advertisement(content, headers, srcIpv4, srcPort, millis.getAsLong())) {
            return DropReason.INVALID_ROUTER_ADVERTISEMENT;
        }
        counters.increment(Counter.ROUTER_ADVERTISEMENTS_RX);
        after();
        return null;
    }

    @Override
    protected void flush() {
        // Solicitations are flushed when written.
    }

    private void expire() {
        scheduledFor = Long.MAX_VALUE;
        qualification.expire(millis.getAsLong());
        after();
    }

    /** Reports a state change and moves the timer to the engine's deadline. */
    private void after() {
        ClientState now = qualification.state();
        if (now != reported) {
            reported = now;
            status.state(now);
        }
        long deadline = qualification.deadline();
        if (deadline == scheduledFor) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        scheduledFor = deadline;
        long delay = Math.max(0, deadline - millis.getAsLong());
        timer = channel.eventLoop().schedule(this::expire, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void solicit(int serverIpv4, long nonce, long linkLocalLo) {
        if (!channel.isActive()) {
            return;
        }
        ByteBuf rs = channel.alloc().directBuffer(TeredoHeaders.AUTH_FIXED_LENGTH + RouterSolicitation.LENGTH);
        int length = RouterSolicitation.appendAuthenticated(rs, nonce, linkLocalLo);
        counters.increment(Counter.ROUTER_SOLICITATIONS_TX);
        counters.increment(Counter.UDP_TX_PACKETS);
        counters.add(Counter.UDP_TX_BYTES, length);
        channel.writeAndFlush(new DatagramPacket(rs, SocketAddresses.of(serverIpv4, Teredo.SERVICE_PORT)))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        counters.drop(DropReason.UDP_WRITE_FAILED);
                    }
                });
    }

    @Override
    public void qualified(long addressHi, long addressLo, int mtu) {
        status.qualified(addressHi, addressLo, mtu);
    }

    @Override
    public void unqualified(QualificationFailure why) {
        status.unqualified(why);
    }
}
