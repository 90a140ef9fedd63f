package org.jmiredo.fuzz;

import static org.jmiredo.fuzz.RelayScenario.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DataPathCounters;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.pipeline.server.ServerDataPath;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.RouterAdvertisement;
import org.jmiredo.proto.RouterSolicitation;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;
import org.jmiredo.testing.TrackingAllocator;

/**
 * One fuzz input against one server channel pair: settings from the input, then up to
 * {@value #MAX_STEPS} datagrams. After each: the datagram was released; no exception was counted;
 * exactly one outcome was counted (a drop, or one datagram or native packet out); a datagram the sockets took
 * (or, as the input says, refused at the flush) counted once, as sent with its kind (or as udp_write_failed);
 * an RS from a link-local or from the client's own Teredo address (rule 5); nothing went to a
 * non-global IPv4, to port 0 or to the server's own port 3544; a forwarded datagram is at most the
 * origin indication longer than the one received (no amplification), an RA at most the size of the
 * largest RA; only small ICMPv6 echo messages reach native IPv6. At the end, nothing allocated leaked.
 */
final class ServerScenario implements AutoCloseable {
    static final int MAX_STEPS = 48;
    private static final int PRIMARY = 0xC000_0201; // 192.0.2.1
    private static final int SECONDARY = 0xC000_0202;

    private final FuzzedDataProvider data;
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final EmbeddedChannel primary = new EmbeddedChannel();
    private final EmbeddedChannel secondary = new EmbeddedChannel();
    private final ServerSettings settings;
    private final ServerDataPath path;
    private final List<Integer> nativeLengths = new ArrayList<>();
    private int now = 1_000;
    private boolean nativeAccepts = true;
    /** On a step the input picks, the sockets refuse the answer (as the kernel may at the flush). */
    private boolean refusing;

    private final RefusedWrites primaryRefused = new RefusedWrites(() -> refusing, p -> false);
    private final RefusedWrites secondaryRefused = new RefusedWrites(() -> refusing, p -> false);
    private String nativeViolation;
    /** The step's input is an unaltered RS from a Teredo address (from its own client, when the mapping matches). */
    private boolean teredoSourcedRs;

    ServerScenario(FuzzedDataProvider data) {
        this.data = data;
        primary.config().setAllocator(alloc);
        secondary.config().setAllocator(alloc);
        int mtu = data.consumeBoolean() ? Teredo.MTU : data.consumeBoolean() ? 0 : data.consumeInt(Teredo.MTU, 0xFFFF);
        int maxIcmp = data.consumeBoolean() ? ServerSettings.MIREDO_MAX_ICMP_PAYLOAD : data.consumeInt(0, 2000);
        settings = new ServerSettings(
                PRIMARY,
                SECONDARY,
                Teredo.PREFIX,
                mtu,
                maxIcmp,
                data.consumeInt(0, 128),
                data.consumeInt(0, 3),
                data.consumeInt(0, 3) != 0);
        path = new ServerDataPath(settings, () -> now);
        path.initChannels(primary, secondary, this::nativeWrite);
        primary.pipeline().addFirst(primaryRefused); // next to the sockets
        secondary.pipeline().addFirst(secondaryRefused);
    }

