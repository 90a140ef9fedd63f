package org.jmiredo.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Destination Unreachable (RFC 4443 §3.1), its size limit (§2.4 (c)) and when not to send one (§2.4 (e)). */
class Icmpv6ErrorTest {
    /**
     * Address unreachable from the lab client's address about {@link Icmpv6Test#ECHO_REQUEST}, hop limit
     * 255; built in Python, checksum confirmed by tcpdump ("icmp6 sum ok").
     */
    static final String UNREACHABLE =
            "6000000000403aff20010000c6336401000063bf39cc9beb20010db80006000000000000000000200103b2ef00000000"
                    + Icmpv6Test.ECHO_REQUEST;

    private static final long RELAY_HI = Hex.hi(Icmpv6Test.CLIENT);
    private static final long RELAY_LO = Hex.lo(Icmpv6Test.CLIENT);

    /** An IPv6 packet of {@code total} bytes from 2001:db8:6::20 with the given next header and payload start. */
    private static ByteBuf packet(int total, int nextHeader, String payloadStart) {
        ByteBuf buf = Unpooled.buffer(total);
        Ipv6.writeHeader(
                buf,
                0,
                total - 40,
                nextHeader,
                64,
                Hex.hi(Icmpv6Test.NATIVE),
                Hex.lo(Icmpv6Test.NATIVE),
                RELAY_HI,
                RELAY_LO);
        byte[] start = Hex.bytes(payloadStart);
        buf.setBytes(40, start);
        buf.writerIndex(total);
        return buf;
    }

