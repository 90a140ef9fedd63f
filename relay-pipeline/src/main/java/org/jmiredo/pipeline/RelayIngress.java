package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.jmiredo.engine.BurstClock;
import org.jmiredo.engine.Reception;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerLookups;
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
final class RelayIngress extends CountingUdpIngress {
    private static final Logger LOG = LoggerFactory.getLogger(RelayIngress.class);

    /** Reused run after run: one socket's datagrams are handled on its loop, one run at a time. */
    private final TeredoHeaders[] headers = new TeredoHeaders[PeerLookups.MAX];
    /** Per datagram of the run: why it is dropped before the rules (null: on to them), and its lookup. */
    private final DropReason[] screened = new DropReason[PeerLookups.MAX];

    private final int[] lookup = new int[PeerLookups.MAX];
    /** A lone datagram ({@link UdpIngressHandler}'s way) as a run of one. */
    private final ByteBuf[] one = new ByteBuf[1];

    private final int[] oneIpv4 = new int[1];
    private final int[] onePort = new int[1];
    private final Reception reception;
    private final UdpTunOutput output;
    private final BurstClock clock;
    private final int local;

    /** {@code local}: the index of the local address the socket is bound to (RelayOutput.ANY_LOCAL: 0.0.0.0). */
    RelayIngress(Reception reception, UdpTunOutput output, DataPathCounters counters, BurstClock clock, int local) {
        super(counters);
        this.reception = reception;
        this.output = output;
        this.clock = clock;
        this.local = local;
        Arrays.setAll(headers, i -> new TeredoHeaders());
    }

    @Override
    public void receive(ByteBuf datagram, int srcIpv4, int srcPort) {
        one[0] = datagram;
        oneIpv4[0] = srcIpv4;
        onePort[0] = srcPort;
        receive(one, oneIpv4, onePort, 1);
        one[0] = null;
    }

    /**
     * The read in runs of up to {@value PeerLookups#MAX}: each run's datagrams are screened and their
     * peers looked up all at once (the cache misses overlap), then each goes through the rules. Should the
     * rules throw past RuntimeException (a bug's Error), the datagrams they never got are dropped as
     * {@code internal_error} on the way out: owned here, they would be lost otherwise.
     */
    @Override
    public void receive(ByteBuf[] datagrams, int[] srcIpv4, int[] srcPort, int count) {
        int handed = 0;
        try {
            for (int from = 0; from < count; from += PeerLookups.MAX) {
                int n = Math.min(PeerLookups.MAX, count - from);
                reception.clearLookups();
                for (int j = 0; j < n; j++) {
                    screen(j, datagrams[from + j], srcIpv4[from + j], srcPort[from + j]);
                }
                lookUp(n);
                for (int j = 0; j < n; j++) {
                    handed++; // deliver releases its datagram whatever happens
                    deliver(j, datagrams[from + j], srcIpv4[from + j], srcPort[from + j]);
                }
            }
        } finally {
            for (int i = handed; i < count; i++) {
                counters.drop(DropReason.INTERNAL_ERROR);
                datagrams[i].release();
            }
        }
    }

    /** Counts datagram {@code j} of the run, parses it and adds its peer's lookup; never throws. */
    private void screen(int j, ByteBuf datagram, int srcIpv4, int srcPort) {
        counters.increment(Counter.UDP_RX_PACKETS);
        counters.add(Counter.UDP_RX_BYTES, datagram.readableBytes());
        lookup[j] = -1;
        try {
            // Port 0 can be sent from (a raw socket) but never answered: no peer may be trusted at it.
            if (srcIpv4 == 0 || srcPort == 0 || !Ipv4.isGlobalUnicast(srcIpv4)) {
                screened[j] = DropReason.NON_GLOBAL_SOURCE;
            } else if ((screened[j] = headers[j].parse(datagram)) == null) {
                lookup[j] = reception.lookAhead(datagram, headers[j]);
            }
        } catch (RuntimeException e) {
            screened[j] = DropReason.INTERNAL_ERROR;
            LOG.debug("Teredo datagram error", e);
        }
    }

    private void lookUp(int n) {
        try {
            reception.lookUp();
        } catch (RuntimeException e) {
            LOG.debug("peer lookups", e);
            Arrays.fill(lookup, 0, n, -1); // the rules look each peer up under its lock instead
        }
    }

    /** Datagram {@code j} of the run through the rules, and on to the tunnel if accepted; never throws. */
    private void deliver(int j, ByteBuf datagram, int srcIpv4, int srcPort) {
        boolean forward = false;
        try {
            forward = accepted(j, datagram, srcIpv4, srcPort);
        } catch (RuntimeException e) {
            internalError(e);
        } finally {
            if (!forward) {
                datagram.release();
            }
        }
        if (forward) {
            int at = headers[j].ipv6Offset();
            datagram.setIndex(at, at + headers[j].ipv6Length());
            try {
                output.toTun(datagram); // takes ownership, even when it throws
            } catch (RuntimeException e) {
                internalError(e);
            }
        }
    }

    /** True when the datagram carries a packet for the tunnel; false when it ended here (a bubble, or a drop). */
    private boolean accepted(int j, ByteBuf datagram, int srcIpv4, int srcPort) {
        DropReason reason = screened[j];
        if (reason == null) {
            TeredoHeaders h = headers[j];
            boolean bubble = Ipv6.isBubble(datagram, h.ipv6Offset());
            reason = bubble
                    ? reception.bubble(datagram, h, srcIpv4, srcPort, local, output, lookup[j])
                    : reception.data(datagram, h, srcIpv4, srcPort, local, output, lookup[j]);
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

    private void internalError(RuntimeException e) {
        counters.drop(DropReason.INTERNAL_ERROR);
        LOG.debug("Teredo datagram error", e);
    }
}
