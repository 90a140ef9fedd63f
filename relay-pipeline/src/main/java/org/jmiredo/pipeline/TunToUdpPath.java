package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import org.jmiredo.engine.BurstClock;
import org.jmiredo.engine.TunnelRules;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.tun.TunReceiver;
import org.jmiredo.tun.offload.OffloadDrop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel-to-UDP path of one event loop: each packet read from the loop's tunnel queue goes through
 * the transmission rules (destination checks, peer lookup, encapsulation or bubble: the relay's or the
 * client's), and the whole read burst leaves with one flush.
 */
public final class TunToUdpPath implements TunReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(TunToUdpPath.class);

    private final TunnelRules transmission;
    private final UdpTunOutput output;
    private final DataPathCounters counters;
    private final BurstClock clock;

    public TunToUdpPath(TunnelRules transmission, UdpTunOutput output, DataPathCounters counters, BurstClock clock) {
        this.transmission = transmission;
        this.output = output;
        this.counters = counters;
        this.clock = clock;
    }

    @Override
    public void packetRead(ByteBuf packet) {
        counters.increment(Counter.TUN_RX_PACKETS);
        counters.add(Counter.TUN_RX_BYTES, packet.readableBytes());
        try {
            transmission.fromTunnel(packet, output);
        } catch (RuntimeException e) {
            // Ownership passed to the rules; a bug there must cost this packet only, never the loop.
            counters.drop(DropReason.INTERNAL_ERROR);
            LOG.debug("tunnel-to-UDP error", e);
        }
    }

    @Override
    public void oversizedPacketDropped() {
        counters.drop(DropReason.TUN_OVERSIZED);
    }

    @Override
    public void offloadDropped(OffloadDrop reason) {
        counters.drop(reason == OffloadDrop.MALFORMED
                ? DropReason.TUN_OFFLOAD_MALFORMED : DropReason.TUN_OFFLOAD_UNSUPPORTED);
    }

    @Override
    public void readComplete() {
        clock.burstEnd(); // the transmission rules' clock: the next burst reads it afresh
        output.flushTun(); // ICMPv6 errors this burst wrote back into the tunnel
        output.flush();
    }
}
