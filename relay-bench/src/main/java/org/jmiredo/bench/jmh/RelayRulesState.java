package org.jmiredo.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.proto.BubbleSource;
import org.jmiredo.proto.Ipv6;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One event loop's relay rules over a table of {@code peers} trusted peers, as after the handshake, with
 * a fixed clock and an output that only records where a packet would go (the Netty write is not part of
 * the rule cost). The same direct buffer is reused for every packet; only the peer address changes.
 */
@State(Scope.Thread)
public class RelayRulesState {
    static final int NOW = 1_000;
    static final long NATIVE_HI = 0x2001_0db8_0006_0000L;
    static final long NATIVE_LO = 0x20L;

    @Param({"80", "1280"})
    int size;

    @Param({"1", "1000000"})
    int peers;

    PeerTable table;
    DataPathCounters counters;
    Reception reception;
    Transmission transmission;
    final Sink out = new Sink();
    ByteBuf packet;
    int cursor;
    /** The clock's reading: NOW, unless a benchmark moves it. */
    int now = NOW;

    /** Records the destination; owns nothing (the benchmark keeps reusing its buffer). */
    static final class Sink implements RelayOutput {
        long last;

        @Override
        public void toTun(ByteBuf p) {
            last = p.readableBytes();
        }

        @Override
        public void toUdp(ByteBuf payload, int ipv4, int port, int local, Counter kind) {
            last = (long) ipv4 << 16 | port;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        Clock clock = () -> now;
        counters = new DataPathCounters();
        table = new PeerTable(new PeerTableSettings(peers + peers / 2 + 1024, 256, 60, 1280 * 4, 65_536));
        // Headroom: segment shares would evict ~0.5 % of a table filled to maxPeers, and the transmission
        // rules would then queue (take ownership of) the reused buffer for the missing peer.
        PeerKeys.fillTrusted(table, peers, NOW);
        RelaySettings settings = RelaySettings.defaults();
        PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        Bubbles bubbles = new Bubbles(BubbleSource.random(), alloc);
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
        packet = alloc.directBuffer(size, size);
        packet.writerIndex(size);
        if (fromTeredo()) {
            Ipv6.writeHeader(
                    packet, 0, size - Ipv6.HEADER_LENGTH, 17, 64, PeerKeys.HI, PeerKeys.lo(0), NATIVE_HI, NATIVE_LO);
        } else {
            Ipv6.writeHeader(
                    packet, 0, size - Ipv6.HEADER_LENGTH, 17, 64, NATIVE_HI, NATIVE_LO, PeerKeys.HI, PeerKeys.lo(0));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        packet.release();
        table.close();
    }

    /** True for the UDP-to-tunnel direction: the packet's source is the Teredo peer. */
    boolean fromTeredo() {
        return true;
    }

    /** The tunnel-to-UDP direction: native source, Teredo destination. */
    public static class Tx extends RelayRulesState {
        @Override
        boolean fromTeredo() {
            return false;
        }
    }

    /** Advances to the next peer; returns its index. */
    int nextPeer() {
        int i = peers == 1 ? 0 : PeerKeys.next(cursor, peers);
        cursor = i;
        return i;
    }
}
