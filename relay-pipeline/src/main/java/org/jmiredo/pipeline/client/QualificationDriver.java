package org.jmiredo.pipeline.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jmiredo.engine.client.ClientSelf;
import org.jmiredo.engine.client.ClientState;
import org.jmiredo.engine.client.Qualification;
import org.jmiredo.engine.client.QualificationFailure;
import org.jmiredo.engine.client.QualificationOutput;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.pipeline.SendOutcome;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.RouterSolicitation;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoHeaders;

/**
 * Runs {@link Qualification} on the client channel's event loop: starts it when the channel is active, keeps
 * its timer as one scheduled task moved to each new deadline, writes and flushes its solicitations at once
 * (a few per minute), and tells the data rules ({@link ClientSelf}, absent with qualification only) and the
 * daemon ({@link ClientStatus}) what address to use. After a failed round it has the server's host name looked up
 * again ({@link ServerLookup}, off the loop; one lookup at a time, so at most one per failed round) and moves the
 * next round to the addresses it gives.
 */
public final class QualificationDriver extends ChannelInboundHandlerAdapter implements QualificationOutput {
    public static final String NAME = "teredo-client-qualification";

    private final Qualification qualification;
    private final ClientSelf self;
    private final PeerTable peers;
    private final ClientStatus status;
    private final LongSupplier millis;
    private final DataPathCounters counters;
    private final ServerLookup lookup;
    private Channel channel;
    private boolean lookingUp;
    private ScheduledFuture<?> timer;
    private long scheduledFor = Long.MAX_VALUE;
    private ClientState reported;

    /**
     * @param random the nonces, link-local address and address flags (a SecureRandom: RFC 4380 §5.2.2
     *     wants nonces an attacker cannot guess)
     * @param millis a monotonic clock in milliseconds
     * @param self the data rules' view of the address; null when only qualification runs
     * @param peers the data rules' peer table, emptied when the address changes; null when only qualification runs
     * @param lookup looks the server's host names up again after a failure; null when it was given as addresses
     */
    public QualificationDriver(
            QualificationSettings settings,
            RandomGenerator random,
            LongSupplier millis,
            ClientSelf self,
            PeerTable peers,
            ClientStatus status,
            DataPathCounters counters,
            ServerLookup lookup) {
        this.qualification = new Qualification(settings, random, this);
        this.self = self;
        this.peers = peers;
        this.status = status;
        this.millis = millis;
        this.counters = counters;
        this.lookup = lookup;
    }

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

    /** A datagram whose headers parsed: true when it was the advertisement the qualification awaited. */
    boolean advertisement(ByteBuf content, TeredoHeaders headers, int srcIpv4, int srcPort) {
        if (!qualification.advertisement(content, headers, srcIpv4, srcPort, millis.getAsLong())) {
            return false;
        }
        counters.increment(Counter.ROUTER_ADVERTISEMENTS_RX);
        after();
        return true;
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
        if (deadline == scheduledFor || channel == null) {
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
        if (channel == null || !channel.isActive()) {
            return;
        }
        ByteBuf rs = channel.alloc().directBuffer(TeredoHeaders.AUTH_FIXED_LENGTH + RouterSolicitation.LENGTH);
        int length = RouterSolicitation.appendAuthenticated(rs, nonce, linkLocalLo);
        // Counted when the socket took it, as the data path counts: a refused RS is only udp_write_failed.
        channel.writeAndFlush(
                new DatagramPacket(rs, SocketAddresses.of(serverIpv4, Teredo.SERVICE_PORT)),
                new SendOutcome(channel, counters, Counter.ROUTER_SOLICITATIONS_TX, length));
    }

    @Override
    public void qualified(long addressHi, long addressLo, int mtu) {
        if (self != null && self.qualified(addressHi, addressLo)) {
            // A new mapping: peers trusted through the old one (their NATs open to it) must be tested again, and
            // packets queued from the old address go; as Miredo, which resets its peer list on every new address.
            peers.clear();
        }
        status.qualified(addressHi, addressLo, mtu);
    }

    @Override
    public void unqualified(QualificationFailure why) {
        if (self != null) {
            self.unqualified();
        }
        status.unqualified(why);
        switch (why) {
            case NO_REPLY, NO_REPLY_SECONDARY, SERVER_LOST -> lookUpServers();
            default -> {} // the server answered: it is where its name said
        }
    }

    private void lookUpServers() {
        if (lookup == null || lookingUp || channel == null) {
            return;
        }
        lookingUp = true;
        Channel udp = channel;
        lookup.lookUp((primary, secondary) -> {
            try {
                udp.eventLoop().execute(() -> serversFound(primary, secondary));
            } catch (RejectedExecutionException e) {
                // the loop has stopped: nothing to qualify any more
            }
        });
    }

    private void serversFound(int primary, int secondary) {
        lookingUp = false;
        if (primary != 0 && qualification.servers(primary, secondary, millis.getAsLong())) {
            status.servers(primary, secondary);
            after();
        }
    }
}
