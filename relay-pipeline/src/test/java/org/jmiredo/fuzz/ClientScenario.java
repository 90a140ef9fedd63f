package org.jmiredo.fuzz;

import static org.jmiredo.fuzz.Counts.c;
import static org.jmiredo.fuzz.Counts.drops;
import static org.jmiredo.fuzz.Counts.r;
import static org.jmiredo.fuzz.RelayScenario.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jmiredo.engine.client.ClientState;
import org.jmiredo.engine.client.QualificationFailure;
import org.jmiredo.engine.client.QualificationSettings;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.peer.PeerTableSettings;
import org.jmiredo.pipeline.ChannelUdpSender;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.pipeline.client.ClientDataPath;
import org.jmiredo.pipeline.client.ClientStatus;
import org.jmiredo.pipeline.client.ServerSide;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Icmpv6Error;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;
import org.jmiredo.testing.TrackingAllocator;
import org.jmiredo.tun.TunReceiver;

/**
 * One fuzz input against the Teredo client's event loop (RFC 4380 §5.2): its real channel (qualification
 * driver, reception rules), its tunnel path and an in-memory tunnel, on injected clocks. Up to
 * {@value #MAX_STEPS} steps: our server's real answer to the client's latest RS (sometimes altered, or from
 * another NAT mapping or source), a datagram from a peer, a relay or the server (bubbles, data, origin
 * indications), an echo reply to one of its connectivity tests, raw bytes, a packet from the tunnel,
 * and time passing (retransmissions, refreshes, a lost server, expiry): so it runs while qualifying, while
 * qualified and with tests pending. After every step: the input was released; no exception was counted;
 * the counters account for the input exactly once; the tunnel got only whole packets for the client's own
 * address; nothing went to a non-global IPv4 or port 0; the peer table kept its bounds. At the end, nothing
 * allocated leaked.
 */
final class ClientScenario implements AutoCloseable, ClientStatus {
    static final int MAX_STEPS = 48;
    private static final QualificationSettings SETTINGS = ServerSide.SETTINGS;
    private static final InetSocketAddress LOCAL = SocketAddresses.of(0xC0A8_4D02, 40000); // 192.168.77.2
    /** {@link #answer}'s NAT port: the one the lab NAT maps the client to. */
    private static final int NAT_MAPPING = -1;
    /** What a packet from the tunnel may be dropped for (RFC 4380 §5.2.4). */
    private static final Set<DropReason> TUN_SIDE = EnumSet.of(
            DropReason.NOT_QUALIFIED,
            DropReason.MALFORMED_IPV6,
            DropReason.MULTICAST,
            DropReason.SOURCE_NOT_TEREDO,
            DropReason.NOT_GLOBAL_SCOPE,
            DropReason.NON_GLOBAL_DESTINATION,
            DropReason.PEER_UNREACHABLE,
            DropReason.QUEUE_FULL);

    /** An echo test the client sent: to {@code peer}, with these 8 data bytes (§5.2.9); {@code packet} as sent. */
    private record EchoTest(long[] peer, long nonce, byte[] packet) {}

    private final FuzzedDataProvider data;
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final EmbeddedChannel udp = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
    private final ServerSide server = new ServerSide(alloc);
    private final PeerTableSettings table;
    private final ClientDataPath path;
    private final DataPathCounters counters;
    private final TunReceiver tun;
    private final TunWrites tunQueue = new TunWrites(this::forUs, "for the client's own address");
    /** On a step the input picks, the socket refuses some datagrams (one in four of the step's). */
    private boolean refusing;

    private final RefusedWrites refused;
    /** The last Teredo address the client had, qualified or not: a new one must have emptied the peer list. */
    private long[] lastAddress;
    /** The step's tunnel packet, as read (empty on other steps). */
    private byte[] carried = new byte[0];
    /** Peers the client kept across a new address (found in the status callback, which the pipeline guards). */
    private String keptPeers;

