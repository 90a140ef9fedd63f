package org.jmiredo.pipeline.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerOutput;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.SendOutcome;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.tun.TunQueue;

/**
 * The server rules' output for one receiving socket: the primary and secondary UDP channels (each bound
 * to its address, port 3544, so a datagram written to one leaves from that address; both on this socket's
 * loop) and the native IPv6 output. Writes wait for {@link #flush}, once per read burst. Counts what leaves
 * and what cannot (a datagram once its fate is known, {@link SendOutcome}).
 */
final class ServerUdpOutput implements ServerOutput {
    private final Channel primary;
    private final Channel secondary;
    private final TunQueue nativeOut;
    private final DataPathCounters counters;
    private boolean primaryPending;
    private boolean secondaryPending;

    ServerUdpOutput(Channel primary, Channel secondary, TunQueue nativeOut, DataPathCounters counters) {
        this.primary = primary;
        this.secondary = secondary;
        this.nativeOut = nativeOut;
        this.counters = counters;
    }

    @Override
    public void toUdp(ByteBuf payload, ServerEndpoint from, int ipv4, int port, Counter kind) {
        Channel udp = from == ServerEndpoint.PRIMARY ? primary : secondary;
        if (!udp.isWritable()) {
            // Above the send queue's high-water mark: drop rather than queue without bound.
            counters.drop(DropReason.UDP_WRITE_FAILED);
            payload.release();
            return;
        }
        // No address cache (as the relay's senders have): the server keeps nothing per client.
        udp.write(
                new DatagramPacket(payload, SocketAddresses.of(ipv4, port)),
                new SendOutcome(udp, counters, kind, payload.readableBytes()));
        if (from == ServerEndpoint.PRIMARY) {
            primaryPending = true;
        } else {
            secondaryPending = true;
        }
    }

    @Override
    public void toNative(ByteBuf packet) {
        int length = packet.readableBytes();
        try {
            if (nativeOut.write(packet)) {
                counters.increment(Counter.NATIVE_TX_PACKETS);
                counters.add(Counter.NATIVE_TX_BYTES, length);
            } else {
                counters.drop(DropReason.NATIVE_WRITE_FAILED);
            }
        } finally {
            packet.release(); // TunQueue.write never takes ownership
        }
    }

    /** Sends what this burst queued, on the channels it was queued on. */
    void flush() {
        if (primaryPending) {
            primaryPending = false;
            primary.flush();
        }
        if (secondaryPending) {
            secondaryPending = false;
            secondary.flush();
        }
    }
}
