package org.jmiredo.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Per-packet cost of the relay rules without I/O: decode (TeredoHeaders.parse and the reception rules,
 * RFC 4380 §5.4.2) and encapsulate (the transmission rules, §5.4.1, deciding the UDP destination; the
 * IPv6 packet itself is the UDP payload, so no bytes are copied). Run with {@code -prof gc}: both must
 * allocate nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RelayRulesBench {

    @State(Scope.Thread)
    public static class Headers {
        final TeredoHeaders headers = new TeredoHeaders();
    }

    /** UDP to tunnel: parse the datagram, check source and mapping, refresh the peer's entry. */
    @Benchmark
    public DropReason decode(RelayRulesState s, Headers h) {
        int i = s.nextPeer();
        s.packet.setLong(Ipv6.SRC_OFFSET + 8, PeerKeys.lo(i));
        DropReason parsed = h.headers.parse(s.packet);
        if (parsed != null) {
            return parsed;
        }
        return s.reception.data(s.packet, h.headers, PeerKeys.mappedIpv4(i), PeerKeys.mappedPort(i), 0, s.out, -1);
    }

    /** Tunnel to UDP: check the destination, find the trusted peer, hand the packet to its mapping. */
    @Benchmark
    public long encapsulate(RelayRulesState.Tx s) {
        int i = s.nextPeer();
        s.packet.setLong(Ipv6.DST_OFFSET + 8, PeerKeys.lo(i));
        s.transmission.fromTunnel(s.packet, s.out);
        return s.out.last;
    }
}
