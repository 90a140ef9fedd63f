package org.jmiredo.bench.jmh;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerLookups;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

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

    /** A run of {@value PeerLookups#MAX} datagrams of one read, each from another peer, as the ingress gets them. */
    @State(Scope.Thread)
    public static class Burst {
        final TeredoHeaders[] headers = new TeredoHeaders[PeerLookups.MAX];
        final ByteBuf[] packets = new ByteBuf[PeerLookups.MAX];
        final int[] peer = new int[PeerLookups.MAX];
        final int[] lookup = new int[PeerLookups.MAX];

        @Setup(Level.Trial)
        public void setUp(RelayRulesState s) {
            Arrays.setAll(headers, k -> new TeredoHeaders());
            Arrays.setAll(packets, k -> s.packet.copy());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Arrays.stream(packets).forEach(ByteBuf::release);
        }
    }

    /**
     * {@link #decode} as the relay's ingress runs a read: parse every datagram and add its peer's lookup,
     * look them all up at once, then the rules per datagram. The clock moves a second per run, so every
     * peer's entry needs its lastRx written (the lock is taken, as for {@link #decode}); with 1 M peers
     * that is what 100,000 pkt/s spread over them looks like. Score per datagram.
     */
    @Benchmark
    @OperationsPerInvocation(PeerLookups.MAX)
    public int decodeBurst(RelayRulesState s, Burst b) {
        s.now++;
        s.reception.clearLookups();
        for (int k = 0; k < PeerLookups.MAX; k++) {
            int i = s.nextPeer();
            b.peer[k] = i;
            b.packets[k].setLong(Ipv6.SRC_OFFSET + 8, PeerKeys.lo(i));
            b.headers[k].parse(b.packets[k]);
            b.lookup[k] = s.reception.lookAhead(b.packets[k], b.headers[k]);
        }
        s.reception.lookUp();
        int accepted = 0;
        for (int k = 0; k < PeerLookups.MAX; k++) {
            int i = b.peer[k];
            DropReason r = s.reception.data(
                    b.packets[k], b.headers[k], PeerKeys.mappedIpv4(i), PeerKeys.mappedPort(i), 0, s.out, b.lookup[k]);
            accepted += r == null ? 1 : 0;
        }
        return accepted;
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
