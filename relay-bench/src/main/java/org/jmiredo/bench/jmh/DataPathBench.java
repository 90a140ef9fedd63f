package org.jmiredo.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.Clock;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.engine.ServedPrefixes;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.pipeline.RelayDataPath;
import org.jmiredo.pipeline.UdpIngress;
import org.jmiredo.pipeline.UdpSender;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Ipv6Prefix;
import org.jmiredo.tun.TunQueue;
import org.jmiredo.tun.TunReceiver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Java of one event loop per packet, both directions, as the epoll transport drives it but without the
 * system calls: a burst of {@value #BURST} datagrams handed to the relay's {@link UdpIngress} as views of one
 * receive buffer's slots (as UdpReceiveHandle does), each ending in a tunnel write that only counts, then the
 * burst's end; and a burst of {@value #BURST} tunnel packets through the {@link TunReceiver} (views of one
 * buffer's slots after 8 bytes of headroom, as the TUN reader hands them over) into a UDP sender that
 * releases them. The real clock, counters and peer table
 * ({@code peers} trusted peers, visited in a cache-hostile order); a trial must stay under the 30 s of trust.
 * Per packet, in ns; {@code -prof gc} shows what is allocated.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class DataPathBench {
    static final int BURST = 32;
    private static final int SLOT = 2048;
    private static final int SIZE = 80;
    /** What the TUN reader leaves in front of a packet (TunQueueOptions). */
    private static final int HEADROOM = 8;

    @Param({"1", "100000"})
    int peers;

    /**
     * {@code relay.served-prefixes}: 0 for the default (every global destination but fc00::/7), else that many
     * /48s of which only the last holds the destination, so that every packet scans them all.
     */
    @Param({"0"})
    int served;

    private RelayDataPath path;
    private EmbeddedChannel channel;
    private UdpIngress ingress;
    private TunReceiver receiver;
    private ByteBuf receiveBuffer;
    private final ByteBuf[] slots = new ByteBuf[BURST];
    private ByteBuf tunBuffer;
    private final ByteBuf[] tunSlots = new ByteBuf[BURST];
    private long tunWrites;
    private long udpSends;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        Clock clock = Clock.monotonic();
        path = new RelayDataPath(
                RelaySettings.defaults().serving(servedPrefixes(served)),
                new PeerTableSettings(peers + peers / 2 + 1024, 256, 60, 1280 * 4, 65_536),
                clock,
                (udp, counters) -> new ReleasingSender(counters));
        PeerKeys.fillTrusted(path.peers(), peers, clock.nowSeconds());
        channel = new EmbeddedChannel();
        ByteBufAllocator alloc = channel.alloc(); // Netty's default, as the transport's channels use
        TunQueue tun = packet -> {
            tunWrites++;
            return true;
        };
        ingress = path.initUdpChannel(channel, tun);
        receiver = path.tunReceiver(channel, tun);
        receiveBuffer = alloc.directBuffer(SLOT * BURST);
        tunBuffer = alloc.directBuffer(SLOT * BURST);
        for (int i = 0; i < BURST; i++) {
            slots[i] = receiveBuffer.slice(i * SLOT, SLOT);
            Ipv6.writeHeader(
                    slots[i],
                    0,
                    SIZE - Ipv6.HEADER_LENGTH,
                    17,
                    64,
                    PeerKeys.HI,
                    PeerKeys.lo(0),
                    RelayRulesState.NATIVE_HI,
                    RelayRulesState.NATIVE_LO);
            tunSlots[i] = tunBuffer.slice(i * SLOT, SLOT);
            Ipv6.writeHeader(
                    tunSlots[i],
                    HEADROOM,
                    SIZE - Ipv6.HEADER_LENGTH,
                    17,
                    64,
                    RelayRulesState.NATIVE_HI,
                    RelayRulesState.NATIVE_LO,
                    PeerKeys.HI,
                    PeerKeys.lo(0));
        }
    }

    /** {@code count} /48s, the destination's last ({@link RelayRulesState#NATIVE_HI}); 0 for the default. */
    static ServedPrefixes servedPrefixes(int count) {
        List<Ipv6Prefix> prefixes = new ArrayList<>();
        for (int i = count - 1; i > 0; i--) {
            prefixes.add(new Ipv6Prefix(RelayRulesState.NATIVE_HI + ((long) i << 16), 0, 48));
        }
        if (count > 0) {
            prefixes.add(new Ipv6Prefix(RelayRulesState.NATIVE_HI & Ipv6Prefix.maskHi(48), 0, 48));
        }
        return ServedPrefixes.of(prefixes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (tunWrites == 0 && udpSends == 0 || path.counters().get(0).get(Counter.QUEUED_PACKETS) > 0) {
            // Peers left untrusted (a trial longer than the 30 s of trust) would measure the handshake instead.
            throw new IllegalStateException("packets did not all go to trusted peers: the set-up is wrong");
        }
        receiveBuffer.release();
        tunBuffer.release();
        channel.finishAndReleaseAll();
        path.close();
    }

    /** Teredo→IPv6: one burst of datagrams from trusted peers at their mappings, forwarded to the tunnel. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void udpToTun() {
        for (int i = 0; i < BURST; i++) {
            int peer = nextPeer();
            ByteBuf slot = slots[i];
            slot.setLong(Ipv6.SRC_OFFSET + 8, PeerKeys.lo(peer));
            receiveBuffer.retain(); // the view's reference, as UdpReceiveHandle takes it
            slot.setIndex(0, SIZE);
            ingress.receive(slot, PeerKeys.mappedIpv4(peer), PeerKeys.mappedPort(peer));
        }
        ingress.burstEnd();
    }

    /** IPv6→Teredo: one burst of tunnel packets to trusted peers, each handed to the UDP sender. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void tunToUdp() {
        for (int i = 0; i < BURST; i++) {
            int peer = nextPeer();
            ByteBuf packet = tunSlots[i];
            packet.setLong(HEADROOM + Ipv6.DST_OFFSET + 8, PeerKeys.lo(peer));
            tunBuffer.retain(); // the view's reference, as the TUN reader's slots take it
            receiver.packetRead(packet.setIndex(HEADROOM, HEADROOM + SIZE));
        }
        receiver.readComplete();
    }

    private int nextPeer() {
        int i = peers == 1 ? 0 : PeerKeys.next(cursor, peers);
        cursor = i;
        return i;
    }

    /** Counts what would be sent and gives the buffer back, as a sendmmsg completion does. */
    private final class ReleasingSender implements UdpSender {
        private final DataPathCounters counters;

        ReleasingSender(DataPathCounters counters) {
            this.counters = counters;
        }

        @Override
        public void add(ByteBuf payload, int ipv4, int port, Counter kind) {
            udpSends++;
            counters.sent(kind, payload.readableBytes());
            payload.release();
        }

        @Override
        public void flush() {}
    }
}
