package org.jmiredo.pipeline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jmiredo.engine.server.Packets.CLIENT;
import static org.jmiredo.engine.server.Packets.NAT;
import static org.jmiredo.engine.server.Packets.NAT_PORT;
import static org.jmiredo.engine.server.Packets.RS_CONE;
import static org.jmiredo.engine.server.Packets.RS_RESTRICTED;
import static org.jmiredo.engine.server.Packets.echo;
import static org.jmiredo.engine.server.Packets.hex;
import static org.jmiredo.engine.server.Packets.ip;
import static org.jmiredo.engine.server.Packets.ipv4;
import static org.jmiredo.engine.server.Packets.rs;
import static org.jmiredo.engine.server.Packets.v6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.jmiredo.engine.server.Packets;
import org.jmiredo.engine.server.ServerEndpoint;
import org.jmiredo.engine.server.ServerSettings;
import org.jmiredo.metrics.Counter;
import org.jmiredo.metrics.DropReason;
import org.jmiredo.proto.Icmpv6;
import org.jmiredo.proto.Ipv6;
import org.jmiredo.proto.RouterSolicitation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RS -> RA through the server's handlers (RFC 4380 §5.3.1 rule 4, §5.3.2); each test names its rows. */
class RouterSolicitationTest {
    static final long NONCE = 0x0102_0304_0506_0708L;
    /** CONFORMANCE §10.7 with the lab values: AUTH, ORIG(40000, 198.51.100.20), RA; checksum left as XXXX. */
    static final String RA_WITH_AUTH = ""
            + "0001 0000 0102030405060708 00" // AUTH: nonce echoed, conf 0
            + "0000 63bf 39cc9beb" // ORIG: ~40000, ~198.51.100.20
            + "6000 0000 0038 3a ff" // IPv6: plen 56, ICMPv6, hlim 255
            + "fe80 0000 0000 0000 8000 f227 39cc 9bfe" // src: fe80::8000:f227:~198.51.100.1
            + "fe80 0000 0000 0000 0000 ffff ffff ffff" // dst: the RS source
            + "86 00 XXXX 00 00 0000 00000000 000007d0" // RA, Miredo values (M4)
            + "03 04 40 40 ffffffff ffffffff 00000000" // PIO /64, A flag, infinite
            + "2001 0000 c633 6401 0000 0000 0000 0000" // 2001:0:c633:6401::/64
            + "05 01 0000 00000500"; // MTU 1280

    ServerHarness server = new ServerHarness();

    @AfterEach
    void close() {
        server.close();
    }