    private static boolean mayReport(ByteBuf buf) {
        try {
            return Icmpv6Error.mayReportOn(buf, 0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Test
    void knownAnswer() {
        ByteBuf invoking = Hex.buf(Icmpv6Test.ECHO_REQUEST);
        ByteBuf out = Unpooled.buffer();
        try {
            assertThat(Icmpv6Error.appendUnreachable(
                            out,
                            Icmpv6.CODE_ADDRESS_UNREACHABLE,
                            RELAY_HI,
                            RELAY_LO,
                            invoking,
                            0,
                            invoking.readableBytes()))
                    .isTrue();
            assertThat(Hex.of(out)).isEqualTo(UNREACHABLE);
            assertThat(Icmpv6.isValid(out, 0, out.readableBytes())).isTrue();
            assertThat(Ipv6.hopLimit(out, 0)).isEqualTo(255);
            assertThat(Ipv6.dstLo(out, 0)).isEqualTo(Hex.lo(Icmpv6Test.NATIVE));
        } finally {
            invoking.release();
            out.release();
        }
    }

    @Test
    void noRouteCodeAndChecksum() {
        ByteBuf invoking = packet(60, 17, "d9030035");
        ByteBuf out = Unpooled.buffer();
        try {
            assertThat(Icmpv6Error.appendUnreachable(out, Icmpv6.CODE_NO_ROUTE, Ipv6.LINK_LOCAL_HI, 1, invoking, 0, 60))
                    .isTrue();
            assertThat(Icmpv6.type(out, 40)).isEqualTo(Icmpv6.TYPE_DESTINATION_UNREACHABLE);
            assertThat(Icmpv6.code(out, 40)).isEqualTo(Icmpv6.CODE_NO_ROUTE);
            assertThat(out.getInt(44)).as("unused").isZero();
            assertThat(Checksum.verifies(out, 0)).isTrue();
            assertThat(out.readableBytes()).isEqualTo(48 + 60);
        } finally {
            invoking.release();
            out.release();
        }
    }

    /** RFC 4443 §2.4 (c): as much of the invoking packet as fits in 1280 bytes. */
    @ParameterizedTest(name = "invoking {0} bytes")
    @ValueSource(ints = {40, 1231, 1232, 1233, 1280, 1500, 9000})
    void sizeIsCappedAt1280(int invokingLength) {
        ByteBuf invoking = packet(invokingLength, 17, "");
        for (int i = 40; i < invokingLength; i++) {
            invoking.setByte(i, i);
        }
        ByteBuf out = Unpooled.buffer();
        try {
            assertThat(Icmpv6Error.appendUnreachable(out, 3, RELAY_HI, RELAY_LO, invoking, 0, invokingLength))
                    .isTrue();
            int expected = Math.min(1280, 48 + invokingLength);
            assertThat(out.readableBytes()).isEqualTo(expected).isEqualTo(Icmpv6Error.length(invokingLength));
            assertThat(Ipv6.payloadLength(out, 0)).isEqualTo(expected - 40);
            assertThat(Hex.of(out, 48, expected - 48)).isEqualTo(Hex.of(invoking, 0, expected - 48));
            assertThat(Icmpv6.isValid(out, 0, expected)).isTrue();
        } finally {
            invoking.release();
            out.release();
        }
    }

    /** §2.4 (e.1, e.2): never about an ICMPv6 error or a Redirect; informational messages are fine. */
    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 127, 137})
    void noErrorAboutAnError(int type) {
        assertThat(mayReport(packet(48, 58, String.format("%02x00", type)))).isFalse();
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {128, 129, 133, 134, 135, 255})
    void errorAboutInformational(int type) {
        assertThat(mayReport(packet(48, 58, String.format("%02x00", type)))).isTrue();
    }

    @ParameterizedTest(name = "next header {0}")
    @ValueSource(ints = {6, 17, 50, 59})
    void errorAboutOtherUpperLayers(int nextHeader) {
        assertThat(mayReport(packet(48, nextHeader, ""))).isTrue();
    }

    /** §2.4 (e.3, e.6): multicast destination, unspecified or multicast source. */
    @Test
    void noErrorAboutMulticastOrUnspecified() {
        ByteBuf toMulticast = packet(48, 17, "");
        toMulticast.setLong(Ipv6.DST_OFFSET, 0xFF02_0000_0000_0000L);
        assertThat(mayReport(toMulticast)).isFalse();
        ByteBuf fromUnspecified = packet(48, 17, "");
        fromUnspecified.setLong(Ipv6.SRC_OFFSET, 0).setLong(Ipv6.SRC_OFFSET + 8, 0);
        assertThat(mayReport(fromUnspecified)).isFalse();
        ByteBuf fromMulticast = packet(48, 17, "");
        fromMulticast.setLong(Ipv6.SRC_OFFSET, 0xFF0E_0000_0000_0000L);
        assertThat(mayReport(fromMulticast)).isFalse();

        ByteBuf out = Unpooled.buffer();
        ByteBuf invoking = packet(48, 17, "");
        invoking.setLong(Ipv6.DST_OFFSET, 0xFF02_0000_0000_0000L);
        try {
            assertThat(Icmpv6Error.appendUnreachable(out, 3, RELAY_HI, RELAY_LO, invoking, 0, 48))
                    .isFalse();
            assertThat(out.writerIndex()).as("nothing written").isZero();
        } finally {
            out.release();
            invoking.release();
        }
    }

    /** The error type is found behind extension headers (RFC 8200 §4). */
    @Test
    void walksExtensionHeaders() {
        // hop-by-hop (8 bytes, next = destination options), destination options (16 bytes, next = ICMPv6)
        String hopByHop = "3c00 010400000000";
        String destOpts = "3a01 0000000000000000000000000000";
        assertThat(mayReport(packet(72, 0, hopByHop + destOpts + "0100")))
                .as("error behind options")
                .isFalse();
        assertThat(mayReport(packet(72, 0, hopByHop + destOpts + "8000")))
                .as("echo behind options")
                .isTrue();
        // first fragment (offset 0) of an error: still an error; later fragment: no ICMPv6 header to see
        assertThat(mayReport(packet(56, 44, "3a00 0000 00000001 0100"))).isFalse();
        assertThat(mayReport(packet(56, 44, "3a00 0008 00000001 0100"))).isTrue();
        // authentication header, length field 1 -> (1 + 2) * 4 = 12 bytes
        assertThat(mayReport(packet(60, 51, "3a01 0000 00000000 00000000 0100")))
                .isFalse();
        // cut short: the hop-by-hop header says 16 bytes, the packet ends first
        assertThat(mayReport(packet(52, 0, "3a01"))).isFalse();
        assertThat(mayReport(packet(40, 58, ""))).as("no ICMPv6 type byte").isFalse();
        // a loop of nine hop-by-hop headers: more than we follow
        assertThat(mayReport(packet(40 + 9 * 8 + 4, 0, "0000000000000000".repeat(9) + "8000")))
                .isFalse();
    }

    @Test
    void notAnIpv6Packet() {
        ByteBuf v4 = packet(48, 17, "");
        v4.setByte(0, 0x45);
        assertThat(mayReport(v4)).isFalse();
        ByteBuf shortOne = packet(48, 17, "");
        try {
            assertThat(Icmpv6Error.mayReportOn(shortOne, 0, 39)).isFalse();
            assertThat(Icmpv6Error.mayReportOn(shortOne, 10, 48))
                    .as("beyond the buffer")
                    .isFalse();
        } finally {
            shortOne.release();
        }
    }

    /** The entry points the relay engine calls: readable bytes of the packet, a new buffer or null. */
    @Test
    void allocatingFormForTheEngine() {
        ByteBuf invoking = Unpooled.buffer(60).writeZero(4);
        invoking.writeBytes(Hex.bytes(Icmpv6Test.ECHO_REQUEST)).readerIndex(4);
        ByteBuf error = Icmpv6.destinationUnreachable(
                PooledByteBufAllocator.DEFAULT, invoking, Icmpv6.CODE_ADDRESS_UNREACHABLE, RELAY_HI, RELAY_LO);
        try {
            assertThat(Icmpv6.mayReportError(invoking, 4)).isTrue();
            assertThat(error).isNotNull();
            assertThat(Hex.of(error)).isEqualTo(UNREACHABLE);
            assertThat(invoking.readerIndex()).isEqualTo(4);
            assertThat(invoking.refCnt()).isEqualTo(1);
        } finally {
            error.release();
        }
        invoking.setByte(4 + 40, Icmpv6.TYPE_DESTINATION_UNREACHABLE);
        try {
            assertThat(Icmpv6.mayReportError(invoking, 4)).isFalse();
            assertThat(Icmpv6.destinationUnreachable(PooledByteBufAllocator.DEFAULT, invoking, 3, RELAY_HI, RELAY_LO))
                    .isNull();
        } finally {
            invoking.release();
        }
    }

    /** Whatever the invoking packet, an error we do send verifies and fits in 1280 bytes. */
    @Property(tries = 300)
    void everyErrorSentIsValid(
            @ForAll @IntRange(min = 40, max = 2000) int length,
            @ForAll long srcLo,
            @ForAll @IntRange(max = 255) int nextHeader,
            @ForAll @IntRange(max = 255) int type) {
        ByteBuf invoking = packet(Math.max(length, 42), nextHeader, String.format("%02x00", type));
        invoking.setLong(Ipv6.SRC_OFFSET + 8, srcLo);
        ByteBuf out = Unpooled.buffer();
        try {
            if (Icmpv6Error.appendUnreachable(out, 3, RELAY_HI, RELAY_LO, invoking, 0, length)) {
                assertThat(out.readableBytes()).isLessThanOrEqualTo(1280);
                assertThat(Icmpv6.isValid(out, 0, out.readableBytes())).isTrue();
                assertThat(nextHeader == 58 && (type < 128 || type == 137)).isFalse();
            } else {
                assertThat(out.writerIndex()).isZero();
            }
        } finally {
            invoking.release();
            out.release();
        }
    }
}
