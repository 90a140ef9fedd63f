package org.jmiredo.pipeline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.teredo;
import static org.jmiredo.engine.server.Packets.v6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.statistics.Statistics;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.metrics.Counter;
import org.jmiredo.pipeline.SocketAddresses;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv4;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.Ipv6Scope;
import org.jmiredo.proto.Teredo;
import org.jmiredo.proto.TeredoAddress;
import org.jmiredo.proto.TeredoHeaders;

/**
 * Datagrams built from hostile parts (any sender, any Teredo headers, addresses, next header, ICMPv6
 * type, lengths right or wrong, checksums right or wrong, trailers) through the real handler. Whatever
 * comes in: the server never throws, releases the datagram and everything it allocated, produces
 * exactly one outcome (one datagram, one native packet, or one counted drop), never sends to a
 * non-global or own-loop address, never amplifies anything but an RS answer, and sends native IPv6 only
 * as small ICMPv6 echo messages to global non-Teredo destinations (R-5.3.1-*, M1, M2).
 */
class ServerPropertiesTest {
    static final String[] SENDERS = {
        Packets.NAT,
        "198.51.100.10",
        Packets.RELAY,
        Packets.PRIMARY,
        Packets.SECONDARY,
        "10.1.2.3",
        "203.0.113.7",
        "192.88.99.1"
    };
    static final int[] PORTS = {Packets.NAT_PORT, 3545, 3544, 0, 65535};
    static final long[][] ADDRESSES = {
        Packets.CLIENT,
        Packets.CLIENT2,
        Packets.NATIVE,
        Packets.RS_RESTRICTED,
        Packets.RS_CONE,
        v6("ff02::2"),
        v6("fe80::8000:f227:39cc:9bfe"),
        v6("ff0e::1"),
        v6("::1"),
        v6("fe80::1"),
        teredo("203.0.113.120", 0, "192.0.2.1", 4096),
        teredo(Packets.PRIMARY, 0, "127.0.0.1", 40000),
        teredo(Packets.PRIMARY, 0x3CFF, Packets.PRIMARY, 3544),
        teredo(Packets.PRIMARY, 0x8000, "203.0.113.7", 3544),
    };
    static final int[] NEXT_HEADERS = {58, 58, 58, 59, 59, 6, 17, 0, 60};
    static final int[] ICMP_TYPES = {128, 129, 133, 134, 1, 137, 255, 128, 129};

    @Property(tries = 1000)
    void anyDatagramHasExactlyOneBoundedOutcome(
            @ForAll @IntRange(max = 7) int sender,
            @ForAll @IntRange(max = 4) int port,
            @ForAll boolean onSecondary,
            @ForAll @IntRange(max = 2) int auth,
            @ForAll boolean origin,
            @ForAll @IntRange(max = 13) int src,
            @ForAll @IntRange(max = 13) int dst,
            @ForAll @IntRange(max = 8) int nextHeader,
            @ForAll @IntRange(max = 8) int icmpType,
            @ForAll @IntRange(max = 200) int payloadLength,
            @ForAll @IntRange(min = -3, max = 3) int lengthError,
            @ForAll boolean fixChecksum,
            @ForAll @Size(max = 80) byte[] trailer,
            @ForAll @IntRange(max = 60) int cut,
            @ForAll @IntRange(max = 3) int shape) {
        if (shape == 0) { // a Router Solicitation, possibly with options
            src = 3 + src % 2;
            dst = 5 + dst % 2;
            nextHeader = 0;
            icmpType = 2;
            payloadLength = 8 + payloadLength % 3 * 8;
        }
        if (shape == 1 || shape == 2) { // from one of our clients, at the mapping its address embeds
            src = src % 2;
            sender = src;
            port = src;
            dst = dst % 4;
            payloadLength = payloadLength % 101;
        }
        if (shape == 1) { // mostly ICMPv6 and bubbles between clients and the native host
            dst = dst % 3;
            nextHeader = nextHeader % 4;
        }
        if (shape <= 1) { // well formed: right length, right checksum, not cut
            lengthError = 0;
            fixChecksum = true;
            cut = 0;
        }
        int nh = NEXT_HEADERS[nextHeader];
        int plen = nh == 59 && payloadLength < 100 ? 0 : payloadLength;
        ByteBuf datagram = datagram(
                auth,
                origin,
                ADDRESSES[src],
                ADDRESSES[dst],
                nh,
                plen,
                ICMP_TYPES[icmpType],
                fixChecksum,
                lengthError,
                trailer);
        // one datagram in six is cut short by 4 to 44 bytes
        int inputLength = cut < 50 ? datagram.writerIndex() : Math.max(0, datagram.writerIndex() - (cut - 49) * 4);
        datagram.writerIndex(inputLength);

        String from = SENDERS[sender];
        int fromPort = PORTS[port];
        try (ServerHarness server = new ServerHarness()) {
            server.receive(onSecondary ? ServerEndpoint.SECONDARY : ServerEndpoint.PRIMARY, datagram, from, fromPort);
            List<ServerHarness.Sent> sent = server.sent();
            long outcomes = sent.size() + server.nativeWritten.size() + server.totalDrops();
            assertThat(outcomes).as("exactly one outcome").isEqualTo(1);
            assertThat(server.count(Counter.UDP_RX_PACKETS)).isEqualTo(1);
            Statistics.collect(outcome(sent, server));
            sent.forEach(out -> checkSent(out, inputLength, from, fromPort));
            server.nativeWritten.forEach(ServerPropertiesTest::checkNative);
            sent.forEach(out -> out.packet().release());
        }
    }

