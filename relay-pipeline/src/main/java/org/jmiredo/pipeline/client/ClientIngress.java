package org.jmiredo.pipeline.client;

import io.netty.buffer.ByteBuf;
import org.jmiredo.engine.BurstClock;
import org.jmiredo.engine.client.ClientReception;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.CountingUdpIngress;
import org.jmiredo.pipeline.UdpTunOutput;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the client socket's datagrams go: Router Advertisements to the qualification, the rest to the
 * reception rules, or dropped as {@code not_qualified} when only qualification runs. Nothing throws out of it: a failure costs the datagram only.
 */
public final class ClientIngress extends CountingUdpIngress {
    private static final Logger LOG = LoggerFactory.getLogger(ClientIngress.class);

    /** Reused for every datagram: the socket's datagrams arrive on its event loop, one at a time. */
    private final TeredoHeaders headers = new TeredoHeaders();

    private final QualificationDriver qualification;
    private final ClientReception reception;
    private final UdpTunOutput output;
    private final BurstClock clock;

    /** {@code reception}, {@code output} and {@code clock}: null with qualification only. */
    public ClientIngress(
            QualificationDriver qualification,
            ClientReception reception,
            UdpTunOutput output,
            BurstClock clock,
            DataPathCounters counters) {
        super(counters);
        this.qualification = qualification;
        this.reception = reception;
        this.output = output;
        this.clock = clock;
    }

    @Override
    public void receive(ByteBuf datagram, int srcIpv4, int srcPort) {
        try {
            counters.increment(Counter.UDP_RX_PACKETS);
            counters.add(Counter.UDP_RX_BYTES, datagram.readableBytes());
            DropReason reason = headers.parse(datagram);
            if (reason == null) {
                reason = take(datagram, srcIpv4, srcPort);
            }
            if (reason != null) {
                counters.drop(reason);
            }
        } catch (RuntimeException e) {
            counters.drop(DropReason.INTERNAL_ERROR);
            LOG.debug("client datagram error", e);
        } finally {
            datagram.release();
        }
    }

    private DropReason take(ByteBuf datagram, int srcIpv4, int srcPort) {
        int at = headers.ipv6Offset();
        boolean advertisement = Ipv6.nextHeader(datagram, at) == Ipv6.NEXT_HEADER_ICMPV6
                && headers.ipv6Length() > Ipv6.HEADER_LENGTH
                && Icmpv6.type(datagram, at + Ipv6.HEADER_LENGTH) == Icmpv6.TYPE_ROUTER_ADVERTISEMENT;
        if (advertisement) {
            return qualification.advertisement(datagram, headers, srcIpv4, srcPort)
                    ? null
                    : DropReason.INVALID_ROUTER_ADVERTISEMENT;
        }
        return reception == null
                ? DropReason.NOT_QUALIFIED
                : reception.fromUdp(datagram, headers, srcIpv4, srcPort, output);
    }

    @Override
    public void burstEnd() {
        if (output != null) {
            clock.burstEnd(); // the rules' clock: the next burst reads it afresh
            output.flushTun();
            output.flush();
        }
    }
}
