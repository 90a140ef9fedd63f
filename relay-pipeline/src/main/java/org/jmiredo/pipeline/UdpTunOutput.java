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
 * One event loop's two ends: its UDP channels and its tunnel queue. Channel 0 is the loop's main socket;
 * when that one is bound to 0.0.0.0 the transport may add one channel per local address (index 1 to 255,
 * {@link #addLocal}), so that a datagram leaves from the address its peer reached (a NAT that filters by
 * source drops anything else). Datagrams are queued in each channel's {@link UdpSender} and leave with the
 * next flush (one per read burst, so each channel's go in one sendmmsg). When the tunnel
 * takes GSO super-packets, packets for it are held for the burst and coalesced ({@link GroCoalescer}) until
 * {@link #flushTun}; otherwise each is written at once. Counts what leaves, and what cannot leave, by reason
 * (a datagram's senders count it once its fate is known).
 */
public final class UdpTunOutput implements RelayOutput, GroOutput {
    /** By local address index; null where that address has no socket (any more). */
    private final Channel[] channels = new Channel[MAX_LOCAL + 1];
    /** The sender of each channel above, at the same index. */
    private final UdpSender[] senders = new UdpSender[MAX_LOCAL + 1];

    private final UdpSender.Factory senderFactory;
    /** The indexes written since the last flush, each once. */
    private final int[] written = new int[MAX_LOCAL + 1];

    private final boolean[] isWritten = new boolean[MAX_LOCAL + 1];
    private int writtenCount;
    private final TunQueue tun;
    private final DataPathCounters counters;
    /** Null when the tunnel takes no super-packets: then nothing is held. */
    private final GroCoalescer coalescer;

    public UdpTunOutput(Channel udp, UdpSender.Factory senderFactory, TunQueue tun, DataPathCounters counters) {
        this.senderFactory = senderFactory;
        this.tun = tun;
        this.counters = counters;
        channels[ANY_LOCAL] = udp;
        senders[ANY_LOCAL] = senderFactory.create(udp, counters);
        this.coalescer = tun.segmentedWrites() ? new GroCoalescer(udp.alloc(), this, tun.segmentedUdpWrites()) : null;
    }

    /**
     * Sends from {@code channel} what is addressed to local address {@code local} (1 to 255) from now on,
     * until the channel closes. Called on this loop's thread, like everything here.
     */
    void addLocal(int local, Channel channel) {
        if (local <= ANY_LOCAL || local > MAX_LOCAL) {
            throw new IllegalArgumentException("local address index must be 1 to " + MAX_LOCAL + ": " + local);
        }
        channels[local] = channel;
        senders[local] = senderFactory.create(channel, counters);
        // A sender holds nothing between read bursts (each ends with a flush), so none is lost here.
        channel.closeFuture().addListener(f -> {
            if (channels[local] == channel) {
                channels[local] = null;
                senders[local] = null;
            }
        });
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
    public void flushTun() {
        if (coalescer != null) {
            coalescer.flush();
        }
    }

    @Override
    public void single(ByteBuf packet) {
        int length = packet.readableBytes();
        try {
            LatencyHistogram latency = counters.tunWrites();
            long start = latency.start();
            boolean written = tun.write(packet);
            latency.stop(start);
            if (written) {
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
    public void toUdp(ByteBuf payload, int ipv4, int port, int local, Counter kind) {
        Channel channel = channels[local];
        if (channel == null) {
            // The address the peer reached has left the host: the route's choice is the best left.
            counters.increment(Counter.UDP_TX_LOCAL_ADDRESS_GONE);
            local = ANY_LOCAL;
            channel = channels[ANY_LOCAL];
        }
        if (!channel.isWritable()) {
            // The socket's send queue is above its high-water mark: drop rather than grow without bound.
            counters.drop(DropReason.UDP_WRITE_FAILED);
            payload.release();
            return;
        }
        senders[local].add(payload, ipv4, port, kind); // counted there, once the kernel took it or refused it
        if (!isWritten[local]) {
            isWritten[local] = true;
            written[writtenCount++] = local;
        }
    }

    @Override
    public void segmented(ByteBuf superPacket, int protocol, int segmentSize, int segments, int originalBytes) {
        try {
            LatencyHistogram latency = counters.tunWrites();
            long start = latency.start();
            boolean written = tun.writeSegmented(superPacket, protocol, segmentSize);
            latency.stop(start);
            if (written) {
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

    /** Sends what this burst queued on the UDP channels. */
    public void flush() {
        LatencyHistogram latency = counters.udpFlushes();
        long start = latency.start();
        flushWritten();
        latency.stop(start);
    }

    private void flushWritten() {
        for (int i = 0; i < writtenCount; i++) {
            int local = written[i];
            isWritten[local] = false;
            UdpSender sender = senders[local];
            if (sender != null) {
                sender.flush();
            }
        }
        writtenCount = 0;
    }
}
