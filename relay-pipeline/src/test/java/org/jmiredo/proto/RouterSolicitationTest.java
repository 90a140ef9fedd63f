package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The RS of CONFORMANCE §10.7 (R-5.2.1-rs) and the server's acceptance checks (R-5.3.1-c4). */
class RouterSolicitationTest {
    /**
     * AUTH (nonce 01..08, conf 0) + RS from Miredo's restricted link-local fe80::ffff:ffff:ffff (M9) to
     * ff02::2: 61 bytes. Built in Python from the §10.7 table; tcpdump reported "icmp6 sum ok".
     */
    static final String RS_PAYLOAD = "00010000010203040506070800"
            + "6000000000083afffe800000000000000000ffffffffffffff02000000000000000000000000000285007d3700000000";

    static final String CLIENT_LINK_LOCAL = "fe80::ffff:ffff:ffff";

    @Test
    void knownAnswerWithAuthentication() {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writerIndex(TeredoHeaders.writeAuth(out.ensureWritable(13), 0, 0x0102030405060708L, 0));
            int written = RouterSolicitation.append(out, Hex.hi(CLIENT_LINK_LOCAL), Hex.lo(CLIENT_LINK_LOCAL));
            assertThat(written).isEqualTo(48).isEqualTo(RouterSolicitation.LENGTH);
            assertThat(out.readableBytes()).isEqualTo(61);
            assertThat(Hex.of(out)).isEqualTo(RS_PAYLOAD);
            TeredoHeaders headers = new TeredoHeaders();
            assertThat(headers.parse(out)).isNull();
            assertThat(headers.ipv6Offset()).isEqualTo(13);
            assertThat(RouterSolicitation.isValid(out, 13, 48)).isTrue();
            assertThat(RouterSolicitation.coneBit(out, 13)).isFalse();
        } finally {
            out.release();
        }
    }

    /** R-5.2.1-rs: the RFC 4380 cone probe sets 0x80 of address byte 8 (Miredo's cone address, M9). */
    @Test
    void coneBitOfTheSource() {
        ByteBuf out = Unpooled.buffer();
        try {
            RouterSolicitation.append(out, Ipv6.LINK_LOCAL_HI, Hex.lo("fe80::8000:5445:5245:444f"));
            assertThat(RouterSolicitation.coneBit(out, 0)).isTrue();
            assertThat(RouterSolicitation.isValid(out, 0, 48)).isTrue();
        } finally {
            out.release();
        }
    }

    /** Each check on its own: the change is made and, where it is covered, the checksum recomputed. */
    @Test
    void rejectsEachViolation() {
        assertRejected("hop limit 64", rs -> rs.setByte(13 + Ipv6.HOP_LIMIT_OFFSET, 64));
        assertRejected("global source", rs -> rs.setLong(13 + Ipv6.SRC_OFFSET, Hex.hi("2001:db8::")), true);
        assertRejected("destination ff02::1", rs -> rs.setLong(13 + Ipv6.DST_OFFSET + 8, 1), true);
        assertRejected("type 134", rs -> rs.setByte(13 + 40, 134), true);
        assertRejected("code 1", rs -> rs.setByte(13 + 41, 1), true);
        assertRejected("checksum", rs -> rs.setByte(13 + 43, rs.getByte(13 + 43) ^ 1));
        assertRejected("next header 59", rs -> rs.setByte(13 + Ipv6.NEXT_HEADER_OFFSET, 59));
        assertRejected("payload length 4", rs -> rs.setShort(13 + Ipv6.PAYLOAD_LENGTH_OFFSET, 4), true);
    }

    @Test
    void rejectsTruncated() {
        ByteBuf rs = Hex.buf(RS_PAYLOAD);
        try {
            assertThat(RouterSolicitation.isValid(rs, 13, 47)).isFalse();
        } finally {
            rs.release();
        }
    }

    /** R-5.3.1-local: an RS to the server's own link-local address is accepted only when asked for. */
    @Test
    void ownLinkLocalDestination() {
        long ownLo = RouterAdvertisement.serverLinkLocalLo(Hex.ipv4("198.51.100.1"));
        ByteBuf rs = Hex.buf(RS_PAYLOAD);
        try {
            rs.setLong(13 + Ipv6.DST_OFFSET, Ipv6.LINK_LOCAL_HI).setLong(13 + Ipv6.DST_OFFSET + 8, ownLo);
            Icmpv6.fillChecksum(rs, 13);
            assertThat(RouterSolicitation.isValid(rs, 13, 48)).isFalse();
            assertThat(RouterSolicitation.isValid(rs, 13, 48, Ipv6.LINK_LOCAL_HI, ownLo))
                    .isTrue();
        } finally {
            rs.release();
        }
    }

    private static void assertRejected(String what, Consumer<ByteBuf> change) {
        assertRejected(what, change, false);
    }

    private static void assertRejected(String what, Consumer<ByteBuf> change, boolean fixChecksum) {
        ByteBuf rs = Hex.buf(RS_PAYLOAD);
        try {
            change.accept(rs);
            if (fixChecksum) {
                Icmpv6.fillChecksum(rs, 13);
            }
            assertThat(RouterSolicitation.isValid(rs, 13, 48)).as(what).isFalse();
        } finally {
            rs.release();
        }
    }
}
