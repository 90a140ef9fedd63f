package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.jmiredo.engine.BurstClock;
import org.jmiredo.engine.TunnelRules;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerLookups;
import org.jmiredo.proto.Teredo;
import org.jmiredo.tun.TunReceiver;
import org.jmiredo.tun.offload.OffloadDrop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel-to-UDP path of one event loop: each packet read from the loop's tunnel queue goes through
 * the transmission rules (destination checks, peer lookup, encapsulation or bubble: the relay's or the
 * client's), and the whole read burst leaves with one flush.
 *
 * <p>Packets are held as they are read, in runs of up to {@value PeerLookups#MAX}: a run's destination
 * peers are looked up all at once (at millions of peers each lookup misses the cache; together the
 * misses overlap, see {@link org.jmiredo.engine.Transmission}), then each packet goes through the rules,
 * in the order read. A run ends when it is full or at {@link #readComplete}, which every burst ends with.
 */
public final class TunToUdpPath implements TunReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(TunToUdpPath.class);

    private final TunnelRules transmission;
    private final UdpTunOutput output;
    private final DataPathCounters counters;
    private final BurstClock clock;
    /** The run being read (owned here until handed to the rules) and each packet's lookup. */
    private final ByteBuf[] held = new ByteBuf[PeerLookups.MAX];

    private final int[] lookup = new int[PeerLookups.MAX];
    private int heldCount;

    public TunToUdpPath(TunnelRules transmission, UdpTunOutput output, DataPathCounters counters, BurstClock clock) {
        this.transmission = transmission;
        this.output = output;
        this.counters = counters;
        this.clock = clock;
    }

    /** Counts the packet and holds it for its run; a full run goes through the rules at once. */
    @Override
    public void packetRead(ByteBuf packet) {
        counters.increment(Counter.TUN_RX_PACKETS);
        counters.add(Counter.TUN_RX_BYTES, packet.readableBytes());
        if (packet.readableBytes() > Teredo.MAX_PACKET) {
            packet.release(); // a tunnel MTU raised past what a datagram holds: no UDP send could carry it
            counters.drop(DropReason.TUN_OVERSIZED);
            return;
        }
        held[heldCount++] = packet;
        if (heldCount == held.length) {
            runHeld();
        }
    }

    /**
     * The held run: every destination looked up at once, then each packet through the rules. Throws only what
     * the rules throw beyond a RuntimeException (an Error); the run's packets the rules did not get are then
     * dropped here, as {@code internal_error}, rather than left held for the next run.
     */
    private void runHeld() {
        int n = heldCount;
        heldCount = 0;
        int j = 0;
        try {
            lookUpHeld(n);
            for (; j < n; j++) {
                ByteBuf packet = held[j];
                held[j] = null;
                try {
                    transmission.fromTunnel(packet, lookup[j], output);
                } catch (RuntimeException e) {
                    // Ownership passed to the rules; a bug there must cost this packet only, never the loop.
                    counters.drop(DropReason.INTERNAL_ERROR);
                    LOG.debug("tunnel-to-UDP error", e);
                }
            }
        } finally {
            for (; j < n; j++) {
                if (held[j] != null) {
                    counters.drop(DropReason.INTERNAL_ERROR);
                    held[j].release();
                    held[j] = null;
                }
            }
        }
    }

    private void lookUpHeld(int n) {
        try {
            transmission.clearLookups();
            for (int j = 0; j < n; j++) {
                lookup[j] = transmission.lookAhead(held[j]);
            }
            transmission.lookUp();
        } catch (RuntimeException e) {
            LOG.debug("tunnel-to-UDP lookups", e);
            Arrays.fill(lookup, 0, n, -1); // the rules look each peer up under its lock instead
        }
    }

    @Override
    public void oversizedPacketDropped() {
        counters.drop(DropReason.TUN_OVERSIZED);
    }

    @Override
    public void notIpv6Dropped() {
        counters.drop(DropReason.TUN_NOT_IPV6);
    }

    @Override
    public void offloadDropped(OffloadDrop reason) {
        counters.drop(
                reason == OffloadDrop.MALFORMED
                        ? DropReason.TUN_OFFLOAD_MALFORMED
                        : DropReason.TUN_OFFLOAD_UNSUPPORTED);
    }

    /** Ends the burst: the held run through the rules, then the clock and both outputs, whatever the rules threw. */
    @Override
    public void readComplete() {
        try {
            runHeld();
        } finally {
            clock.burstEnd(); // the transmission rules' clock: the next burst reads it afresh
            try {
                output.flushTun(); // ICMPv6 errors this burst wrote back into the tunnel
            } finally {
                output.flush(); // the burst's datagrams leave now whatever happened, not with a later burst
            }
        }
    }
}
