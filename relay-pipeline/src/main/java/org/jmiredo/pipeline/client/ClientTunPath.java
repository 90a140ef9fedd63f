package org.jmiredo.pipeline.client;

import io.netty.buffer.ByteBuf;
import org.jmiredo.engine.client.ClientTransmission;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.UdpTunOutput;
import org.jmiredo.tun.TunReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client's tunnel-to-UDP path: each packet read through the transmission rules, one flush per burst. */
final class ClientTunPath implements TunReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTunPath.class);

    private final ClientTransmission transmission;
    private final UdpTunOutput output;
    private final DataPathCounters counters;

    ClientTunPath(ClientTransmission transmission, UdpTunOutput output, DataPathCounters counters) {
        this.transmission = transmission;
        this.output = output;
        this.counters = counters;
    }

    @Override
    public void packetRead(ByteBuf packet) {
        counters.increment(Counter.TUN_RX_PACKETS);
        counters.add(Counter.TUN_RX_BYTES, packet.readableBytes());
        try {
            transmission.fromTunnel(packet, output);
        } catch (RuntimeException e) {
            counters.drop(DropReason.INTERNAL_ERROR); // ownership passed to the rules: this packet only
            LOG.debug("client tunnel-to-UDP error", e);
        }
    }

    @Override
    public void oversizedPacketDropped() {
        counters.drop(DropReason.TUN_OVERSIZED);
    }

    @Override
    public void readComplete() {
        output.flushTun(); // ICMPv6 errors written back into the tunnel
        output.flush();
    }
}
