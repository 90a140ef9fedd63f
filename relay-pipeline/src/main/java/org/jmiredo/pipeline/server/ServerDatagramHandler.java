package org.jmiredo.pipeline.server;

import io.netty.buffer.ByteBuf;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerRules;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.TeredoHeaders;

/** The server's handler on one of its two UDP channels: the datagram goes through {@link ServerRules}. */
final class ServerDatagramHandler extends DecodingHandler {
    private final ServerEndpoint boundTo;
    private final ServerRules rules;
    private final ServerUdpOutput output;

    ServerDatagramHandler(
            ServerEndpoint boundTo, ServerRules rules, ServerUdpOutput output, DataPathCounters counters) {
        super(counters);
        this.boundTo = boundTo;
        this.rules = rules;
        this.output = output;
    }

    @Override
    DropReason process(ByteBuf content, TeredoHeaders headers, int srcIpv4, int srcPort) {
        return rules.process(content, headers, boundTo, srcIpv4, srcPort, output);
    }

    @Override
    void flush() {
        output.flush();
    }
}
