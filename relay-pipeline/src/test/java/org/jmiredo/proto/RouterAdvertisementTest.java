package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * The RA of CONFORMANCE §10.7 with Miredo's values (M4): R-5.3.2-prefix, R-5.3.2-src, R-5.3.2-dst,
 * R-5.3.2-mapping, R-5.3.2-nonceecho, R-5.1.2-mtu, R-5.1.1-order; parsing per R-5.2.1-ravalid, -rapio.
 */
class RouterAdvertisementTest {
    /**
     * AUTH (RS nonce 01..08, conf 0) + ORIG(40000, 198.51.100.20) + RA from server 198.51.100.1 to
     * fe80::ffff:ffff:ffff with PIO 2001:0:c633:6401::/64 and MTU 1280: 117 bytes. Built in Python from
     * the §10.7 table; tcpdump decoded it as that RA and reported "icmp6 sum ok".
     */
    static final String RA_PAYLOAD = "00010000 0102030405060708 00" // AUTH
            + "0000 63bf 39cc9beb" // ORIG
            + "60000000 0038 3a ff fe800000000000008000f22739cc9bfe fe800000000000000000ffffffffffff" // IPv6
            + "86 00 954c 00 00 0000 00000000 000007d0" // RA: type, code, checksum, hop limit .. retrans timer
            + "03 04 40 40 ffffffff ffffffff 00000000 20010000c6336401 0000000000000000" // PIO
            + "05 01 0000 00000500"; // MTU
    /** The same RA without MTU option and without Teredo headers (88 bytes), same provenance. */
    static final String RA_WITHOUT_MTU = "60000000 0030 3a ff fe800000000000008000f22739cc9bfe"
            + "fe800000000000000000ffffffffffff 86 00 9f55 00 00 0000 00000000 000007d0"
            + "03 04 40 40 ffffffff ffffffff 00000000 20010000c6336401 0000000000000000";

    private static final int SERVER = Hex.ipv4("198.51.100.1");
    private static final String CLIENT_LINK_LOCAL = RouterSolicitationTest.CLIENT_LINK_LOCAL;

    private static ByteBuf build(int mtu) {
        ByteBuf out = Unpooled.buffer();
        out.ensureWritable(21);
        TeredoHeaders.writeAuth(out, 0, 0x0102030405060708L, 0);
        TeredoHeaders.writeOrigin(out, 13, Hex.ipv4("198.51.100.20"), 40000);
        out.writerIndex(21);
        RouterAdvertisement.append(
                out, Teredo.PREFIX, SERVER, Hex.hi(CLIENT_LINK_LOCAL), Hex.lo(CLIENT_LINK_LOCAL), mtu);
        return out;
    }

    @Test
    void knownAnswer117Bytes() {
        ByteBuf ra = build(Teredo.MTU);
        try {
            assertThat(ra.readableBytes()).isEqualTo(117);
            assertThat(Ipv6.payloadLength(ra, 21)).isEqualTo(56);
            assertThat(Hex.of(ra)).isEqualTo(RA_PAYLOAD.replace(" ", ""));
            assertThat(Icmpv6.isValid(ra, 21, 96)).as("checksum").isTrue();
            assertThat(Icmpv6.checksum(ra, 61)).isEqualTo(0x954c);
            assertThat(RouterAdvertisement.length(Teredo.MTU)).isEqualTo(96);
        } finally {
            ra.release();
        }
    }

    /** R-5.1.1-order and what a client reads back: nonce echo, mapping, prefix, MTU. */
    @Test
    void clientReadsItBack() {
        ByteBuf ra = build(Teredo.MTU);
        try {
            TeredoHeaders headers = new TeredoHeaders();
            assertThat(headers.parse(ra)).isNull();
            assertThat(headers.authOffset()).isZero();
            assertThat(headers.originOffset()).isEqualTo(13);
            assertThat(headers.ipv6Offset()).isEqualTo(21);
            assertThat(headers.ipv6Length()).isEqualTo(96);
            assertThat(headers.trailerLength()).isZero();
            assertThat(headers.authNonce(ra)).isEqualTo(0x0102030405060708L);
            assertThat(headers.authConfirmation(ra)).isZero();
            assertThat(headers.originPort(ra)).isEqualTo(40000);
            assertThat(Ipv4.toString(headers.originIpv4(ra))).isEqualTo("198.51.100.20");

            assertThat(Ipv6.srcHi(ra, 21)).isEqualTo(Hex.hi("fe80::8000:f227:39cc:9bfe"));
            assertThat(Ipv6.srcLo(ra, 21)).isEqualTo(Hex.lo("fe80::8000:f227:39cc:9bfe"));
            assertThat(Ipv6.dstLo(ra, 21)).isEqualTo(Hex.lo(CLIENT_LINK_LOCAL));

            RouterAdvertisementParser parser = new RouterAdvertisementParser();
            assertThat(parser.parse(ra, 21, 96)).isTrue();
            assertThat(parser.prefixHi()).isEqualTo(Hex.hi("2001:0:c633:6401::"));
            assertThat(parser.mtu()).isEqualTo(1280);
        } finally {
            ra.release();
        }
    }