    void run() {
        for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
            nativeAccepts = data.consumeInt(0, 15) != 0;
            refusing = data.consumeInt(0, 7) == 0;
            if (data.consumeInt(0, 7) == 0) {
                now += data.consumeInt(0, 3);
            }
            ServerEndpoint on = data.consumeBoolean() ? ServerEndpoint.PRIMARY : ServerEndpoint.SECONDARY;
            long[] src = new long[2];
            teredoSourcedRs = false;
            ByteBuf payload =
                    switch (data.consumeInt(0, 5)) {
                        case 0, 1 -> routerSolicitation(src);
                        case 2, 3 -> forwardable(src);
                        default -> FuzzInputs.bytes(data, data.consumeInt(0, 1500));
                    };
            InetSocketAddress sender = sender(src);
            boolean ownRs = teredoSourcedRs
                    && SocketAddresses.ipv4(sender) == TeredoAddress.mappedIpv4(src[1])
                    && sender.getPort() == TeredoAddress.mappedPort(src[1]);
            step(on, payload, sender, ownRs);
        }
    }

    /** @param ownRs the datagram is an RS from the client's own Teredo address, at its mapping */
    private void step(ServerEndpoint on, ByteBuf payload, InetSocketAddress sender, boolean ownRs) {
        DataPathCounters counters = counters(on);
        long[] before = Counts.snapshot(counters);
        int inBytes = payload.readableBytes();
        boolean hadAuth = inBytes >= 2 && payload.getUnsignedShort(0) == TeredoHeaders.AUTH_TYPE;
        nativeLengths.clear();
        primaryRefused.reset();
        secondaryRefused.reset();
        EmbeddedChannel channel = on == ServerEndpoint.PRIMARY ? primary : secondary;
        InetSocketAddress local =
                SocketAddresses.of(on == ServerEndpoint.PRIMARY ? PRIMARY : SECONDARY, Teredo.SERVICE_PORT);
        channel.writeInbound(new DatagramPacket(payload, local, sender));
        primary.checkException();
        secondary.checkException();
        check(payload.refCnt() == 0, "the datagram was not released (refCnt " + payload.refCnt() + ")");
        String violation = nativeViolation;
        nativeViolation = null;
        check(violation == null, violation);

        long[] d = Counts.delta(counters, before);
        check(d[Counter.UDP_RX_PACKETS.ordinal()] == 1, "one datagram counted");
        check(d[Counts.r(DropReason.INTERNAL_ERROR)] == 0, "an exception was caught in the data path");
        long ras = d[Counter.ROUTER_ADVERTISEMENTS_TX.ordinal()];
        // Rule 5 accepted it: the server processes it (RFC 4380 §5.3.1), an RS to a local address is answered (M5).
        check(
                !ownRs || d[Counts.r(DropReason.UNHANDLED_LOCAL)] == 0,
                "an RS from the client's own Teredo address " + "at its mapping not answered;" + Counts.moved(d));
        long refused = primaryRefused.count + secondaryRefused.count;
        int fromOther = (on == ServerEndpoint.PRIMARY ? secondary : primary)
                .outboundMessages()
                .size();
        List<DatagramPacket> sent = drain();
        try {
            // Each datagram counted once, at its fate: sent (and as what it was: an RA, from the other address or
            // not, a forwarded bubble or echo) or refused, never both.
            check(
                    d[Counter.UDP_TX_PACKETS.ordinal()] == sent.size()
                            && d[Counts.r(DropReason.UDP_WRITE_FAILED)] == refused
                            && d[Counter.UDP_TX_PACKETS.ordinal()]
                                    == ras
                                            + d[Counter.SERVER_FORWARDED_BUBBLES.ordinal()]
                                            + d[Counter.SERVER_FORWARDED_ICMPV6.ordinal()]
                            && d[Counter.ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS.ordinal()] <= ras,
                    "sent " + sent.size() + ", refused " + refused + ";" + Counts.moved(d));
            check(
                    ras == 0 || fromOther == d[Counter.ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS.ordinal()],
                    "an RA from the other address counted as one");
            check(
                    sent.size() + nativeLengths.size() + Counts.drops(d) == 1,
                    "one outcome per datagram: sent " + sent.size() + ", native " + nativeLengths.size() + ", drops "
                            + Counts.drops(d));
            for (DatagramPacket p : sent) {
                checkSent(p, inBytes, ras == 1, hadAuth);
            }
        } finally {
            sent.forEach(DatagramPacket::release);
        }
    }

    private void checkSent(DatagramPacket p, int inBytes, boolean ra, boolean hadAuth) {
        int ipv4 = SocketAddresses.ipv4(p.recipient());
        int port = p.recipient().getPort();
        int length = p.content().readableBytes();
        check(Ipv4.isGlobalUnicast(ipv4) && port != 0, "sent to " + Ipv4.toString(ipv4) + ":" + port);
        check(port != Teredo.SERVICE_PORT || ipv4 != PRIMARY && ipv4 != SECONDARY, "sent to the server itself");
        if (ra) {
            // An RS gets one RA of a fixed size: bounded, whatever the RS carried (RFC 4380 §5.3.2).
            int max = (hadAuth ? TeredoHeaders.AUTH_FIXED_LENGTH : 0)
                    + TeredoHeaders.ORIGIN_LENGTH
                    + RouterAdvertisement.length(settings.advertisedMtu());
            check(length <= max, "RA of " + length + " bytes, at most " + max);
        } else {
            // Forwarded: the IPv6 packet and trailers received, plus at most an origin indication.
            check(length <= inBytes + TeredoHeaders.ORIGIN_LENGTH, "amplified: " + inBytes + " -> " + length);
        }
    }

    /** The native output: only small ICMPv6 echo messages to non-Teredo destinations (RFC 4380 §5.3.1, M1). */
    private boolean nativeWrite(ByteBuf packet) {
        int at = packet.readerIndex();
        int length = packet.readableBytes();
        if (nativeAccepts) {
            nativeLengths.add(length); // refused: counted as NATIVE_WRITE_FAILED, the step's one outcome
        }
        if (length < Ipv6.HEADER_LENGTH + Icmpv6.MIN_LENGTH
                || Ipv6.version(packet, at) != 6
                || Ipv6.HEADER_LENGTH + Ipv6.payloadLength(packet, at) != length
                || Ipv6.nextHeader(packet, at) != Ipv6.NEXT_HEADER_ICMPV6
                || Ipv6.payloadLength(packet, at) > settings.maxIcmpPayload()
                || TeredoAddress.isTeredo(Ipv6.dstHi(packet, at), settings.prefix())) {
            nativeViolation = "not a small ICMPv6 packet to native IPv6: " + length + " bytes";
        } else {
            int type = Icmpv6.type(packet, at + Ipv6.HEADER_LENGTH);
            if (type != Icmpv6.TYPE_ECHO_REQUEST && type != Icmpv6.TYPE_ECHO_REPLY) {
                nativeViolation = "ICMPv6 type " + type + " to native IPv6";
            }
        }
        return nativeAccepts;
    }

    // ---- inputs ----

    /** An RS as a client sends it (RFC 4380 §5.2.1), checksum right, then maybe one field changed. */
    private ByteBuf routerSolicitation(long[] src) {
        ByteBuf buf = Unpooled.buffer();
        FuzzInputs.teredoHeaders(data, buf);
        int at = buf.writerIndex();
        int flags = data.consumeBoolean() ? Teredo.FLAG_CONE : data.consumeInt(0, 0xFFFF);
        if (data.consumeInt(0, 3) == 0) {
            // From the client's own Teredo address (a refresh RS, rule 5: answered when the mapping matches).
            src[0] = TeredoAddress.hi(Teredo.PREFIX, data.consumeBoolean() ? PRIMARY : FuzzInputs.ipv4(data));
            src[1] = TeredoAddress.lo(flags, FuzzInputs.port(data), FuzzInputs.ipv4(data));
            teredoSourcedRs = true;
        } else {
            src[0] = Ipv6.LINK_LOCAL_HI;
            src[1] = (long) flags << 48 | data.consumeLong() & 0xFFFF_FFFF_FFFFL;
        }
        RouterSolicitation.append(buf, src[0], src[1]);
        if (data.consumeBoolean()) {
            // To the server's own link-local address instead of ff02::2 (RFC 4380 §5.3.1).
            buf.setLong(at + Ipv6.DST_OFFSET, Ipv6.LINK_LOCAL_HI);
            buf.setLong(at + Ipv6.DST_OFFSET + 8, RouterAdvertisement.serverLinkLocalLo(PRIMARY));
            Icmpv6.fillChecksum(buf, at);
        }
        if (data.consumeInt(0, 3) == 0) {
            buf.setByte(at + data.consumeInt(0, RouterSolicitation.LENGTH - 1), data.consumeInt(0, 255));
            teredoSourcedRs = false; // altered: maybe no RS any more
        }
        trailers(buf);
        return buf;
    }

    /** A bubble or an ICMPv6 message from a Teredo client or a relay, to a Teredo or native destination. */
    private ByteBuf forwardable(long[] src) {
        ByteBuf buf = Unpooled.buffer();
        FuzzInputs.teredoHeaders(data, buf);
        int at = buf.writerIndex();
        boolean teredoSource = data.consumeInt(0, 3) != 0;
        src[0] = teredoSource
                ? TeredoAddress.hi(Teredo.PREFIX, data.consumeBoolean() ? PRIMARY : FuzzInputs.ipv4(data))
                : data.consumeLong();
        src[1] = teredoSource
                ? TeredoAddress.lo(data.consumeInt(0, 0xFFFF), FuzzInputs.port(data), FuzzInputs.ipv4(data))
                : data.consumeLong();
        long dstHi =
                switch (data.consumeInt(0, 3)) {
                    case 0 -> TeredoAddress.hi(Teredo.PREFIX, PRIMARY); // our own client: origin indication added
                    case 1 -> TeredoAddress.hi(Teredo.PREFIX, FuzzInputs.ipv4(data));
                    case 2 -> 0x2001_0DB8_0000_0000L; // native
                    default -> data.consumeLong();
                };
        long dstLo = data.consumeInt(0, 3) == 0
                ? data.consumeLong()
                : TeredoAddress.lo(data.consumeInt(0, 0xFFFF), FuzzInputs.port(data), FuzzInputs.ipv4(data));
        boolean bubble = data.consumeBoolean();
        byte[] icmp = bubble
                ? new byte[0]
                : data.consumeBytes(data.consumeBoolean() ? data.consumeInt(0, 96) : data.consumeInt(0, 1400));
        if (icmp.length > 0 && data.consumeInt(0, 3) != 0) {
            icmp[0] = (byte) (data.consumeBoolean() ? Icmpv6.TYPE_ECHO_REQUEST : Icmpv6.TYPE_ECHO_REPLY);
        }
        int nextHeader = bubble
                ? Ipv6.NEXT_HEADER_NONE
                : data.consumeInt(0, 3) != 0 ? Ipv6.NEXT_HEADER_ICMPV6 : data.consumeInt(0, 255);
        int declared = data.consumeInt(0, 7) == 0 ? data.consumeInt(0, 0xFFFF) : icmp.length;
        buf.writeZero(Ipv6.HEADER_LENGTH);
        Ipv6.writeHeader(buf, at, declared, nextHeader, data.consumeInt(0, 255), src[0], src[1], dstHi, dstLo);
        buf.writeBytes(icmp);
        trailers(buf);
        return buf;
    }

    private void trailers(ByteBuf buf) {
        if (data.consumeInt(0, 3) == 0) {
            buf.writeBytes(data.consumeBytes(data.consumeInt(0, 160)));
        }
    }

    /** Mostly the mapping the Teredo source embeds (rule 5), sometimes the server itself (loop guard, M2). */
    private InetSocketAddress sender(long[] src) {
        return switch (data.consumeInt(0, 5)) {
            case 0, 1 -> SocketAddresses.of(TeredoAddress.mappedIpv4(src[1]), TeredoAddress.mappedPort(src[1]));
            case 2 ->
                SocketAddresses.of(
                        data.consumeBoolean() ? PRIMARY : SECONDARY,
                        data.consumeBoolean() ? Teredo.SERVICE_PORT : FuzzInputs.port(data));
            case 3 -> SocketAddresses.of(data.consumeInt(), data.consumeInt(0, 0xFFFF));
            default -> SocketAddresses.of(FuzzInputs.ipv4(data), FuzzInputs.port(data));
        };
    }

    // ---- counters ----

    private DataPathCounters counters(ServerEndpoint on) {
        return path.counters().get(on == ServerEndpoint.PRIMARY ? 0 : 1);
    }

    private List<DatagramPacket> drain() {
        List<DatagramPacket> all = new ArrayList<>();
        for (EmbeddedChannel channel : List.of(primary, secondary)) {
            Object msg;
            while ((msg = channel.readOutbound()) != null) {
                all.add((DatagramPacket) msg);
            }
        }
        return all;
    }

    @Override
    public void close() {
        drain().forEach(DatagramPacket::release);
        primary.finishAndReleaseAll();
        secondary.finishAndReleaseAll();
        alloc.assertAllReleased();
    }
}
