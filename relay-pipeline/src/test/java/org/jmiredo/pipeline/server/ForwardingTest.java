package org.jmiredo.pipeline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.CLIENT;
import static org.jmiredo.engine.server.Packets.CLIENT2;
import static org.jmiredo.engine.server.Packets.NAT;
import static org.jmiredo.engine.server.Packets.NATIVE;
import static org.jmiredo.engine.server.Packets.NAT_PORT;
import static org.jmiredo.engine.server.Packets.RELAY;
import static org.jmiredo.engine.server.Packets.bubble;
import static org.jmiredo.engine.server.Packets.echo;
import static org.jmiredo.engine.server.Packets.hex;
import static org.jmiredo.engine.server.Packets.ip;
import static org.jmiredo.engine.server.Packets.ipv6;
import static org.jmiredo.engine.server.Packets.teredo;
import static org.jmiredo.engine.server.Packets.v6;
import static org.jmiredo.engine.server.Packets.withOrigin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.TeredoHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 4380 §5.3.1 forwarding through the server's handlers; each test names its CONFORMANCE rows. */
class ForwardingTest {
    /** Where CLIENT2 (no NAT) sends from. */
    static final String CLIENT2_IP = "198.51.100.10";

    static final int CLIENT2_PORT = 3545;
    /** A client of another server, 203.0.113.120, mapped at 192.0.2.1:4096 (RFC 6081 Figure 2). */
    static final long[] FOREIGN = teredo("203.0.113.120", 0, "192.0.2.1", 4096);

    ServerHarness server = new ServerHarness();

    @AfterEach
    void close() {
        server.close();
    }

    /**
     * R-5.3.1-c5, R-5.3.1-encap, R-5.3.1-orig, R-5.1.1-origfmt, R-5.3-limited: an indirect bubble from
     * a client whose address embeds its mapping, to a client of ours, leaves from 198.51.100.1:3544 to
     * the destination's mapping with ORIG = where it came from, then the bubble unchanged.
     */
    @Test
    void indirectBubbleIsForwardedWithOriginIndication() {
        ByteBuf in = bubble(CLIENT2, CLIENT);
        String bubbleHex = ByteBufUtil.hexDump(in);
        server.receive(in, CLIENT2_IP, CLIENT2_PORT);

        ServerHarness.Sent out = server.sentOne();
        assertThat(out.from()).isEqualTo(ServerEndpoint.PRIMARY);
        assertThat(out.recipient()).isEqualTo(new InetSocketAddress(ip(NAT), NAT_PORT));
        // ORIG(3545, 198.51.100.10): ~0x0dd9 = f226, ~c633640a = 39cc9bf5
        assertThat(ByteBufUtil.hexDump(out.content())).isEqualTo("0000f22639cc9bf5" + bubbleHex);
        assertThat(server.count(Counter.SERVER_FORWARDED_BUBBLES)).isEqualTo(1);
        out.packet().release();
    }

    /** R-5.3.1-encap: forwarded packets leave from the primary address even when they came in on the secondary. */
    @Test
    void forwardingAlwaysLeavesFromThePrimary() {
        server.receive(ServerEndpoint.SECONDARY, bubble(CLIENT2, CLIENT), CLIENT2_IP, CLIENT2_PORT);
        ServerHarness.Sent out = server.sentOne();
        assertThat(out.from()).isEqualTo(ServerEndpoint.PRIMARY);
        out.packet().release();
    }

