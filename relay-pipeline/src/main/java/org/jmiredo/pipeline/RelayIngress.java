package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import org.jmiredo.engine.BurstClock;
import org.jmiredo.engine.Reception;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's UDP-to-tunnel path for one socket: counts the datagram; drops it unless its IPv4 source is
 * global unicast and it parses as Teredo (RFC 4380 §5.1.1, R-5.4.2-valid); a bubble (§2.8) is control
 * traffic that updates the peer entry, may release queued packets and ends here (R-5.4.2-bubble); anything
 * else goes through the peer lookup and the reception rules (§5.4.2), and an accepted packet goes into the
 * loop's tunnel queue narrowed to the IPv6 packet itself (headers and RFC 6081 trailers cut off, no copy).
 * Nothing throws out: a failure costs the datagram only, counted as an internal error, logged at debug.
 */
final class RelayIngress implements UdpIngress {
    private static final Logger LOG = LoggerFactory.getLogger(RelayIngress.class);

    /** Reused for every datagram: one socket's datagrams are handled on its loop, one at a time. */
    private final TeredoHeaders headers = new TeredoHeaders();
    private final Reception reception;
    private final UdpTunOutput output;
    private final DataPathCounters counters;
    private final BurstClock clock;
    private final int local;

    /** {@code local}: the index of the local address the socket is bound to (RelayOutput.ANY_LOCAL: 0.0.0.0). */
    RelayIngress(Reception reception, UdpTunOutput output, DataPathCounters counters, BurstClock clock, int local) {
        this.reception = reception;
        this.output = output;
        this.counters = counters;
        this.clock = clock;
        this.local = local;
    }

    @Override
    public void receive(ByteBuf datagram, int srcIpv4, int srcPort) {
        counters.increment(Counter.UDP_RX_PACKETS);
        counters.add(Counter.UDP_RX_BYTES, datagram.readableBytes());
        boolean forward = false;
        try {
            forward = accepted(datagram, srcIpv4, srcPort);
        } catch (RuntimeException e) {
            internalError(e);
        } finally {
            if (!forward) {
                datagram.release();
            }
        }
        if (forward) {
            int at = headers.ipv6Offset();
            datagram.setIndex(at, at + headers.ipv6Length());
            try {
                output.toTun(datagram); // takes ownership, even when it throws
            } catch (RuntimeException e) {
                internalError(e);
            }
        }
    }

    /** True when the datagram carries a packet for the tunnel; false when it ended here (a bubble, or a drop). */
    private boolean accepted(ByteBuf datagram, int srcIpv4, int srcPort) {
        DropReason reason;
        if (srcIpv4 == 0 || !Ipv4.isGlobalUnicast(srcIpv4)) {
            reason = DropReason.NON_GLOBAL_SOURCE;
        } else {
            reason = headers.parse(datagram);
        }
        if (reason == null) {
            boolean bubble = Ipv6.isBubble(datagram, headers.ipv6Offset());
            reason = bubble
                    ? reception.bubble(datagram, headers, srcIpv4, srcPort, local, output)
                    : reception.data(datagram, headers, srcIpv4, srcPort, local, output);
            if (bubble && reason == null) {
                return false;
            }
        }
        if (reason != null) {
            counters.drop(reason);
            return false;
        }
        return true;
    }

    @Override
    public void truncated(int length) {
        counters.increment(Counter.UDP_RX_PACKETS);
        counters.add(Counter.UDP_RX_BYTES, length);
        counters.drop(DropReason.UDP_TRUNCATED);
    }

    @Override
    public void receiveFailed() {
        counters.increment(Counter.UDP_RX_ERRORS);
    }

    @Override
    public void burstEnd() {
        clock.burstEnd(); // the reception rules' clock: the next burst reads it afresh
        try {
            output.flush(); // one flush per read burst: the queued datagrams leave in one sendmmsg
        } catch (RuntimeException e) {
            internalError(e);
        } finally {
            output.flushTun(); // the tunnel's held packets leave at the burst's end, whatever happened
        }
    }

    @Override
    public void failed(Throwable cause) {
        counters.drop(cause instanceof IOException ? DropReason.UDP_WRITE_FAILED : DropReason.INTERNAL_ERROR);
        LOG.debug("UDP pipeline error", cause);
    }

    private void internalError(RuntimeException e) {
        counters.drop(DropReason.INTERNAL_ERROR);
        LOG.debug("Teredo datagram error", e);
    }
}