    private final List<long[]> peers = new ArrayList<>();
    private final List<EchoTest> echoTests = new ArrayList<>();
    private byte[] lastRs;
    private int lastRsServer;
    private long[] self;
    private int now = 1_000;
    private long millis = 5_000_000;

    ClientScenario(FuzzedDataProvider data) {
        this.data = data;
        refused = new RefusedWrites(() -> refusing && data.consumeInt(0, 3) == 0, this::isControl);
        udp.config().setAllocator(alloc);
        table = new PeerTableSettings(
                data.consumeInt(1, 16), 1, data.consumeInt(1, 120), data.consumeInt(0, 3000), data.consumeInt(0, 4));
        path = new ClientDataPath(
                SETTINGS, this, table, data.consumeInt(0, 10), () -> now, () -> millis, ChannelUdpSender::new);
        udp.pipeline().addLast(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) { // as the transport does: registered, not yet active
                path.initUdpChannel(channel, tunQueue);
            }
        });
        try {
            udp.register(); // active: the first RS leaves
            udp.freezeTime(); // timers fire only when a step advances Netty's clock, with the injected ones
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        tun = path.tunReceiver(udp, tunQueue);
        udp.pipeline().addFirst(refused); // next to the socket
        counters = path.counters().getFirst();
        check(drainSent() == 1 && lastRs != null, "one RS at the start");
        for (int i = data.consumeInt(1, 4); i > 0; i--) {
            peers.add(newPeer());
        }
        if (data.consumeBoolean()) { // half the inputs start qualified: two plain answers
            udpStep(answer(NAT_MAPPING), SocketAddresses.of(lastRsServer, Teredo.SERVICE_PORT));
            udpStep(answer(NAT_MAPPING), SocketAddresses.of(lastRsServer, Teredo.SERVICE_PORT));
        }
    }

    void run() {
        for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
            tunQueue.accepts = data.consumeInt(0, 15) != 0;
            refusing = data.consumeInt(0, 7) == 0;
            switch (data.consumeInt(0, 9)) {
                case 0 -> answerSolicitation();
                case 1, 2, 3 -> structuredDatagram();
                case 4 -> answerEchoTest();
                case 5 -> udpStep(FuzzInputs.bytes(data, data.consumeInt(0, 1500)), sender(null));
                case 6, 7 -> tunStep(tunPacket());
                case 8 -> advanceClock();
                default -> tunStep(FuzzInputs.bytes(data, data.consumeInt(0, Teredo.MTU)));
            }
        }
    }

    // ---- ClientStatus ----

    @Override
    public void qualified(long addressHi, long addressLo, int mtu) {
        check(mtu >= Teredo.MTU && mtu <= 0xFFFF, "MTU " + mtu);
        check(TeredoAddress.isTeredo(addressHi, Teredo.PREFIX), "not a Teredo address");
        self = new long[] {addressHi, addressLo};
        if (lastAddress == null || lastAddress[0] != addressHi || lastAddress[1] != addressLo) {
            // A new mapping (as Miredo's teredo_list_reset): no peer trusted, nothing held from the old address.
            if (path.peers().size() != 0 || path.peers().queuedPeers() != 0) {
                keptPeers = path.peers().size() + " peers kept across a new address";
            }
        }
        lastAddress = self;
    }

    @Override
    public void unqualified(QualificationFailure why) {
        self = null;
    }

    @Override
    public void state(ClientState state) {
        check(state == ClientState.QUALIFIED || self == null, "qualified only in state QUALIFIED");
    }

    // ---- steps ----

    private void udpStep(ByteBuf payload, InetSocketAddress sender) {
        long[] before = Counts.snapshot(counters);
        tunQueue.reset();
        refused.reset();
        udp.writeInbound(new DatagramPacket(payload, LOCAL, sender));
        udp.runPendingTasks();
        udp.checkException();
        int sent = drainSent();
        check(payload.refCnt() == 0, "the datagram was not released (refCnt " + payload.refCnt() + ")");
        check(keptPeers == null, keptPeers);
        tunQueue.check();
        long[] d = Counts.delta(counters, before);
        check(d[c(Counter.UDP_RX_PACKETS)] == 1 && d[c(Counter.TUN_RX_PACKETS)] == 0, "one datagram counted");
        check(d[r(DropReason.INTERNAL_ERROR)] == 0, "no internal error;" + Counts.moved(d));
        long failed = d[r(DropReason.UDP_WRITE_FAILED)];
        check(failed == refused.count, "each refused datagram counted once as udp_write_failed;" + Counts.moved(d));
        long drops = drops(d) - failed;
        long delivered = d[c(Counter.TUN_TX_PACKETS)];
        long taken = d[c(Counter.ROUTER_ADVERTISEMENTS_RX)] + d[c(Counter.ECHO_TESTS_PASSED)];
        long bubbles = d[c(Counter.BUBBLES_RX)];
        long held = d[c(Counter.QUEUED_PACKETS)];
        long untested = d[r(DropReason.UNTESTED_MAPPING)];
        long releasedIntoTunnel = 0;
        // A bubble is counted in BUBBLES_RX even when it is then dropped (MAPPING_MISMATCH).
        if (bubbles == 1) {
            check(
                    delivered == 0 && taken == 0 && held == 0,
                    "a bubble reached the tunnel, or was taken for something else");
            check(drops == 0 || drops == 1 && d[r(DropReason.MAPPING_MISMATCH)] == 1, "a bubble's drop");
        } else if (d[c(Counter.ECHO_TESTS_PASSED)] == 1) {
            // The echo reply is taken; the packets held from its host (M23) leave with it: into the tunnel (or
            // refused there: TUN_WRITE_FAILED) when they came from the reply's mapping, else dropped as
            // UNTESTED_MAPPING.
            // Those held for the address we had before a new mapping are dropped as DESTINATION_NOT_SERVED.
            long tunRefused = d[r(DropReason.TUN_WRITE_FAILED)];
            long stale = d[r(DropReason.DESTINATION_NOT_SERVED)];
            check(
                    taken == 1 && held == 0 && drops == untested + tunRefused + stale,
                    "an echo reply's outcome: drops " + drops + ";" + Counts.moved(d));
            releasedIntoTunnel = delivered + tunRefused;
        } else {
            // A packet from a peer trusted at its mapping (cases 1, 3) empties the peer's queue too: what was held
            // from another mapping (M23) is dropped then as UNTESTED_MAPPING, beside the packet's own outcome.
            check(
                    bubbles == 0 && drops - untested + delivered + taken + held == 1,
                    "datagram outcome: delivered " + delivered + ", taken " + taken + ", held " + held + ", drops "
                            + drops + ";" + Counts.moved(d));
        }
        check(tunQueue.count == delivered + d[r(DropReason.TUN_WRITE_FAILED)], "tunnel writes match their counts");
        // A packet from a trusted peer at a new mapping (dropped) sends one probe through the peer's server.
        long rebound = d[c(Counter.BUBBLES_TX_REBOUND)];
        check(
                rebound == 0
                        || rebound == 1
                                && d[r(DropReason.MAPPING_MISMATCH)] == 1
                                && bubbles == 0
                                && d[c(Counter.BUBBLES_TX_INDIRECT)] == 1,
                "a rebound probe only for a mismatched data packet;" + Counts.moved(d));
        check(
                sent == d[c(Counter.UDP_TX_PACKETS)]
                        && sent
                                == d[c(Counter.QUEUE_RELEASED_PACKETS)]
                                        - releasedIntoTunnel
                                        + d[c(Counter.BUBBLES_TX_DIRECT)]
                                        + d[c(Counter.ECHO_TESTS_TX)]
                                        + d[c(Counter.ROUTER_SOLICITATIONS_TX)]
                                        + rebound,
                "a datagram sends a released queue, a bubble, an echo test or an RS only;" + Counts.moved(d));
        RelayScenario.checkBounds(path.peers(), table);
    }

    /** A packet from the tunnel (the client's is opened without offloads: plain packets only). */
    private void tunStep(ByteBuf packet) {
        long[] before = Counts.snapshot(counters);
        tunQueue.reset();
        refused.reset();
        carried = ByteBufUtil.getBytes(packet);
        tun.packetRead(packet);
        tun.readComplete();
        carried = new byte[0];
        udp.checkException();
        int sent = drainSent();
        check(packet.refCnt() == 0, "the tunnel packet was not released (refCnt " + packet.refCnt() + ")");
        tunQueue.check();
        long[] d = Counts.delta(counters, before);
        check(d[c(Counter.TUN_RX_PACKETS)] == 1 && d[c(Counter.UDP_RX_PACKETS)] == 0, "one tunnel packet counted");
        check(d[r(DropReason.INTERNAL_ERROR)] == 0, "no internal error;" + Counts.moved(d));
        long failed = d[r(DropReason.UDP_WRITE_FAILED)];
        check(failed == refused.count, "each refused datagram counted once as udp_write_failed;" + Counts.moved(d));
        long tunDrops = drops(d, TUN_SIDE);
        check(drops(d) == tunDrops + d[r(DropReason.TUN_WRITE_FAILED)] + failed, "only tunnel-side drop reasons");
        long control =
                d[c(Counter.BUBBLES_TX_INDIRECT)] + d[c(Counter.BUBBLES_TX_DIRECT)] + d[c(Counter.ECHO_TESTS_TX)];
        // A refused datagram is its packet's outcome too (a refused bubble or test is not counted as one sent).
        long dataSent = d[c(Counter.UDP_TX_PACKETS)] - control + refused.count - refused.controls;
        check(sent == d[c(Counter.UDP_TX_PACKETS)], "every send is counted");
        check(
                dataSent + d[c(Counter.QUEUED_PACKETS)] + tunDrops == 1,
                "tunnel packet outcome: sent " + dataSent + ", queued " + d[c(Counter.QUEUED_PACKETS)] + ", drops "
                        + tunDrops + ";" + Counts.moved(d));
        check(
                d[c(Counter.ICMP_ERRORS_TX)] == d[c(Counter.TUN_TX_PACKETS)] + d[r(DropReason.TUN_WRITE_FAILED)]
                        && tunQueue.count == d[c(Counter.ICMP_ERRORS_TX)],
                "only ICMPv6 errors go back into the tunnel");
        RelayScenario.checkBounds(path.peers(), table);
    }

    /** Time passes on every clock at once: RS retransmissions, refreshes, the restart delay, peer expiry. */
    private void advanceClock() {
        int[] typical = {1, 2, 4, 5, 13, 23, 31, 61, 101, 301};
        int seconds = data.consumeBoolean() ? typical[data.consumeInt(0, typical.length - 1)] : data.consumeInt(0, 400);
        long before = counters.get(Counter.ROUTER_SOLICITATIONS_TX);
        long failedBefore = counters.dropped(DropReason.UDP_WRITE_FAILED);
        refused.reset();
        now += seconds;
        millis += seconds * 1000L + data.consumeInt(0, 999);
        udp.advanceTimeBy(seconds * 1000L + 999, TimeUnit.MILLISECONDS);
        udp.runPendingTasks();
        udp.checkException();
        int sent = drainSent();
        check(
                sent == counters.get(Counter.ROUTER_SOLICITATIONS_TX) - before
                        && refused.count == refused.controls
                        && refused.count == counters.dropped(DropReason.UDP_WRITE_FAILED) - failedBefore,
                "time passing sends RSs only, each counted once");
        RelayScenario.checkBounds(path.peers(), table);
    }

    /** Our server's RA to the client's latest RS, as it saw it from {@code natPort} (NAT_MAPPING: the usual one). */
    private ByteBuf answer(int natPort) {
        ByteBuf ra = server.answer(
                Unpooled.wrappedBuffer(lastRs), lastRsServer, natPort == NAT_MAPPING ? Packets.NAT_PORT : natPort);
        check(ra != null, "our server answers the client's RS");
        return ra;
    }

    /** The answer, mostly as sent; sometimes from another mapping (a symmetric NAT), altered, or from elsewhere. */
    private void answerSolicitation() {
        ByteBuf ra = answer(data.consumeInt(0, 3) == 0 ? data.consumeInt(1, 0xFFFF) : NAT_MAPPING);
        if (data.consumeInt(0, 3) == 0) {
            ra.setByte(data.consumeInt(0, ra.readableBytes() - 1), data.consumeInt(0, 255));
        }
        udpStep(ra, data.consumeInt(0, 3) != 0 ? SocketAddresses.of(lastRsServer, Teredo.SERVICE_PORT) : sender(null));
    }

    /** A bubble or a packet from a peer, a relay or the server, to the client or elsewhere. */
    private void structuredDatagram() {
        ByteBuf buf = Unpooled.buffer();
        FuzzInputs.teredoHeaders(data, buf);
        long[] src = data.consumeInt(0, 4) != 0 ? peer() : new long[] {data.consumeLong(), data.consumeLong()};
        long[] dst =
                switch (data.consumeInt(0, 5)) {
                    case 0, 1, 2 -> self != null ? self : peer();
                    case 3 -> peer();
                    case 4 -> new long[] {0xFF02_0000_0000_0000L, 1};
                    default -> new long[] {data.consumeLong(), data.consumeLong()};
                };
        int at = buf.writerIndex();
        buf.writeZero(Ipv6.HEADER_LENGTH);
        int nextHeader;
        switch (data.consumeInt(0, 3)) {
            case 0 -> nextHeader = Ipv6.NEXT_HEADER_NONE; // a bubble
            case 1 -> {
                nextHeader = Ipv6.NEXT_HEADER_ICMPV6;
                buf.writeByte(data.consumeBoolean() ? Icmpv6.TYPE_ECHO_REPLY : Icmpv6.TYPE_ECHO_REQUEST)
                        .writeZero(3)
                        .writeBytes(data.consumeBytes(data.consumeInt(0, 64)));
            }
            default -> {
                nextHeader = data.consumeBoolean() ? data.consumeInt(0, 255) : 17;
                buf.writeBytes(data.consumeBytes(data.consumeInt(0, 1240)));
            }
        }
        int length = buf.writerIndex() - at - Ipv6.HEADER_LENGTH;
        Ipv6.writeHeader(
                buf,
                at,
                data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 0xFFFF) : length,
                nextHeader,
                data.consumeInt(0, 255),
                src[0],
                src[1],
                dst[0],
                dst[1]);
        trailers(buf);
        udpStep(buf, sender(src));
    }

    /** The reply to a connectivity test the client sent, through a relay or the server (§5.2.9, case 2). */
    private void answerEchoTest() {
        if (echoTests.isEmpty()) {
            return;
        }
        EchoTest test = echoTests.get(data.consumeInt(0, echoTests.size() - 1));
        ByteBuf buf = Unpooled.buffer();
        FuzzInputs.teredoHeaders(data, buf);
        if (data.consumeInt(0, 3) == 0) {
            // The host rejects pings: its Destination Unreachable quotes our test (CONFORMANCE M13), maybe altered.
            ByteBuf quoted = Unpooled.wrappedBuffer(test.packet.clone());
            if (data.consumeInt(0, 3) == 0) {
                quoted.setByte(data.consumeInt(0, quoted.readableBytes() - 1), data.consumeInt(0, 255));
            }
            int length =
                    data.consumeInt(0, 3) == 0 ? data.consumeInt(0, quoted.readableBytes()) : quoted.readableBytes();
            Icmpv6Error.appendUnreachable(buf, data.consumeInt(0, 6), test.peer[0], test.peer[1], quoted, 0, length);
            quoted.release();
        } else {
            long[] to = self != null ? self : peer();
            ByteBuf nonce = Unpooled.buffer(8).writeLong(data.consumeInt(0, 7) != 0 ? test.nonce : data.consumeLong());
            Icmpv6.appendEchoReply(buf, 64, test.peer[0], test.peer[1], to[0], to[1], 0, 0, nonce, 0, 8);
            nonce.release();
        }
        trailers(buf);
        udpStep(
                buf,
                data.consumeBoolean()
                        ? SocketAddresses.of(SETTINGS.primaryServer(), Teredo.SERVICE_PORT)
                        : sender(null));
    }

    // ---- inputs ----

    private void trailers(ByteBuf buf) {
        if (data.consumeInt(0, 3) == 0) {
            buf.writeBytes(data.consumeBytes(data.consumeInt(0, 64))); // RFC 6081 trailers, or garbage
        }
    }

    /** Mostly where a Teredo source's address says it is (§5.2.3 case 3), else a relay, the server or anyone. */
    private InetSocketAddress sender(long[] src) {
        boolean teredo = src != null && TeredoAddress.isTeredo(src[0], Teredo.PREFIX);
        return switch (data.consumeInt(0, 5)) {
            case 0, 1 ->
                teredo
                        ? SocketAddresses.of(TeredoAddress.mappedIpv4(src[1]), TeredoAddress.mappedPort(src[1]))
                        : SocketAddresses.of(FuzzInputs.ipv4(data), FuzzInputs.port(data)); // a relay
            case 2 -> SocketAddresses.of(SETTINGS.primaryServer(), Teredo.SERVICE_PORT);
            case 3 -> SocketAddresses.of(data.consumeInt(), data.consumeInt(0, 0xFFFF));
            default -> SocketAddresses.of(FuzzInputs.ipv4(data), FuzzInputs.port(data));
        };
    }

    /** An IPv6 packet from the host's stack: mostly from the client's own address, to a peer or elsewhere. */
    private ByteBuf tunPacket() {
        ByteBuf buf = Unpooled.buffer();
        int offset = data.consumeInt(0, 3) == 0 ? data.consumeInt(1, 16) : 0;
        buf.writeZero(offset).readerIndex(offset);
        long[] src =
                self != null && data.consumeInt(0, 4) != 0 ? self : new long[] {data.consumeLong(), data.consumeLong()};
        long[] dst =
                switch (data.consumeInt(0, 5)) {
                    case 0, 1, 2 -> peer();
                    case 3 -> new long[] {0xFF02_0000_0000_0000L, 2}; // the kernel's router solicitations
                    case 4 -> new long[] {TeredoAddress.hi(Teredo.PREFIX, data.consumeInt()), data.consumeLong()};
                    default -> new long[] {data.consumeLong(), data.consumeLong()};
                };
        int nextHeader = data.consumeBoolean() ? Ipv6.NEXT_HEADER_ICMPV6 : data.consumeInt(0, 255);
        byte[] payload = data.consumeBytes(
                data.consumeBoolean() ? data.consumeInt(0, 64) : data.consumeInt(0, Teredo.MTU - Ipv6.HEADER_LENGTH));
        int declared = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 0xFFFF) : payload.length;
        buf.writeZero(Ipv6.HEADER_LENGTH);
        Ipv6.writeHeader(buf, offset, declared, nextHeader, data.consumeInt(0, 255), src[0], src[1], dst[0], dst[1]);
        return buf.writeBytes(payload);
    }

    /** A known peer three times in four (entries are found again), else a new one. */
    private long[] peer() {
        if (data.consumeInt(0, 3) != 0 || peers.size() >= 16) {
            return peers.get(data.consumeInt(0, peers.size() - 1));
        }
        long[] p = newPeer();
        peers.add(p);
        return p;
    }

    /** A Teredo peer (its address embeds a server and a mapping) or a native IPv6 host. */
    private long[] newPeer() {
        if (data.consumeBoolean()) {
            return new long[] {0x2001_0DB8_0000_0000L | data.consumeInt(0, 0xFFFF), data.consumeLong()};
        }
        int flags = data.consumeBoolean() ? 0 : data.consumeInt(0, 0xFFFF);
        return new long[] {
            TeredoAddress.hi(Teredo.PREFIX, FuzzInputs.ipv4(data)),
            TeredoAddress.lo(flags, FuzzInputs.port(data), FuzzInputs.ipv4(data))
        };
    }

    // ---- outputs and checks ----

    /** Reception delivers only packets for our address, transmission's ICMPv6 errors go to our address too. */
    private boolean forUs(ByteBuf packet) {
        int at = packet.readerIndex();
        return self != null && Ipv6.dstHi(packet, at) == self[0] && Ipv6.dstLo(packet, at) == self[1];
    }

    /** Checks and releases what the client sent; remembers its RSs and connectivity tests for later steps. */
    private int drainSent() {
        return SentDatagrams.drain(
                udp,
                p -> remember(
                        p.content(),
                        SocketAddresses.ipv4(p.recipient()),
                        p.recipient().getPort()));
    }

    /**
     * What the client sends besides data: its RSs, bubbles and connectivity tests (to the server, port 3544). A
     * bubble unless it is the step's tunnel packet: the tunnel may hand over a 40-byte packet with next header 59.
     */
    private boolean isControl(DatagramPacket p) {
        ByteBuf content = p.content();
        int at = content.readerIndex();
        return content.readableBytes() == Ipv6.HEADER_LENGTH
                        && Ipv6.isBubble(content, at)
                        && !ByteBufUtil.equals(content, Unpooled.wrappedBuffer(carried))
                || p.recipient().getPort() == Teredo.SERVICE_PORT
                        && (content.getUnsignedShort(at) == TeredoHeaders.AUTH_TYPE
                                || SocketAddresses.ipv4(p.recipient()) == SETTINGS.primaryServer()
                                        && isEchoTest(content, at));
    }

    private static boolean isEchoTest(ByteBuf content, int at) {
        return content.readableBytes() == Ipv6.HEADER_LENGTH + Icmpv6.HEADER_LENGTH + 8
                && Ipv6.nextHeader(content, at) == Ipv6.NEXT_HEADER_ICMPV6
                && Icmpv6.type(content, at + Ipv6.HEADER_LENGTH) == Icmpv6.TYPE_ECHO_REQUEST;
    }

    private void remember(ByteBuf content, int ipv4, int port) {
        int at = content.readerIndex();
        if (port != Teredo.SERVICE_PORT) {
            return;
        }
        if (content.getUnsignedShort(at) == TeredoHeaders.AUTH_TYPE) {
            lastRs = new byte[content.readableBytes()];
            content.getBytes(at, lastRs);
            lastRsServer = ipv4;
        } else if (echoTests.size() < 32 && isEchoTest(content, at)) {
            long[] peer = {Ipv6.dstHi(content, at), Ipv6.dstLo(content, at)};
            byte[] packet = new byte[content.readableBytes()];
            content.getBytes(at, packet);
            echoTests.add(
                    new EchoTest(peer, content.getLong(at + Ipv6.HEADER_LENGTH + Icmpv6.ECHO_DATA_OFFSET), packet));
        }
    }

    @Override
    public void close() {
        drainSent();
        udp.finishAndReleaseAll();
        path.close(); // releases the packets still queued for untested peers
        alloc.assertAllReleased();
        check(counters.dropped(DropReason.INTERNAL_ERROR) == 0, "an exception was caught in the data path");
    }
}