    /**
     * R-5.3.2-udp: an RA that the primary socket refuses (its send queue above the high-water mark) is counted
     * as udp_write_failed only, not as sent as well: jmiredo_router_advertisements_sent_total counts what left.
     */
    @Test
    void anRaTheSocketRefusesIsNotCountedAsSent() {
        server.primary.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 8));
        server.primary.write(Unpooled.buffer(16).writeZero(16)); // held unflushed: the channel is unwritable
        assertThat(server.primary.isWritable()).isFalse();
        server.receive(rs(RS_RESTRICTED, NONCE), NAT, NAT_PORT);
        assertThat(server.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(1);
        assertThat(server.count(Counter.ROUTER_ADVERTISEMENTS_TX))
                .as("RAs sent")
                .isZero();
    }

    /**
     * An RA the kernel refuses at the flush (a firewall's EPERM in sendmmsg), here from the other address (cone
     * bit): counted once, as udp_write_failed, neither as a datagram nor as an RA sent (from the other address).
     */
    @Test
    void anRaTheKernelRefusesCountsOnceAsWriteFailed() {
        server.secondary.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IOException("sendmmsg: Operation not permitted"));
            }
        });
        server.receive(rs(RS_CONE, NONCE), NAT, NAT_PORT);

        assertThat(server.sent()).isEmpty();
        assertThat(server.dropped(DropReason.UDP_WRITE_FAILED)).isEqualTo(1);
        assertThat(server.count(Counter.UDP_TX_PACKETS)).isZero();
        assertThat(server.count(Counter.ROUTER_ADVERTISEMENTS_TX)).isZero();
        assertThat(server.count(Counter.ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS)).isZero();
        server.receive(rs(RS_RESTRICTED, NONCE), NAT, NAT_PORT); // from the primary, which sends
        server.sentOne().packet().release();
        assertThat(server.count(Counter.UDP_TX_PACKETS)).isEqualTo(1);
        assertThat(server.count(Counter.ROUTER_ADVERTISEMENTS_TX)).isEqualTo(1);
    }

    /**
     * R-5.3-router, R-5.3.1-c4, R-5.3.2-mapping, R-5.1.1-origfmt, R-5.3.2-prefix, R-5.3.2-src,
     * R5991-3.2-ownc (byte 8 of the source = 0x80), R-5.3.2-dst, R-5.3.2-udp, R-5.3.2-nonceecho,
     * R-5.3.2-authecho (nonce), R-5.3.2-conf, R-5.1.1-order, R-5.1.2-mtu, M4: the RA, byte for byte.
     */
    @Test
    void rsWithAuthGetsTheExactRa() {
        server.receive(rs(RS_RESTRICTED, NONCE), NAT, NAT_PORT);

        ServerHarness.Sent ra = server.sentOne();
        assertThat(ra.from()).as("C=0: same address").isEqualTo(ServerEndpoint.PRIMARY);
        assertThat(ra.recipient()).isEqualTo(new InetSocketAddress(ip(NAT), NAT_PORT));
        byte[] bytes = ByteBufUtil.getBytes(ra.content());
        assertThat(bytes).hasSize(117);
        int checksumAt = 13 + 8 + 40 + 2;
        String checksum = ByteBufUtil.hexDump(bytes, checksumAt, 2);
        assertThat(ByteBufUtil.hexDump(bytes))
                .isEqualTo(RA_WITH_AUTH.replace("XXXX", checksum).replace(" ", ""));
        assertThat(Packets.oracleChecksum(java.util.Arrays.copyOfRange(bytes, 21, 117)))
                .as("checksum verifies")
                .isZero();
        assertThat(bytes[21 + 8 + 8] & 0xFF)
                .as("R5991-3.2-ownc: cone bit of the RA source")
                .isEqualTo(0x80);
        assertThat(server.count(Counter.ROUTER_SOLICITATIONS_RX)).isEqualTo(1);
        assertThat(server.count(Counter.ROUTER_ADVERTISEMENTS_TX)).isEqualTo(1);
        assertThat(server.totalDrops()).isZero();
        ra.packet().release();
    }

    /** R-5.1.1-authnull, M3: without an auth header the RA has none either (as Miredo's current server.c). */
    @Test
    void rsWithoutAuthGetsRaWithoutAuth() {
        server.receive(rs(RS_RESTRICTED, null), NAT, NAT_PORT);

        ServerHarness.Sent ra = server.sentOne();
        String expected = RA_WITH_AUTH.replace(" ", "").substring(26);
        String actual = ByteBufUtil.hexDump(ra.content());
        assertThat(actual).hasSize(expected.length());
        assertThat(actual).isEqualTo(expected.replace("XXXX", actual.substring(2 * (8 + 40 + 2), 2 * (8 + 40 + 4))));
        ra.packet().release();
    }

    /**
     * R-5.1.1-authfmt, R-5.3.2-nonceecho, M3: an RS with client credentials (ID-len 3, AU-len 20) is
     * parsed past them and its nonce echoed; no secure qualification, so the RA's ID and AU are empty.
     */
    @Test
    void credentialsAreSkippedAndTheNonceEchoed() {
        ByteBuf auth = hex("0001 03 14 aabbcc" + "11".repeat(20) + "0102030405060708 00");
        ByteBuf rs = io.netty.buffer.Unpooled.buffer().writeBytes(auth);
        auth.release();
        RouterSolicitation.append(rs, RS_RESTRICTED[0], RS_RESTRICTED[1]);
        server.receive(rs, NAT, NAT_PORT);

        ServerHarness.Sent ra = server.sentOne();
        assertThat(ByteBufUtil.hexDump(ra.content(), 0, 21))
                .isEqualTo("000100000102030405060708000000" + "63bf39cc9beb");
        ra.packet().release();
    }

    /**
     * R-5.3-listen, R-5.3.2-cone, R5991-3.2-server: C=1 -> the other address, C=0 -> the same one,
     * whichever address the RS arrived on; port 3544 on both (K13).
     */
    @ParameterizedTest(name = "RS C={1} to {0} -> RA from {2}")
    @CsvSource({
        "PRIMARY, false, PRIMARY",
        "PRIMARY, true, SECONDARY",
        "SECONDARY, false, SECONDARY",
        "SECONDARY, true, PRIMARY",
    })
    void answeringAddressFollowsTheConeBit(ServerEndpoint arrivedOn, boolean cone, ServerEndpoint answeredFrom) {
        server.receive(arrivedOn, rs(cone ? RS_CONE : RS_RESTRICTED, NONCE), NAT, NAT_PORT);

        ServerHarness.Sent ra = server.sentOne();
        assertThat(ra.from()).isEqualTo(answeredFrom);
        assertThat(ra.recipient()).isEqualTo(new InetSocketAddress(ip(NAT), NAT_PORT));
        assertThat(ByteBufUtil.hexDump(ra.content(), 13 + 8 + 24, 16))
                .as("R-5.3.2-dst")
                .isEqualTo(cone ? "fe80000000000000800054455245444f" : "fe800000000000000000ffffffffffff");
        assertThat(ByteBufUtil.hexDump(ra.content(), 13 + 8 + 40 + 16 + 16, 8))
                .as("R-5.3.2-prefix: always the primary address")
                .isEqualTo("20010000c6336401");
        assertThat(server.count(Counter.ROUTER_ADVERTISEMENTS_TX_OTHER_ADDRESS)).isEqualTo(cone ? 1 : 0);
        ra.packet().release();
    }

    /** R-5.3.1-c3, R-5.3.2-g4: no RA towards a non-global IPv4 (spoofed or hairpinned sources). */
    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "192.168.77.2", "127.0.0.1", "224.0.0.1", "169.254.1.1", "0.0.0.0"})
    void noRaToNonGlobalSources(String source) {
        server.receive(rs(RS_RESTRICTED, NONCE), source, NAT_PORT);

        server.assertSilent();
        assertThat(server.dropped(DropReason.NON_GLOBAL_SOURCE)).isEqualTo(1);
    }

    /** R-5.3.1-c4 (RFC 4861 §6.1.1 validity): bad checksum, hop limit 64, code 1: no RA. */
    @Test
    void invalidSolicitationsAreNotAnswered() {
        ByteBuf badChecksum = rs(RS_RESTRICTED, NONCE);
        badChecksum.setByte(13 + 40 + 3, badChecksum.getByte(13 + 40 + 3) ^ 1);
        ByteBuf hopLimit64 = rs(RS_RESTRICTED, NONCE);
        hopLimit64.setByte(13 + 7, 64);
        ByteBuf code1 = rs(RS_RESTRICTED, null);
        code1.setByte(41, 1);
        Icmpv6.fillChecksum(code1, 0);

        server.receive(badChecksum, NAT, NAT_PORT);
        server.receive(hopLimit64, NAT, NAT_PORT);
        server.receive(code1, NAT, NAT_PORT);

        server.assertSilent();
        assertThat(server.dropped(DropReason.INVALID_ROUTER_SOLICITATION)).isEqualTo(3);
        assertThat(server.count(Counter.ROUTER_SOLICITATIONS_RX)).isZero();
    }

    /**
     * R-5.3.1-local: an RS to the server's own link-local address is answered like one to ff02::2.
     * M5 (recorded): an echo request to that address is not answered, as Miredo.
     */
    @Test
    void solicitationToOurLinkLocalIsAnsweredButNotEchoRequests() {
        long[] ours = v6("fe80::8000:f227:39cc:9bfe");
        ByteBuf rs = rs(RS_RESTRICTED, NONCE);
        rs.setLong(13 + 24, ours[0]).setLong(13 + 32, ours[1]);
        Icmpv6.fillChecksum(rs, 13);
        server.receive(rs, NAT, NAT_PORT);
        server.sentOne().packet().release();

        server.receive(echo(CLIENT, ours, false, 8), NAT, NAT_PORT);
        server.assertSilent();
        assertThat(server.dropped(DropReason.UNHANDLED_LOCAL)).isEqualTo(1);
    }

    /**
     * R-5.3.1-c5 then R-5.3.1-local: an RS from the client's own Teredo address whose mapping matches the
     * datagram's source is accepted by rule 5 and processed like one from a link-local source, as
     * miredo-server answers it; with a mapping that does not match it is rule 7's.
     */
    @Test
    void solicitationFromTheClientsOwnTeredoAddressIsAnswered() {
        server.receive(rs(CLIENT, NONCE), NAT, NAT_PORT);

        ServerHarness.Sent ra = server.sentOne();
        assertThat(ra.recipient()).isEqualTo(new InetSocketAddress(ip(NAT), NAT_PORT));
        assertThat(ByteBufUtil.hexDump(ra.content(), 13 + 8 + 24, 16))
                .as("R-5.3.2-dst: the RS source")
                .isEqualTo("20010000c6336401000063bf39cc9beb");
        assertThat(server.count(Counter.ROUTER_SOLICITATIONS_RX)).isEqualTo(1);
        assertThat(server.totalDrops()).isZero();
        ra.packet().release();

        server.receive(rs(CLIENT, NONCE), NAT, NAT_PORT + 1);
        server.assertSilent();
        assertThat(server.dropped(DropReason.MAPPING_MISMATCH)).isEqualTo(1);
    }

    /** R-5.3.1-c7: a link-local source that is not an RS, and a forged RA, are dropped. */
    @Test
    void linkLocalNonSolicitationsAreDropped() {
        server.receive(echo(RS_RESTRICTED, v6("ff02::2"), false, 8), NAT, NAT_PORT);
        ByteBuf ra = rs(RS_RESTRICTED, null);
        ra.setByte(40, Icmpv6.TYPE_ROUTER_ADVERTISEMENT);
        Icmpv6.fillChecksum(ra, 0);
        server.receive(ra, NAT, NAT_PORT);

        server.assertSilent();
        assertThat(server.dropped(DropReason.NOT_ACCEPTED)).isEqualTo(2);
    }

    /** M2: an RS "from" our own address and port 3544 is a loop; from another port it is a local client. */
    @Test
    void solicitationsFromOurOwnServicePortAreLoops() {
        server.receive(rs(RS_RESTRICTED, NONCE), Packets.PRIMARY, 3544);
        server.receive(rs(RS_RESTRICTED, NONCE), Packets.SECONDARY, 3544);
        server.assertSilent();
        assertThat(server.dropped(DropReason.LOCAL_LOOP)).isEqualTo(2);

        server.receive(rs(RS_RESTRICTED, NONCE), Packets.PRIMARY, 3545);
        ServerHarness.Sent ra = server.sentOne();
        assertThat(ra.recipient()).isEqualTo(new InetSocketAddress(ip(Packets.PRIMARY), 3545));
        ra.packet().release();
    }

    /** R-5.1.2-mtu, M4, M7: the MTU option follows the setting (0 leaves it out); the prefix is configurable. */
    @Test
    void mtuOptionAndPrefixFollowTheSettings() {
        ServerSettings lab = Packets.labSettings();
        ServerSettings custom =
                new ServerSettings(lab.primaryIpv4(), lab.secondaryIpv4(), 0x3FFE_831F, 1400, 88, 64, 0, true);
        ServerSettings noMtu =
                new ServerSettings(lab.primaryIpv4(), lab.secondaryIpv4(), lab.prefix(), 0, 88, 64, 0, true);
        try (ServerHarness a = new ServerHarness(custom);
                ServerHarness b = new ServerHarness(noMtu)) {
            a.receive(rs(RS_RESTRICTED, NONCE), NAT, NAT_PORT);
            b.receive(rs(RS_RESTRICTED, NONCE), NAT, NAT_PORT);

            ByteBuf withMtu = a.sentOne().content();
            assertThat(ByteBufUtil.hexDump(withMtu, 13 + 8 + 40 + 16 + 16, 8)).isEqualTo("3ffe831fc6336401");
            assertThat(ByteBufUtil.hexDump(withMtu, 109, 8)).isEqualTo("0501000000000578");
            assertThat(Packets.oracleChecksum(ByteBufUtil.getBytes(withMtu, 21, 96)))
                    .isZero();
            withMtu.release();
            ByteBuf without = b.sentOne().content();
            assertThat(without.readableBytes()).isEqualTo(109);
            assertThat(Ipv6.payloadLength(without, 21)).isEqualTo(48);
            assertThat(Packets.oracleChecksum(ByteBufUtil.getBytes(without, 21, 88)))
                    .isZero();
            without.release();
        }
    }

    /** R-5.3.2-mapping over many sources: each RA goes to, and carries, its own RS's mapping. */
    @Test
    void eachRaCarriesItsOwnMapping() {
        for (int i = 1; i <= 20; i++) {
            server.receive(rs(RS_RESTRICTED, (long) i), "203.0.113." + i, 1000 + i);
        }
        var all = server.sent();
        assertThat(all).hasSize(20);
        for (int i = 0; i < 20; i++) {
            ByteBuf ra = all.get(i).content();
            assertThat(ra.getLong(4)).isEqualTo(i + 1);
            assertThat(~ra.getUnsignedShort(15) & 0xFFFF).isEqualTo(1001 + i);
            assertThat(~ra.getInt(17)).isEqualTo(ipv4("203.0.113." + (i + 1)));
            all.get(i).packet().release();
        }
    }
}