    /**
     * R-5.3.1-c6, R-5.3.1-orig: a non-Teredo source (an echo reply from the native host through relay
     * 198.51.100.3) to our client is forwarded with ORIG = the relay's address; so is the indirect bubble
     * of a Miredo relay, whose source is a hashed fe80:: address (M14).
     */
    @Test
    void nonTeredoSourceToOurClientIsForwarded() {
        ByteBuf reply = echo(NATIVE, CLIENT, true, 16);
        String replyHex = ByteBufUtil.hexDump(reply);
        server.receive(reply, RELAY, 3545);
        ByteBuf relayBubble = bubble(v6("fe80::1234:5678:9abc:def0"), CLIENT);
        String bubbleHex = ByteBufUtil.hexDump(relayBubble);
        server.receive(relayBubble, RELAY, 3545);

        var sent = server.sent();
        assertThat(sent).hasSize(2);
        // ORIG(3545, 198.51.100.3): f226 + ~c6336403 = 39cc9bfc
        assertThat(ByteBufUtil.hexDump(sent.get(0).content())).isEqualTo("0000f22639cc9bfc" + replyHex);
        assertThat(ByteBufUtil.hexDump(sent.get(1).content())).isEqualTo("0000f22639cc9bfc" + bubbleHex);
        assertThat(sent).allSatisfy(s -> assertThat(s.recipient()).isEqualTo(new InetSocketAddress(ip(NAT), NAT_PORT)));
        assertThat(server.count(Counter.SERVER_FORWARDED_ICMPV6)).isEqualTo(1);
        sent.forEach(s -> s.packet().release());
    }

    /** R-5.3.1-orig: to a client of another server, no origin indication is added. */
    @Test
    void noOriginIndicationForAnotherServersClient() {
        ByteBuf in = bubble(CLIENT, FOREIGN);
        String bubbleHex = ByteBufUtil.hexDump(in);
        server.receive(in, NAT, NAT_PORT);

        ServerHarness.Sent out = server.sentOne();
        assertThat(out.recipient()).isEqualTo(new InetSocketAddress(ip("192.0.2.1"), 4096));
        assertThat(ByteBufUtil.hexDump(out.content())).isEqualTo(bubbleHex);
        out.packet().release();
    }

