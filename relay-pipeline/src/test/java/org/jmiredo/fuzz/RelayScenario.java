package org.jmiredo.fuzz;

import static org.jmiredo.fuzz.Counts.c;
import static org.jmiredo.fuzz.Counts.drops;
import static org.jmiredo.fuzz.Counts.r;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.RelaySettings;
import org.jmiredo.engine.UnknownPeerPolicy;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTable;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.pipeline.RelayDataPath;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.testing.TrackingAllocator;
import org.jmiredo.tun.MemoryTun;
import org.jmiredo.tun.TunReceiver;
import org.jmiredo.tun.offload.VirtioReader;

/**
 * One fuzz input against one relay event loop: the settings and a small peer table come from the
 * input, then up to {@value #MAX_STEPS} steps (a datagram, a tunnel packet, an answer to one of the
 * relay's own bubbles, or a clock advance). After every step it checks that the step's input buffer was
 * released, that nothing was sent to a non-global IPv4 or larger than the Teredo MTU, that no exception
 * was counted, that the counters account for the step's packet exactly once and each datagram the socket took
 * or refused (as the input says) once, as sent or as {@code udp_write_failed}; at the end, that every
 * buffer the data path allocated was released.
 */
final class RelayScenario implements AutoCloseable {
    static final int MAX_STEPS = 48;
    private static final InetSocketAddress RELAY = SocketAddresses.of(0xC633_6403, 3545); // 198.51.100.3
    /** What a packet from the tunnel may be dropped for (RFC 4380 §5.4.1). */
    private static final Set<DropReason> TUN_SIDE = EnumSet.of(
            DropReason.MALFORMED_IPV6,
            DropReason.MULTICAST,
            DropReason.DESTINATION_NOT_TEREDO,
            DropReason.NON_GLOBAL_DESTINATION,
            DropReason.PEER_UNREACHABLE,
            DropReason.QUEUE_FULL,
            DropReason.QUEUE_PEERS_FULL);
    /** What a bubble may be dropped for (Reception.bubble). */
    private static final Set<DropReason> BUBBLE_DROPS =
            EnumSet.of(DropReason.SOURCE_NOT_TEREDO, DropReason.MAPPING_MISMATCH);

    /** A Teredo peer the input made up: its address embeds a server and a mapping. */
    private record Peer(long hi, long lo) {
        InetSocketAddress embeddedMapping() {
            return SocketAddresses.of(TeredoAddress.mappedIpv4(lo), TeredoAddress.mappedPort(lo));
        }
    }

    /** A bubble the relay sent: to {@code peer}, from the keyed link-local source a reply must go to. */
    private record OurBubble(Peer peer, long srcHi, long srcLo) {}

    private final FuzzedDataProvider data;
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final EmbeddedChannel udp = new EmbeddedChannel();
    private final PeerTableSettings table;
    private final RelayDataPath path;
    private final DataPathCounters counters;
    private final TunReceiver tun;
    /** Non-null when the tunnel is read with virtio headers (tun.offload = auto): reads, maybe super-packets. */
    private final VirtioReader virtio;

    private final List<Peer> peers = new ArrayList<>();
    private final List<OurBubble> ourBubbles = new ArrayList<>();
    private int now = 1_000;
    private final TunWrites tunQueue = new TunWrites(p -> true, "anything");
    /** On a step the input picks, the socket refuses some datagrams (one in four of the step's). */
    private boolean refusing;

    private final RefusedWrites refused;

