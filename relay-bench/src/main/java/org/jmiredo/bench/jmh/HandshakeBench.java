package org.jmiredo.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.Bubbles;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.IcmpErrors;
import org.jmiredo.engine.PerSecondBudget;
import org.jmiredo.engine.Reception;
import org.jmiredo.engine.RelayOutput;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.engine.Transmission;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.proto.Bubble;
import org.jmiredo.proto.BubbleSource;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.TeredoHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The relay's Java cost of one new peer's bubble handshake (RFC 4380 §5.4.1 case 3), without I/O: the first
 * packet from the tunnel to a never-seen peer (insert, queue an exact-size copy, build the indirect bubble),
 * then that peer's reply bubble from UDP (verify, trust, release the queued packet). Every operation is a new
 * peer, into a table that starts empty each iteration and grows as it fills, as in a burst of new peers
 * ({@code bench/handshake.sh}). The output only releases what it is given. Run with {@code -prof gc} to see
 * what a handshake allocates besides the pooled buffers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class HandshakeBench {
    static final int NOW = 1_000;

    /** jmiredo.peers.max of the table; the lab's relay runs with 1,048,576. */
    @Param({"4194304"})
    int maxPeers;

    PeerTable table;
    Reception reception;
    Transmission transmission;
    BubbleSource source;
    final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    final TeredoHeaders headers = new TeredoHeaders();
    final Releasing out = new Releasing();
    ByteBuf reply;
    int next;

    /** Takes ownership of what the rules send, as the UDP channel would, and frees it at once. */
    static final class Releasing implements RelayOutput {
        long sent;

        @Override
        public void toTun(ByteBuf packet) {
            sent++;
            packet.release();
        }

        @Override
        public void toUdp(ByteBuf payload, int ipv4, int port, int local, Counter kind) {
            sent += port;
            payload.release();
        }
    }

    @Setup(Level.Iteration)
    public void freshTable() {
        Clock clock = () -> NOW;
        DataPathCounters counters = new DataPathCounters();
        table = new PeerTable(new PeerTableSettings(maxPeers, 256, 60, 1280 * 4, 65_536));
        RelaySettings settings = RelaySettings.defaults();
        source = BubbleSource.random();
        Bubbles bubbles = new Bubbles(source, alloc);
        reception = new Reception(settings, table, bubbles, clock, counters);
        transmission = new Transmission(
                settings,
                table,
                bubbles,
                new IcmpErrors(10, alloc, counters),
                clock,
                counters,
                alloc,
                new PerSecondBudget(settings.unknownBubblesPerSecond()));
        reply = alloc.directBuffer(Bubble.LENGTH, Bubble.LENGTH);
        next = 0;
    }

    @TearDown(Level.Iteration)
    public void freeTable() {
        reply.release();
        table.close();
    }

    /** One new peer: its first packet from the tunnel (queued, bubble sent), then its reply bubble (trusted, released). */
    @Benchmark
    public DropReason newPeer() {
        int i = next++ % maxPeers;
        long lo = PeerKeys.lo(i);
        // The tunnel's read buffer: pooled, handed over to the rules (which copy it into the queue and free it).
        ByteBuf packet = alloc.directBuffer(80, 80);
        Ipv6.writeHeader(
                packet,
                0,
                80 - Ipv6.HEADER_LENGTH,
                17,
                64,
                RelayRulesState.NATIVE_HI,
                RelayRulesState.NATIVE_LO,
                PeerKeys.HI,
                lo);
        packet.writerIndex(80);
        transmission.fromTunnel(packet, out);
        // The peer's direct bubble, addressed to the source of ours, from its embedded mapping.
        reply.clear();
        Bubble.write(reply, PeerKeys.HI, lo, BubbleSource.LINK_LOCAL_HI, source.interfaceId(PeerKeys.HI, lo));
        headers.parse(reply);
        return reception.bubble(reply, headers, PeerKeys.mappedIpv4(i), PeerKeys.mappedPort(i), 0, out, -1);
    }
}