    /**
     * R-5.3.1-c7: a Teredo source whose embedded port differs from the UDP port; a non-Teredo source to a
     * client of another server; a non-Teredo source to a native destination. Nothing forwarded.
     */
    @Test
    void everythingElseIsDiscarded() {
        server.receive(bubble(CLIENT, CLIENT2), NAT, NAT_PORT + 1);
        server.receive(bubble(CLIENT, CLIENT2), "198.51.100.21", NAT_PORT);
        server.receive(echo(NATIVE, FOREIGN, true, 8), RELAY, 3545);
        server.receive(echo(NATIVE, v6("2001:db8:7::1"), false, 8), RELAY, 3545);

        server.assertSilent();
        assertThat(server.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(2);
        assertThat(server.dropped(DropReason.NOT_ACCEPTED)).isEqualTo(2);
    }

    /**
     * R-5.3.1-check: rules c1 to c7 in order, the first that matches decides. Each packet here matches a later
     * rule that would accept it too, and is dropped by the earlier one: a truncated packet from a valid client
     * (c1 before c5), TCP from a non-global IPv4 (c2 before c3), an RS and a bubble whose Teredo source embeds
     * the non-global IPv4 it came from (c3 before c4 and c5).
     */
    @Test
    void theFirstMatchingRuleDecides() {
        ByteBuf truncated = echo(CLIENT, CLIENT2, false, 8);
        server.receive(truncated.writerIndex(truncated.writerIndex() - 1), NAT, NAT_PORT);
        server.receive(ipv6(CLIENT, NATIVE, 6, 64, 20), "10.1.2.3", NAT_PORT);
        long[] lanClient = teredo(Packets.PRIMARY, 0, "192.168.77.2", 40000);
        server.receive(Packets.rs(Packets.RS_RESTRICTED, 7L), "192.168.77.2", 40000);
        server.receive(bubble(lanClient, CLIENT), "192.168.77.2", 40000);

        server.assertSilent();
        assertThat(server.dropped(DropReason.MALFORMED_IPV6)).isEqualTo(1);
        assertThat(server.dropped(DropReason.NOT_BUBBLE_OR_ICMPV6)).isEqualTo(1);
        assertThat(server.dropped(DropReason.NON_GLOBAL_SOURCE)).isEqualTo(2);
    }

    /** R-5.3.1-c1, R-5.1.1-demux: not a well-formed Teredo packet: no output at all. */
    @Test
    void malformedPayloadsAreDiscarded() {
        server.receive(Unpooled.copiedBuffer("hello".getBytes()), NAT, NAT_PORT);
        ByteBuf short39 = bubble(CLIENT, CLIENT2);
        server.receive(short39.writerIndex(39), NAT, NAT_PORT);
        ByteBuf plenTooLong = echo(CLIENT, CLIENT2, false, 8);
        plenTooLong.setShort(4, 17);
        server.receive(plenTooLong, NAT, NAT_PORT);
        server.receive(hex("0002 0000" + "00".repeat(40)), NAT, NAT_PORT);
        server.receive(hex("0001 00 00 0102"), NAT, NAT_PORT); // truncated auth
        server.receive(ipv6(CLIENT, CLIENT2, 58, 64, 2), NAT, NAT_PORT); // ICMPv6 without type/code/checksum

        server.assertSilent();
        assertThat(server.totalDrops()).isEqualTo(6);
        assertThat(server.dropped(DropReason.NOT_TEREDO)
                        + server.dropped(DropReason.MALFORMED_TEREDO)
                        + server.dropped(DropReason.MALFORMED_IPV6))
                .isEqualTo(6);
    }

    /**
     * R-5.3.1-c2, R-5.3-limited, R-5.4.3-relay (pure server): TCP, UDP and ICMPv6 behind an extension
     * header from a valid client are never forwarded, to Teredo or native destinations, small or large.
     */
    @ParameterizedTest(name = "next header {0}")
    @ValueSource(ints = {6, 17, 0, 43, 60})
    void otherProtocolsAreNeverForwarded(int nextHeader) {
        server.receive(ipv6(CLIENT, NATIVE, nextHeader, 64, 20), NAT, NAT_PORT);
        server.receive(ipv6(CLIENT, CLIENT2, nextHeader, 64, 20), NAT, NAT_PORT);
        server.receive(ipv6(CLIENT, NATIVE, nextHeader, 64, 1200), NAT, NAT_PORT);

        server.assertSilent();
        assertThat(server.dropped(DropReason.NOT_BUBBLE_OR_ICMPV6)).isEqualTo(3);
    }

    /** M1: ICMPv6 is forwarded up to an IPv6 payload of 88 bytes and dropped above, towards both kinds of destination. */
    @Test
    void largeIcmpv6IsNotForwarded() {
        server.receive(echo(CLIENT, CLIENT2, false, 80), NAT, NAT_PORT); // plen 88
        server.receive(echo(CLIENT, NATIVE, false, 80), NAT, NAT_PORT);
        ServerHarness.Sent forwarded = server.sentOne();
        assertThat(forwarded.content().readableBytes()).isEqualTo(8 + 40 + 88);
        forwarded.packet().release();
        assertThat(server.nativeWritten).hasSize(1);

        server.receive(echo(CLIENT, CLIENT2, false, 81), NAT, NAT_PORT); // plen 89
        server.receive(echo(CLIENT, NATIVE, false, 81), NAT, NAT_PORT);
        server.receive(echo(CLIENT, NATIVE, false, 1192), NAT, NAT_PORT);
        assertThat(server.sent()).isEmpty();
        assertThat(server.nativeWritten).hasSize(1);
        assertThat(server.dropped(DropReason.PAYLOAD_TOO_LARGE)).isEqualTo(3);
    }

    /**
     * R-5.3.1-native, R-5.3.1-c5: an echo request from a client to a native host goes to the native output
     * as the bare IPv6 packet, unchanged (headers and trailers cut off), and nothing goes over UDP.
     */
    @Test
    void echoRequestToNativeGoesToTheNativeOutput() {
        ByteBuf request = echo(CLIENT, NATIVE, false, 18);
        String requestHex = ByteBufUtil.hexDump(request);
        ByteBuf datagram = Unpooled.buffer();
        datagram.writerIndex(TeredoHeaders.writeAuth(datagram.ensureWritable(13), 0, 42, 0));
        datagram.writeBytes(request).writeBytes(new byte[] {1, 4, 9, 9, 9, 9});
        request.release();
        server.receive(datagram, NAT, NAT_PORT);

        assertThat(server.sent()).isEmpty();
        assertThat(server.nativeWritten).hasSize(1);
        assertThat(ByteBufUtil.hexDump(server.nativeWritten.get(0))).isEqualTo(requestHex);
        assertThat(server.count(Counter.NATIVE_TX_PACKETS)).isEqualTo(1);
        assertThat(server.count(Counter.NATIVE_TX_BYTES)).isEqualTo(40 + 26);
    }

    /** A refused native write is counted; with native forwarding off nothing is written at all. */
    @Test
    void nativeOutputRefusalsAndSwitchOff() {
        server.nativeAccepts = false;
        server.receive(echo(CLIENT, NATIVE, false, 8), NAT, NAT_PORT);
        assertThat(server.dropped(DropReason.NATIVE_WRITE_FAILED)).isEqualTo(1);

        ServerSettings lab = Packets.labSettings();
        ServerSettings off =
                new ServerSettings(lab.primaryIpv4(), lab.secondaryIpv4(), lab.prefix(), 1280, 88, 64, 0, false);
        try (ServerHarness noNative = new ServerHarness(off)) {
            noNative.receive(echo(CLIENT, NATIVE, false, 8), NAT, NAT_PORT);
            noNative.assertSilent();
            assertThat(noNative.dropped(DropReason.NOT_RELAYED)).isEqualTo(1);
        }
    }

    /**
     * R-5.3 ("bubbles, echo requests and echo replies"): other ICMPv6 types are not relayed, neither are
     * bubbles towards native hosts.
     */
    @ParameterizedTest(name = "ICMPv6 type {0}")
    @ValueSource(
            ints = {
                Icmpv6.TYPE_DESTINATION_UNREACHABLE,
                Icmpv6.TYPE_ROUTER_ADVERTISEMENT,
                Icmpv6.TYPE_REDIRECT,
                130,
                135
            })
    void onlyEchoMessagesAreRelayed(int type) {
        ByteBuf packet = echo(CLIENT, CLIENT2, false, 8);
        packet.setByte(40, type);
        Icmpv6.fillChecksum(packet, 0);
        server.receive(packet, NAT, NAT_PORT);
        server.receive(bubble(CLIENT, NATIVE), NAT, NAT_PORT);

        server.assertSilent();
        assertThat(server.dropped(DropReason.NOT_RELAYED)).isEqualTo(2);
    }

    /** R-5.3.1-nonglobal: never forwarded to a destination that is not of global scope. */
    @ParameterizedTest
    @ValueSource(strings = {"fe80::1", "ff0e::1", "ff02::1", "::1", "::", "fec0::1"})
    void nonGlobalDestinationsAreNotForwarded(String destination) {
        server.receive(bubble(CLIENT, v6(destination)), NAT, NAT_PORT);
        server.receive(echo(CLIENT, v6(destination), false, 8), NAT, NAT_PORT);

        server.assertSilent();
        assertThat(server.dropped(DropReason.NOT_GLOBAL_SCOPE)).isEqualTo(2);
    }

    /** R-5.3.1-g4: a Teredo destination embedding a non-global IPv4 (or port 0) gets nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "192.168.77.2", "224.0.0.253", "0.0.0.0"})
    void nonGlobalEmbeddedIpv4IsNotSentTo(String embedded) {
        server.receive(bubble(CLIENT, teredo(Packets.PRIMARY, 0, embedded, 40000)), NAT, NAT_PORT);
        server.receive(bubble(CLIENT, teredo(Packets.PRIMARY, 0, "198.51.100.30", 0)), NAT, NAT_PORT);

        server.assertSilent();
        assertThat(server.dropped(DropReason.NON_GLOBAL_DESTINATION)).isEqualTo(2);
    }

    /** M2: datagrams from our own addresses' port 3544 are dropped, and so is anything that would be sent there. */
    @Test
    void localLoopsAreDropped() {
        long[] primaryItself = teredo(Packets.PRIMARY, 0, Packets.PRIMARY, 3544);
        long[] secondaryItself = teredo(Packets.PRIMARY, 0, Packets.SECONDARY, 3544);
        server.receive(bubble(primaryItself, CLIENT), Packets.PRIMARY, 3544);
        server.receive(bubble(secondaryItself, CLIENT), Packets.SECONDARY, 3544);
        server.receive(bubble(CLIENT, primaryItself), NAT, NAT_PORT);
        server.receive(bubble(CLIENT, secondaryItself), NAT, NAT_PORT);

        server.assertSilent();
        assertThat(server.dropped(DropReason.LOCAL_LOOP)).isEqualTo(4);
    }

    /** M2 is narrow on purpose: a relay on this host (own address, port 3545) still gets its bubbles through. */
    @Test
    void colocatedRelayIsNotALoop() {
        server.receive(bubble(v6("fe80::1"), CLIENT), Packets.PRIMARY, 3545);
        ServerHarness.Sent out = server.sentOne();
        assertThat(ByteBufUtil.hexDump(out.content(), 0, 8)).isEqualTo("0000f226" + "39cc9bfe");
        out.packet().release();
    }

    /** R6081-4-server: trailers after an indirect bubble pass through byte for byte; too many bytes are refused. */
    @Test
    void trailersPassThroughUnchanged() {
        byte[] nonceAndRandomPort = {
            0x01, 0x04, (byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x05, 0x02, 0x04, (byte) 0xb1
        };
        ByteBuf in = bubble(CLIENT2, CLIENT, nonceAndRandomPort);
        String inHex = ByteBufUtil.hexDump(in);
        server.receive(in, CLIENT2_IP, CLIENT2_PORT);
        ServerHarness.Sent out = server.sentOne();
        assertThat(ByteBufUtil.hexDump(out.content())).isEqualTo("0000f22639cc9bf5" + inHex);
        assertThat(inHex).endsWith("0104deadbeef050204b1");
        out.packet().release();

        server.receive(bubble(CLIENT2, CLIENT, new byte[65]), CLIENT2_IP, CLIENT2_PORT);
        server.assertSilent();
        assertThat(server.dropped(DropReason.TRAILER_TOO_LONG)).isEqualTo(1);
    }

    /** Headers the client put in front (AUTH, ORIG) are not forwarded; the server writes its own ORIG. */
    @Test
    void incomingTeredoHeadersAreReplaced() {
        ByteBuf in = bubble(CLIENT2, CLIENT);
        String bubbleHex = ByteBufUtil.hexDump(in);
        server.receive(withOrigin(in, "203.0.113.9", 9), CLIENT2_IP, CLIENT2_PORT);
        ServerHarness.Sent out = server.sentOne();
        assertThat(ByteBufUtil.hexDump(out.content())).isEqualTo("0000f22639cc9bf5" + bubbleHex);
        out.packet().release();
    }

    /** R-4-zbits, R5991-3.1-rx, R5991-3.2-ignore: random flag bits and the cone bit change nothing in forwarding. */
    @ParameterizedTest(name = "flags {0}")
    @ValueSource(ints = {0x0000, 0x3CFF, 0x8000, 0xFFFF})
    void flagBitsAreOpaque(int flags) {
        long[] source = teredo(Packets.PRIMARY, flags, CLIENT2_IP, CLIENT2_PORT);
        long[] destination = teredo(Packets.PRIMARY, flags, NAT, NAT_PORT);
        server.receive(bubble(source, destination), CLIENT2_IP, CLIENT2_PORT);
        server.receive(echo(source, destination, false, 8), CLIENT2_IP, CLIENT2_PORT);

        var sent = server.sent();
        assertThat(sent).hasSize(2).allSatisfy(s -> {
            assertThat(s.from()).isEqualTo(ServerEndpoint.PRIMARY);
            assertThat(s.recipient()).isEqualTo(new InetSocketAddress(ip(NAT), NAT_PORT));
            assertThat(ByteBufUtil.hexDump(s.content(), 0, 8)).isEqualTo("0000f22639cc9bf5");
        });
        sent.forEach(s -> s.packet().release());
    }
}