    /** @param offload the tunnel is read with virtio headers ({@code tun.offload = auto}) */
    RelayScenario(FuzzedDataProvider data, boolean offload) {
        this.data = data;
        refused = new RefusedWrites(() -> refusing && data.consumeInt(0, 3) == 0, RelayScenario::isOurBubble);
        this.virtio = offload ? new VirtioReader(alloc, MemoryTun.HEADROOM, Teredo.MTU) : null;
        udp.freezeTime(); // the expiry task runs only when a step advances Netty's clock: deterministic
        udp.config().setAllocator(alloc);
        // A socket with room for a whole super-packet's datagrams (up to 64 KiB of 40-byte segments), as the
        // kernel's send buffer has: with Netty's 64-KiB default the harness itself refused them (UDP_WRITE_FAILED).
        udp.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8 << 20, 16 << 20));
        RelaySettings settings = new RelaySettings(
                Teredo.PREFIX,
                data.consumeBoolean(),
                data.consumeBoolean() ? UnknownPeerPolicy.ACCEPT_MATCHING : UnknownPeerPolicy.DROP,
                data.consumeInt(0, 10));
        int[] segments = {1, 2, 4};
        table = new PeerTableSettings(
                data.consumeInt(1, 16),
                segments[data.consumeInt(0, 2)],
                data.consumeInt(1, 120),
                data.consumeInt(0, 3000),
                data.consumeInt(0, 4));
        path = new RelayDataPath(settings, table, () -> now);
        path.initUdpChannel(udp, tunQueue);
        udp.pipeline().addFirst(refused); // next to the socket
        tun = path.tunReceiver(udp, tunQueue);
        counters = path.counters().get(0);
        for (int i = data.consumeInt(1, 4); i > 0; i--) {
            peers.add(newPeer());
        }
    }

    void run() {
        for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
            tunQueue.accepts = data.consumeInt(0, 15) != 0;
            refusing = data.consumeInt(0, 7) == 0;
            switch (data.consumeInt(0, 9)) {
                case 0, 1, 2, 3 -> structuredDatagram();
                case 4 -> udpStep(FuzzInputs.bytes(data, data.consumeInt(0, 1500)), sender(null));
                case 5, 6 -> tunStep(tunPacket());
                case 7 -> advanceClock();
                case 8 -> answerOurBubble();
                default -> tunStep(FuzzInputs.bytes(data, data.consumeInt(0, Teredo.MTU)));
            }
        }
    }

    // ---- steps ----

    private void udpStep(ByteBuf payload, InetSocketAddress sender) {
        long[] before = snapshot();
        tunQueue.reset();
        refused.reset();
        udp.writeInbound(new DatagramPacket(payload, RELAY, sender));
        udp.runPendingTasks();
        udp.checkException();
        int sent = drainSent();
        check(payload.refCnt() == 0, "the datagram was not released (refCnt " + payload.refCnt() + ")");
        tunQueue.check();
        long[] d = delta(before);
        check(d[c(Counter.UDP_RX_PACKETS)] == 1, "one datagram counted as received");
        check(d[c(Counter.TUN_RX_PACKETS)] == 0 && d[c(Counter.ICMP_ERRORS_TX)] == 0, "no tunnel-side event");
        check(d[r(DropReason.INTERNAL_ERROR)] == 0, "no internal error;" + Counts.moved(d));
        long failed = d[r(DropReason.UDP_WRITE_FAILED)];
        check(failed == refused.count, "each refused datagram counted once as udp_write_failed;" + Counts.moved(d));
        long drops = drops(d) - failed;
        long delivered = d[c(Counter.TUN_TX_PACKETS)];
        long bubbles = d[c(Counter.BUBBLES_RX)];
        // Exactly one outcome per datagram. A bubble is counted in BUBBLES_RX even when Reception then
        // drops it (SOURCE_NOT_TEREDO, MAPPING_MISMATCH), so a bubble is one or both of those counts.
        if (bubbles == 1) {
            check(delivered == 0 && tunQueue.count == 0, "a bubble reached the tunnel");
            check(
                    drops == 0 || drops == 1 && drops(d, BUBBLE_DROPS) == 1,
                    "a bubble has at most one drop, of a bubble reason");
        } else {
            check(
                    bubbles == 0 && delivered + drops == 1,
                    "datagram outcome: delivered " + delivered + ", drops " + drops + ", bubbles " + bubbles);
            check(tunQueue.count == delivered + d[r(DropReason.TUN_WRITE_FAILED)], "tunnel writes match their counts");
        }
        // Each datagram counted once, at its fate: sent (and as a released packet) or refused, never both.
        // Or, for a data packet from a trusted peer at a new mapping, or from a peer without an entry at a mapping
        // its address does not embed (dropped), one bubble through its server.
        long rebound = d[c(Counter.BUBBLES_TX_REBOUND)] + d[c(Counter.BUBBLES_TX_UNKNOWN)];
        check(
                rebound == 0
                        || rebound == 1
                                && d[r(DropReason.MAPPING_MISMATCH)] == 1
                                && bubbles == 0
                                && d[c(Counter.BUBBLES_TX_INDIRECT)] == 1,
                "a rebound or unknown peer's bubble only for a mismatched" + " data packet;" + Counts.moved(d));
        check(
                d[c(Counter.UDP_TX_PACKETS)] == sent && sent == d[c(Counter.QUEUE_RELEASED_PACKETS)] + rebound,
                "a datagram sends only the peer's released queue, or one bubble;" + Counts.moved(d));
        checkBounds(path.peers(), table);
    }

    private void tunStep(ByteBuf packet) {
        long[] before = snapshot();
        tunQueue.reset();
        refused.reset();
        ByteBuf read = virtio == null ? packet : VirtioReads.read(data, packet);
        if (virtio == null) {
            tun.packetRead(packet);
        } else {
            VirtioReads.deliver(virtio, read, alloc, tun);
        }
        tun.readComplete();
        udp.checkException();
        int sent = drainSent();
        check(read.refCnt() == 0, "the tunnel read was not released (refCnt " + read.refCnt() + ")");
        tunQueue.check();
        long[] d = delta(before);
        long packets = virtio == null ? 1 : VirtioReads.packetsOf(d);
        check(d[c(Counter.TUN_RX_PACKETS)] == packets && d[c(Counter.UDP_RX_PACKETS)] == 0, "tunnel packets counted");
        check(d[r(DropReason.INTERNAL_ERROR)] == 0, "no internal error;" + Counts.moved(d));
        long failed = d[r(DropReason.UDP_WRITE_FAILED)];
        check(failed == refused.count, "each refused datagram counted once as udp_write_failed;" + Counts.moved(d));
        long tunDrops = drops(d, TUN_SIDE);
        check(
                drops(d) == tunDrops + drops(d, VirtioReads.READ_DROPS) + d[r(DropReason.TUN_WRITE_FAILED)] + failed,
                "only tunnel-side drop reasons");
        long bubblesOut = d[c(Counter.BUBBLES_TX_INDIRECT)] + d[c(Counter.BUBBLES_TX_DIRECT)];
        // A refused datagram is its packet's outcome too (a refused bubble is not counted as a bubble sent).
        long dataSent = d[c(Counter.UDP_TX_PACKETS)] - bubblesOut + refused.count - refused.controls;
        check(sent == d[c(Counter.UDP_TX_PACKETS)], "every send is counted");
        // One outcome per packet, and one more kind of drop: giving up on a peer (M19) drops the packets it still
        // had queued, earlier steps' packets, with this one, all as peer_unreachable: at most one peer's queue
        // (of 40-byte packets at the least), and only beside a packet of this step that was unreachable too.
        long givenUp = dataSent + d[c(Counter.QUEUED_PACKETS)] + tunDrops - packets;
        check(
                givenUp == 0
                        || givenUp > 0
                                && givenUp <= table.queueBytesPerPeer() / Ipv6.HEADER_LENGTH
                                && d[r(DropReason.PEER_UNREACHABLE)] > givenUp,
                "tunnel packet outcomes" + Counts.moved(d) + ": " + packets + " packets, sent " + dataSent + ", queued "
                        + d[c(Counter.QUEUED_PACKETS)] + ", drops " + tunDrops);
        check(
                d[c(Counter.ICMP_ERRORS_TX)] == d[c(Counter.TUN_TX_PACKETS)] + d[r(DropReason.TUN_WRITE_FAILED)]
                        && tunQueue.count == d[c(Counter.ICMP_ERRORS_TX)],
                "only ICMPv6 errors go back into the tunnel");
        checkBounds(path.peers(), table);
    }

    private void advanceClock() {
        int[] typical = {1, 2, 3, 29, 31, 61, 121, 301};
        now += data.consumeBoolean() ? typical[data.consumeInt(0, typical.length - 1)] : data.consumeInt(0, 1000);
        refused.reset();
        udp.advanceTimeBy(data.consumeInt(0, 300), TimeUnit.MILLISECONDS); // 0 to 3 expiry slices
        udp.runPendingTasks();
        udp.checkException();
        check(drainSent() == 0 && refused.count == 0, "expiry sends nothing");
    }

    /** A bubble back to one the relay sent: the only way to reach the keyed answer (M15) and the queue release. */
    private void answerOurBubble() {
        if (ourBubbles.isEmpty()) {
            return;
        }
        OurBubble ours = ourBubbles.get(data.consumeInt(0, ourBubbles.size() - 1));
        ByteBuf buf = Unpooled.buffer();
        FuzzInputs.teredoHeaders(data, buf);
        int at = buf.writerIndex();
        buf.writeZero(Ipv6.HEADER_LENGTH);
        Ipv6.writeHeader(
                buf,
                at,
                0,
                Ipv6.NEXT_HEADER_NONE,
                data.consumeInt(0, 255),
                ours.peer.hi,
                ours.peer.lo,
                ours.srcHi,
                ours.srcLo);
        // From its embedded mapping, or (symmetric NAT) from another one.
        InetSocketAddress from = data.consumeBoolean() ? ours.peer.embeddedMapping() : sender(ours.peer);
        udpStep(buf, from);
    }

    // ---- inputs ----

    private void structuredDatagram() {
        ByteBuf buf = Unpooled.buffer();
        FuzzInputs.teredoHeaders(data, buf);
        Peer src = data.consumeInt(0, 4) != 0 ? peer() : null;
        long srcHi = src != null ? src.hi : data.consumeLong();
        long srcLo = src != null ? src.lo : data.consumeLong();
        long[] dst = udpDestination();
        boolean bubble = data.consumeBoolean();
        int nextHeader = bubble ? Ipv6.NEXT_HEADER_NONE : nextHeader();
        byte[] payload = bubble
                ? new byte[0]
                : data.consumeBytes(data.consumeBoolean() ? data.consumeInt(0, 64) : data.consumeInt(0, 1240));
        int declared = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 0xFFFF) : payload.length;
        int at = buf.writerIndex();
        buf.writeZero(Ipv6.HEADER_LENGTH);
        Ipv6.writeHeader(buf, at, declared, nextHeader, data.consumeInt(0, 255), srcHi, srcLo, dst[0], dst[1]);
        if (data.consumeInt(0, 7) == 0) {
            buf.setByte(at, data.consumeInt(0, 255)); // version and traffic class
        }
        buf.writeBytes(payload);
        if (data.consumeInt(0, 3) == 0) {
            buf.writeBytes(data.consumeBytes(data.consumeInt(0, 64))); // RFC 6081 trailers, or garbage
        }
        udpStep(buf, sender(src));
    }

    /** Mostly the mapping the Teredo source embeds, so that the §5.4.2 checks pass and deep paths run. */
    private InetSocketAddress sender(Peer src) {
        return switch (data.consumeInt(0, 7)) {
            case 0, 1, 2, 3 ->
                src != null ? src.embeddedMapping() : SocketAddresses.of(FuzzInputs.ipv4(data), FuzzInputs.port(data));
            case 4 -> SocketAddresses.of(FuzzInputs.ipv4(data), FuzzInputs.port(data));
            case 5 -> SocketAddresses.of(data.consumeInt(), data.consumeInt(0, 0xFFFF)); // any source at all
            case 6 -> ipv6Sender();
            default -> peers.get(data.consumeInt(0, peers.size() - 1)).embeddedMapping(); // another peer's
        };
    }

    private InetSocketAddress ipv6Sender() {
        try {
            return new InetSocketAddress(InetAddress.getByName("2001:db8::1"), FuzzInputs.port(data));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private long[] udpDestination() {
        return switch (data.consumeInt(0, 5)) {
            case 0, 1 -> new long[] {0x2001_0DB8_0000_0000L | data.consumeInt(0, 0xFFFF), data.consumeLong()}; // native
            case 2 -> {
                Peer p = peer();
                yield new long[] {p.hi, p.lo}; // Teredo: not served by a relay
            }
            case 3 -> new long[] {0xFF02_0000_0000_0000L, data.consumeLong()};
            case 4 -> new long[] {Ipv6.LINK_LOCAL_HI, data.consumeLong()};
            default -> new long[] {data.consumeLong(), data.consumeLong()};
        };
    }

    private int nextHeader() {
        return switch (data.consumeInt(0, 4)) {
            case 0, 1 -> Ipv6.NEXT_HEADER_ICMPV6;
            case 2 -> 17;
            case 3 -> Ipv6.NEXT_HEADER_NONE; // with a payload: not a bubble
            default -> data.consumeInt(0, 255);
        };
    }

    /** An IPv6 packet as the tunnel would hand it over: at most the Teredo MTU, sometimes not at offset 0. */
    private ByteBuf tunPacket() {
        ByteBuf buf = Unpooled.buffer();
        int offset = data.consumeInt(0, 3) == 0 ? data.consumeInt(1, 16) : 0;
        buf.writeZero(offset).readerIndex(offset);
        long[] src =
                switch (data.consumeInt(0, 5)) {
                    case 0 -> new long[] {0, 0}; // unspecified: no ICMPv6 error may answer it (RFC 4443 §2.4)
                    case 1 -> new long[] {0xFF0E_0000_0000_0000L, data.consumeLong()};
                    case 2 -> {
                        Peer p = peer();
                        yield new long[] {p.hi, p.lo};
                    }
                    default -> new long[] {0x2001_0DB8_0000_0000L | data.consumeInt(0, 0xFFFF), data.consumeLong()};
                };
        long[] dst =
                switch (data.consumeInt(0, 6)) {
                    case 0, 1, 2, 3 -> {
                        Peer p = peer();
                        yield new long[] {p.hi, p.lo};
                    }
                    case 4 -> new long[] {0x2001_0DB8_0000_0000L, data.consumeLong()};
                    case 5 -> new long[] {0xFF02_0000_0000_0000L, 1};
                    default -> new long[] {TeredoAddress.hi(Teredo.PREFIX, data.consumeInt()), data.consumeLong()};
                };
        int nextHeader = nextHeader();
        byte[] payload = data.consumeBytes(
                data.consumeBoolean() ? data.consumeInt(0, 64) : data.consumeInt(0, Teredo.MTU - Ipv6.HEADER_LENGTH));
        if (nextHeader == Ipv6.NEXT_HEADER_ICMPV6 && payload.length > 0 && data.consumeBoolean()) {
            payload[0] = (byte) (data.consumeBoolean() ? 128 : 1); // echo request, or an error (never answered)
        }
        int declared = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 0xFFFF) : payload.length;
        buf.writeZero(Ipv6.HEADER_LENGTH);
        Ipv6.writeHeader(buf, offset, declared, nextHeader, data.consumeInt(0, 255), src[0], src[1], dst[0], dst[1]);
        if (data.consumeInt(0, 7) == 0) {
            buf.setByte(offset, data.consumeInt(0, 255));
        }
        return buf.writeBytes(payload);
    }

    /** A known peer three times in four (so mappings repeat and entries are found), else a new one. */
    private Peer peer() {
        if (data.consumeInt(0, 3) != 0 || peers.size() >= 16) {
            return peers.get(data.consumeInt(0, peers.size() - 1));
        }
        Peer p = newPeer();
        peers.add(p);
        return p;
    }

    private Peer newPeer() {
        int server = FuzzInputs.ipv4(data);
        int flags = data.consumeBoolean() ? 0 : data.consumeInt(0, 0xFFFF);
        int mapped = FuzzInputs.ipv4(data);
        int port = FuzzInputs.port(data);
        return new Peer(TeredoAddress.hi(Teredo.PREFIX, server), TeredoAddress.lo(flags, port, mapped));
    }

    // ---- outputs and checks ----

    /** Checks and releases everything the relay sent; remembers its bubbles so that later steps can answer them. */
    private int drainSent() {
        return SentDatagrams.drain(udp, p -> {
            ByteBuf content = p.content();
            int at = content.readerIndex();
            if (content.readableBytes() == Ipv6.HEADER_LENGTH && Ipv6.isBubble(content, at) && ourBubbles.size() < 32) {
                Peer to = new Peer(Ipv6.dstHi(content, at), Ipv6.dstLo(content, at));
                ourBubbles.add(new OurBubble(to, Ipv6.srcHi(content, at), Ipv6.srcLo(content, at)));
            }
        });
    }

    /**
     * A bubble of the relay's: from its keyed fe80::/64 source (BubbleSource). Not any 40-byte packet with next
     * header 59: the tunnel may hand such a packet over as data (and the steps never make one from fe80::).
     */
    private static boolean isOurBubble(DatagramPacket p) {
        ByteBuf content = p.content();
        int at = content.readerIndex();
        return content.readableBytes() == Ipv6.HEADER_LENGTH
                && Ipv6.isBubble(content, at)
                && Ipv6.srcHi(content, at) == Ipv6.LINK_LOCAL_HI;
    }

    private long[] snapshot() {
        return Counts.snapshot(counters);
    }

    private long[] delta(long[] before) {
        return Counts.delta(counters, before);
    }

    /** Bounded state: the peer table within its size, the peers holding queued packets within theirs. */
    static void checkBounds(PeerTable table, PeerTableSettings settings) {
        check(table.size() <= table.capacity(), "peers " + table.size() + " above " + table.capacity());
        check(
                table.queuedPeers() <= settings.maxQueuedPeers(),
                "queued peers " + table.queuedPeers() + " above " + settings.maxQueuedPeers());
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    @Override
    public void close() {
        drainSent();
        udp.finishAndReleaseAll();
        path.close(); // releases the packets still queued for untrusted peers
        alloc.assertAllReleased();
        check(counters.dropped(DropReason.INTERNAL_ERROR) == 0, "an exception was caught in the data path");
    }
}