    /**
     * {@code [AUTH] [ORIG] IPv6 payload trailer}: {@code auth} 0 none, 1 without credentials, 2 with a
     * 3-byte client ID; the payload starts with the ICMPv6 type and code 0; the payload length field is
     * off by {@code lengthError}, and the ICMPv6 checksum right only when {@code fixChecksum}.
     */
    private static ByteBuf datagram(
            int auth,
            boolean origin,
            long[] s,
            long[] d,
            int nh,
            int plen,
            int type,
            boolean fixChecksum,
            int lengthError,
            byte[] trailer) {
        ByteBuf datagram = Unpooled.buffer();
        if (auth > 0) {
            datagram.writeShort(1).writeByte(auth == 2 ? 3 : 0).writeByte(0);
            datagram.writeZero(auth == 2 ? 3 : 0)
                    .writeLong(0x1122_3344_5566_7788L)
                    .writeByte(0);
        }
        if (origin) {
            datagram.writerIndex(datagram.writerIndex() + 8);
            TeredoHeaders.writeOrigin(datagram, datagram.writerIndex() - 8, 0x0102_0304, 337);
        }
        int at = datagram.writerIndex();
        Ipv6.writeHeader(datagram.ensureWritable(40 + plen), at, plen, nh, 255, s[0], s[1], d[0], d[1]);
        datagram.writerIndex(at + 40);
        for (int i = 0; i < plen; i++) {
            datagram.writeByte(i == 0 ? type : i == 1 ? 0 : i); // type, code 0, filler
        }
        if (nh == 58 && plen >= 4 && fixChecksum) {
            Icmpv6.fillChecksum(datagram, at);
        }
        datagram.setShort(at + 4, Math.max(0, plen + lengthError));
        return datagram.writeBytes(trailer);
    }

    /** The generator must reach every kind of outcome, not only drops. */
    @AfterProperty
    void coverage() {
        Statistics.coverage(checker -> {
            checker.check("ra").percentage(p -> p > 0.5);
            checker.check("udp").percentage(p -> p > 0.5);
            checker.check("native").percentage(p -> p > 0.3);
            checker.check("drop").percentage(p -> p > 50);
        });
    }

    private static String outcome(List<ServerHarness.Sent> sent, ServerHarness server) {
        if (!server.nativeWritten.isEmpty()) {
            return "native";
        }
        if (sent.isEmpty()) {
            return "drop";
        }
        return server.count(Counter.ROUTER_ADVERTISEMENTS_TX) > 0 ? "ra" : "udp";
    }

    private static void checkSent(ServerHarness.Sent out, int inputLength, String sender, int senderPort) {
        int ip = SocketAddresses.ipv4(out.recipient());
        int port = out.recipient().getPort();
        assertThat(Ipv4.isGlobalUnicast(ip)).as("global recipient").isTrue();
        assertThat(port).isNotZero();
        assertThat(port == 3544 && (ip == Packets.ipv4(Packets.PRIMARY) || ip == Packets.ipv4(Packets.SECONDARY)))
                .as("no loop")
                .isFalse();
        TeredoHeaders h = new TeredoHeaders();
        assertThat(h.parse(out.content())).isNull();
        int type = Ipv6.nextHeader(out.content(), h.ipv6Offset()) == 58
                ? Icmpv6.type(out.content(), h.ipv6Offset() + 40)
                : -1;
        if (type == Icmpv6.TYPE_ROUTER_ADVERTISEMENT) {
            assertThat(out.recipient().getAddress()).isEqualTo(Packets.ip(sender)); // only to the solicitor
            assertThat(port).isEqualTo(senderPort);
        } else {
            assertThat(out.from()).isEqualTo(ServerEndpoint.PRIMARY);
            assertThat(out.content().readableBytes()).as("no amplification").isLessThanOrEqualTo(inputLength + 8);
            assertThat(Ipv6.payloadLength(out.content(), h.ipv6Offset())).isLessThanOrEqualTo(88);
        }
    }

    private static void checkNative(ByteBuf packet) {
        assertThat(Ipv6.nextHeader(packet, 0)).isEqualTo(58);
        assertThat(packet.readableBytes()).isEqualTo(40 + Ipv6.payloadLength(packet, 0));
        assertThat(Ipv6.payloadLength(packet, 0)).isLessThanOrEqualTo(88);
        assertThat(Icmpv6.type(packet, 40)).isIn(Icmpv6.TYPE_ECHO_REQUEST, Icmpv6.TYPE_ECHO_REPLY);
        long dstHi = Ipv6.dstHi(packet, 0);
        assertThat(Ipv6Scope.isGlobal(dstHi, Ipv6.dstLo(packet, 0))).isTrue();
        assertThat(TeredoAddress.isTeredo(dstHi, Teredo.PREFIX)).isFalse();
    }
}