    @Test
    void withoutMtuOption() {
        ByteBuf ra = build(0);
        try {
            assertThat(ra.readableBytes()).isEqualTo(109);
            assertThat(Hex.of(ra, 21, 88)).isEqualTo(RA_WITHOUT_MTU.replace(" ", ""));
            RouterAdvertisementParser parser = new RouterAdvertisementParser();
            assertThat(parser.parse(ra, 21, 88)).isTrue();
            assertThat(parser.mtu()).isZero();
        } finally {
            ra.release();
        }
    }

    private static final String PIO = "03044040ffffffffffffffff0000000020010000c6336401" + "0000000000000000";
    private static final String MTU = "0501000000000500";

    /** An RA with the given options, valid checksum, at offset 0. */
    private static ByteBuf withOptions(String options) {
        ByteBuf ra = Hex.buf("6000000000003aff" + "fe800000000000008000f22739cc9bfe"
                + "fe800000000000000000ffffffffffff" + "86 00 0000 00 00 0000 00000000 000007d0" + options);
        ra.setShort(Ipv6.PAYLOAD_LENGTH_OFFSET, ra.readableBytes() - 40);
        Icmpv6.fillChecksum(ra, 0);
        return ra;
    }

    private static boolean parses(ByteBuf ra) {
        try {
            return new RouterAdvertisementParser().parse(ra, 0, ra.readableBytes());
        } finally {
            ra.release();
        }
    }

    @Test
    void parserChecks() {
        assertThat(parses(withOptions(PIO + MTU))).isTrue();
        assertThat(parses(withOptions(MTU + PIO))).as("order of options").isTrue();
        assertThat(parses(withOptions(PIO + "0101 aabbccddeeff")))
                .as("unknown option skipped")
                .isTrue();
        assertThat(parses(withOptions(MTU))).as("no PIO, R-5.2.1-rapio").isFalse();
        assertThat(parses(withOptions(PIO + PIO))).as("two PIOs, R-5.2.1-rapio").isFalse();
        assertThat(parses(withOptions(PIO.replace("03044040", "03043040"))))
                .as("prefix length 48")
                .isFalse();
        assertThat(parses(withOptions(PIO + "0500000000000500")))
                .as("option length 0")
                .isFalse();
        assertThat(parses(withOptions(PIO + "0502000000000500")))
                .as("option beyond the message")
                .isFalse();
        assertThat(parses(withOptions(PIO + "05"))).as("one byte left").isFalse();

        ByteBuf hopLimit = withOptions(PIO);
        hopLimit.setByte(Ipv6.HOP_LIMIT_OFFSET, 64);
        assertThat(parses(hopLimit)).as("hop limit 64, R-5.2.1-ravalid").isFalse();
        ByteBuf code = withOptions(PIO);
        code.setByte(41, 1);
        Icmpv6.fillChecksum(code, 0);
        assertThat(parses(code)).as("code 1").isFalse();
        ByteBuf checksum = withOptions(PIO);
        checksum.setByte(43, checksum.getByte(43) ^ 0x40);
        assertThat(parses(checksum)).as("checksum").isFalse();
        ByteBuf global = withOptions(PIO);
        global.setLong(Ipv6.SRC_OFFSET, Hex.hi("2001:db8::"));
        Icmpv6.fillChecksum(global, 0);
        assertThat(parses(global)).as("global source, R-5.2.1-rasrc").isFalse();
        ByteBuf solicitation = withOptions(PIO);
        solicitation.setByte(40, Icmpv6.TYPE_ROUTER_SOLICITATION);
        Icmpv6.fillChecksum(solicitation, 0);
        assertThat(parses(solicitation)).as("type 133").isFalse();
        ByteBuf shortOne = Hex.buf("6000000000083aff" + "fe800000000000008000f22739cc9bfe"
                + "fe800000000000000000ffffffffffff" + "8600000000000000");
        Icmpv6.fillChecksum(shortOne, 0);
        assertThat(parses(shortOne)).as("8-byte RA").isFalse();
    }
}
