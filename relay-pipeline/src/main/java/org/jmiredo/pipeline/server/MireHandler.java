package org.jmiredo.pipeline.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import org.jmiredo.engine.server.MireRules;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.SendOutcome;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.TeredoHeaders;

/** The mire's handler on its service-port or peer-port channel; answers leave from the peer channel. */
final class MireHandler extends DecodingHandler implements MireRules.Output {
    private final boolean servicePort;
    private final MireRules rules;
    private final Channel peer;
    private boolean pending;

    MireHandler(boolean servicePort, MireRules rules, Channel peer, DataPathCounters counters) {
        super(counters);
        this.servicePort = servicePort;
        this.rules = rules;
        this.peer = peer;
    }

    @Override
    DropReason process(ByteBuf content, TeredoHeaders headers, int srcIpv4, int srcPort) {
        return rules.process(content, headers, servicePort, srcIpv4, srcPort, this);
    }

    @Override
    public void toUdp(ByteBuf payload, int ipv4, int port, Counter kind) {
        if (!peer.isWritable()) {
            counters.drop(DropReason.UDP_WRITE_FAILED);
            payload.release();
            return;
        }
        peer.write(
                new DatagramPacket(payload, SocketAddresses.of(ipv4, port)),
                new SendOutcome(peer, counters, kind, payload.readableBytes()));
        pending = true;
    }

    @Override
    void flush() {
        if (pending) {
            pending = false;
            peer.flush();
        }
    }
}
