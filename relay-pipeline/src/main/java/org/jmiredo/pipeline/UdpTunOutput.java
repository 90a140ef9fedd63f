package org.jmiredo.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.metrics.LatencyHistogram;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.offload.GroCoalescer;
import org.jmiredo.tun.offload.GroOutput;

/**
 * One event loop's two ends: its UDP channel and its tunnel queue. Datagrams are queued in the loop's
 * {@link UdpSender} and leave with the next flush (one per read burst, so they go in one sendmmsg). When the tunnel
 * takes GSO super-packets, packets for it are held for the burst and coalesced ({@link GroCoalescer}) until
 * {@link #flushTun}; otherwise each is written at once. Counts what leaves, and what cannot leave, by reason.
 */
final class UdpTunOutput implements RelayOutput, GroOutput {
    private final Channel udp;
    private final TunQueue tun;
    private final DataPathCounters counters;
    private final UdpSender sender;
    /** Null when the tunnel takes no super-packets: then nothing is held. */
    private final GroCoalescer coalescer;

    UdpTunOutput(Channel udp, UdpSender sender, TunQueue tun, DataPathCounters counters) {
        this.udp = udp;
        this.sender = sender;
        this.tun = tun;
        this.counters = counters;
        this.coalescer = tun.segmentedWrites() ? new GroCoalescer(udp.alloc(), this, tun.segmentedUdpWrites()) : null;
    }

    /**
     * Writes into the tunnel now, or holds for coalescing until {@link #flushTun}. Only called inside a read
     * burst (UDP or tunnel), and both end with {@link #flushTun}.
     */
    @Override
    public void toTun(ByteBuf packet) {
        if (coalescer != null) {
            coalescer.add(packet);
        } else {
            single(packet);
        }
    }

    /** Writes what the burst held for the tunnel; nothing to do when the tunnel takes no super-packets. */
    void flushTun() {
        if (coalescer != null) {
            coalescer.flush();
        }
    }

    @Override
    public void single(ByteBuf packet) {
        int length = packet.readableBytes();
        try {
            if (write(packet)) {
                counters.increment(Counter.TUN_TX_PACKETS);
                counters.add(Counter.TUN_TX_BYTES, length);
            } else {
                counters.drop(DropReason.TUN_WRITE_FAILED);
            }
        } finally {
            packet.release();
        }
    }

    @Override
    public void toUdp(ByteBuf payload, int ipv4, int port) {
        if (!udp.isWritable()) {
            // The socket's send queue is above its high-water mark: drop rather than grow without bound.
            counters.drop(DropReason.UDP_WRITE_FAILED);
            payload.release();
            return;
        }
        counters.increment(Counter.UDP_TX_PACKETS);
        counters.add(Counter.UDP_TX_BYTES, payload.readableBytes());
        sender.add(payload, ipv4, port);
    }

    @Override
    public void segmented(ByteBuf superPacket, int protocol, int segmentSize, int segments, int originalBytes) {
        try {
            if (writeSegmented(superPacket, protocol, segmentSize)) {
                counters.add(Counter.TUN_TX_PACKETS, segments);
                counters.add(Counter.TUN_TX_BYTES, originalBytes);
                counters.add(Counter.TUN_TX_COALESCED_PACKETS, segments);
                counters.increment(Counter.TUN_TX_SUPER_PACKETS);
            } else {
                counters.drop(DropReason.TUN_WRITE_FAILED, segments);
            }
        } finally {
            superPacket.release();
        }
    }

    private boolean writeSegmented(ByteBuf superPacket, int protocol, int segmentSize) {
        LatencyHistogram latency = counters.tunWrites();
        if (!latency.sampleNext()) {
            return tun.writeSegmented(superPacket, protocol, segmentSize);
        }
        long start = System.nanoTime();
        boolean written = tun.writeSegmented(superPacket, protocol, segmentSize);
        latency.record(System.nanoTime() - start);
        return written;
    }

    private boolean write(ByteBuf packet) {
        LatencyHistogram latency = counters.tunWrites();
        if (!latency.sampleNext()) {
            return tun.write(packet);
        }
        long start = System.nanoTime();
        boolean written = tun.write(packet);
        latency.record(System.nanoTime() - start);
        return written;
    }

    /** Sends what this burst queued for the UDP socket. */
    void flush() {
        LatencyHistogram latency = counters.udpFlushes();
        if (!latency.sampleNext()) {
            sender.flush();
            return;
        }
        long start = System.nanoTime();
        sender.flush();
        latency.record(System.nanoTime() - start);
    }
}
